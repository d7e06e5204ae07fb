"""GeoSignal: an annotated corpus of geopolitical signalling in the news, and the builders of its dataset.

The path an article takes, package by package (each imports only those before it):

- ``source/``: a document folder read under the level-1 file rules (``corpus``), its raw
  scrape cleaned into the text every offset counts in, with a map back to the raw bytes
  (``clean``, ``shapes``, ``boilerplate``, ``segments``, ``corrections``);
- ``annotation/``: the annotation file parsed safely (``yamlio``), quoted spans resolved
  (``resolve``), records made (``records``);
- ``check/``: the checks in levels, one module per level, and the checks across documents;
- ``new``: a raw article -> a document folder with a template that validates;
- ``dataset/``: records -> training views, splits, statistics, Parquet (``write``);
- ``release/``: card, Croissant, version, provenance, publishing;
- ``run/``: THE corpus run. ``step`` is the pure per-document step (texts -> findings, records,
  views, counts); ``runner`` walks the folders, cuts chunks, applies the cache and an engine
  (``engine``: this process, the machine's worker processes; ``dask_engine``: a Dask cluster;
  ``engines`` opens the one a command names) and streams the outcomes in corpus order;
  ``validate``, ``build``, ``stats`` and ``load`` consume the stream;
- ``export/``, ``inception/``, ``score/``, ``coder/``: what reads the records further;
- ``show``, ``report``, ``cli``: the front ends.

The library, without the CLI (names resolved on first use, so ``import builders.cli`` stays fast)::

    import builders
    report = builders.validate([Path("corpus")])           # findings of every document, and across them
    corpus, report = builders.load_corpus([Path("corpus")])  # records of the valid documents, with splits
    result = builders.build(Path("corpus"), Path("dist"))   # the Hugging Face dataset folder
    total, by_split, report = builders.corpus_stats([Path("corpus")])
    corpus, findings = builders.export_corpus(Path("corpus"), "jsonl", Path("out"))
    for chunk in builders.CorpusRun([Path("corpus")], builders.Job(level=3)).batches(): ...
    with builders.open_engine("dask", workers=4) as engine:  # pip install "geosignal[dask]"
        builders.build(Path("corpus"), Path("dist"), engine=engine)  # the same bytes, on a cluster
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from builders.__about__ import __version__

if TYPE_CHECKING:
    from builders.dataset.read import Corpus, read_corpus
    from builders.export import export_corpus
    from builders.run.build import build
    from builders.run.engines import open_engine
    from builders.run.load import load_corpus
    from builders.run.outcomes import Job
    from builders.run.runner import CorpusRun
    from builders.run.stats import corpus_stats
    from builders.run.validate import validate

# the public API: name -> the module that defines it (tests/test_layout.py reads this table)
API = {
    "validate": "builders.run.validate",
    "build": "builders.run.build",
    "corpus_stats": "builders.run.stats",
    "load_corpus": "builders.run.load",
    "export_corpus": "builders.export",
    "read_corpus": "builders.dataset.read",
    "Corpus": "builders.dataset.read",
    "CorpusRun": "builders.run.runner",
    "Job": "builders.run.outcomes",
    "open_engine": "builders.run.engines",
}

__all__ = ["__version__", *API]


def __getattr__(name: str) -> Any:
    """Resolve a public name on first use (PEP 562): the library is imported only when called."""
    if name not in API:
        raise AttributeError(f"module 'builders' has no attribute {name!r}")
    value = getattr(importlib.import_module(API[name]), name)
    globals()[name] = value
    return value
