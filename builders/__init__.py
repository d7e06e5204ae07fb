"""GeoSignal: an annotated corpus of geopolitical signalling in the news.

The path an article takes: ``corpus.py`` reads a document folder, ``yamlio.py`` parses its
annotation file, ``clean.py`` turns the raw scrape into clean text with an offset map,
``resolve.py`` turns quoted spans into offsets, ``records.py`` makes schema-valid records,
``validate.py`` collects findings, and ``write.py`` writes the Hugging Face dataset folder.
"""

from builders.__about__ import __version__

__all__ = ["__version__"]
