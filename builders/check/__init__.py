"""The checks of a document and of the corpus, in levels as Universal Dependencies' validate.py has them.

One module per level, each with its ``LEVEL``: ``level1`` (files and YAML syntax; the file rules
themselves are applied where files are read, source/corpus.py), ``level2`` (the annotation
schema), ``level3`` (spans, references, records), ``level4`` (guideline lints, warnings).
``document`` runs them over one document, purely; ``corpus`` holds the checks across documents
(duplicate ids and articles, cross-document links), with ``duplicates`` and ``changes`` (the
documents a git change touched). Nothing here reads more than the files it checks, and nothing
here knows about the runner that calls it (builders/run/).
"""
