"""Properties of the real corpus/ that hold for any valid corpus, whatever documents it gains.

No test here names a document of corpus/ or counts them: contributors add documents every day.
"""

from __future__ import annotations

import hashlib

import pytest
import yaml

from builders import validate
from builders.dataset.read import read_dataset

from conftest import REAL_CORPUS

DOCS = sorted(d for d in REAL_CORPUS.iterdir() if (d / "annotation.yaml").is_file())


def test_every_document_validates_without_errors():
    report = validate([REAL_CORPUS], level=4)
    errors = [f"{f.file}:{f.line}: {f.code} {f.message}" for f in report.findings if f.is_error]
    assert errors == []
    assert report.checked == len(DOCS)


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_document_records_its_licence_and_source_bytes(doc):
    meta = yaml.safe_load((doc / "annotation.yaml").read_text(encoding="utf-8"))["document"]
    assert meta["source_sha256"] == hashlib.sha256((doc / "source.txt").read_bytes()).hexdigest()
    assert meta["license"]["spdx"]
    if meta["license"]["spdx"].startswith("CC-BY"):
        assert meta["license"].get("attribution"), "a CC BY text needs its attribution line"


def test_every_span_round_trips_to_the_text_and_the_raw_bytes(built_real):
    tables = read_dataset(built_real)
    docs = {d["doc_id"]: d for d in tables["documents"]}
    assert set(docs) == {d.name for d in DOCS}

    def check(doc_id: str, start: int, end: int, text: str) -> None:
        doc = docs[doc_id]
        assert doc["text"][start:end] == text
        covered = [s for s in doc["offset_map"] if s["clean_start"] <= start < s["clean_start"] + s["length"]]
        for seg in covered:  # every clean character the map aligns is the raw character it names
            i = start - seg["clean_start"]
            assert doc["raw_text"][seg["raw_start"] + i] == doc["text"][start]

    for ent in tables["entities"]:
        for m in ent["mentions"]:
            check(ent["doc_id"], m["start"], m["end"], m["text"])
    for ev in tables["events"]:
        check(ev["doc_id"], ev["trigger"]["start"], ev["trigger"]["end"], ev["trigger"]["text"])
    for st in tables["stances"]:
        check(st["doc_id"], st["evidence"]["start"], st["evidence"]["end"], st["evidence"]["text"])
