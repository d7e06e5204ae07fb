"""CoNLL-style BIO columns: ``ner/<split>.conll`` and ``event_triggers/<split>.conll``.

The layout of conll2003: ``-DOCSTART- -X- -X- O`` and a blank line before each document, then
one ``token tag`` line per token and a blank line after each sentence. The tokens and tags are
those of the dataset's ``ner`` and ``event_triggers`` configs (builders/views.py), so the
findings about spans the BIO tags leave out are reported here too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from builders.findings import Finding
from builders.schema import VIEWS
from builders.dataset.views import doc_views

DOCSTART = "-DOCSTART- -X- -X- O"
TAG_COLUMNS = {"ner": "ner_tags", "event_triggers": "trigger_tags"}


def render(rows: list[dict]) -> str:
    """Token rows (of one or more documents, in order) as CoNLL text."""
    lines: list[str] = []
    previous = None
    for row in rows:
        if row["doc_id"] != previous:
            lines += [DOCSTART, ""]
            previous = row["doc_id"]
        tags = next(row[c] for c in TAG_COLUMNS.values() if c in row)
        for token, tag in zip(row["tokens"], tags):
            if token.split() != [token]:
                raise ValueError(f"token {token!r} of {row['doc_id']} holds white space")
            lines.append(f"{token} {tag}")
        lines.append("")
    return "\n".join(lines) + ("\n" if lines else "")


def write(corpus, out: Path, source: Callable[[str], str]) -> list[Finding]:
    findings: list[Finding] = []
    rows: dict[str, dict[str, list[dict]]] = {config: {} for config in TAG_COLUMNS if config in VIEWS}
    for split, docs in corpus.by_split().items():
        for doc in docs:
            views = doc_views(doc, source(doc.doc_id))
            findings.extend(views.findings)
            for config in rows:
                rows[config].setdefault(split, []).extend(views.rows[config])
    for config, by_split in rows.items():
        (out / config).mkdir()
        for split, split_rows in by_split.items():
            (out / config / f"{split}.conll").write_text(render(split_rows), encoding="utf-8", newline="\n")
    return findings
