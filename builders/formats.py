"""The names of the formats and choices the library offers, in one place.

Each list belongs to the module that implements it (which imports it from here and checks its
own table against it); the CLI builds its choices from the same lists without importing those
modules, so that ``geosignal --help`` starts fast.
"""

from __future__ import annotations

FINDINGS = ("text", "json", "github")  # report.py: findings for people, tools, GitHub Actions
TABLES = ("table", "json", "markdown")  # statistics (dataset/stats.py) and scores (score/render.py)
EXPORTS = ("brat", "conll", "jsonl", "spacy", "inception")  # export/: one writer each
COLLECTIONS = ("wh-markdown", "wikinews-csv", "text")  # coder/collection.py: the shapes of a raw collection
VERSION_PARTS = ("major", "minor", "patch")  # release/metadata.py: what `version bump` raises
ENGINES = ("local", "dask")  # run/engines.py: where the per-chunk (and per-article) step runs
