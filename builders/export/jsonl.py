"""JSON Lines: ``<split>.jsonl``, one document a line with all its records.

A line is the document record plus ``split``, ``entities``, ``times``, ``events`` and ``stances``:
the records of the span configs without their repeated ``doc_id``. Nothing is left out (an event
link keeps its ``doc_id``: it names the target's document, another one for a cross-document link).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

from builders.findings import Finding
from builders.annotation.records import DocRecords

NESTED = ("entities", "times", "events", "stances")


def document_line(doc: DocRecords, split: str) -> dict[str, Any]:
    line = {**doc.documents[0], "split": split}
    for config in NESTED:
        line[config] = [{k: v for k, v in record.items() if k != "doc_id"} for record in doc.config(config)]
    return line


def write(corpus, out: Path, source: Callable[[str], str]) -> list[Finding]:
    for split, docs in corpus.by_split().items():
        text = "".join(json.dumps(document_line(doc, split), ensure_ascii=False) + "\n" for doc in docs)
        (out / f"{split}.jsonl").write_text(text, encoding="utf-8", newline="\n")
    return []
