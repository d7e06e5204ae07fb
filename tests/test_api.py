"""The library without the CLI: ``import builders`` and its public API, on one corpus run.

Every consumer (validate, load_corpus, corpus_stats, build, export_corpus) reads the same
stream of the runner, so they agree with one another; and the engine that runs the per-chunk
step is a seam: another engine gives the same bytes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import builders
import builders.run.runner as runner

from conftest import REPO, annotation, edit, tree_digest as digest

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402

DOCS = 12


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("generated") / "corpus", DOCS, seed=5)


class Scrambled:
    """An engine that runs the calls last to first, then hands the results back in the order given,
    as a cluster whose tasks finish in any order does; it counts what it ran."""

    def __init__(self) -> None:
        self.ran = 0

    def map(self, fn: Callable[..., Any], calls: Iterable[tuple],
            lost: Callable[[tuple, BaseException], Any] | None = None) -> Iterator[Any]:
        calls = list(calls)
        done = {i: fn(*calls[i]) for i in reversed(range(len(calls)))}
        self.ran += len(done)
        return iter(done[i] for i in range(len(calls)))


def test_the_consumers_of_one_run_agree(corpus, tmp_path):
    report = builders.validate([corpus], workers=1)
    assert report.ok and report.checked == DOCS and len(report.valid) == DOCS
    loaded, again = builders.load_corpus([corpus], workers=1)
    assert again.ok and [d.doc_id for d in loaded.docs] == sorted(report.valid)
    total, by_split, _ = builders.corpus_stats([corpus], workers=1)
    assert total["documents"] == DOCS == sum(part["documents"] for part in by_split.values())
    assert total["entities"]["total"] == sum(len(d.entities) for d in loaded.docs)
    assert {name: counts["documents"] for name, counts in by_split.items() if counts["documents"]} == \
        {name: len(docs) for name, docs in loaded.by_split().items()}
    written, warnings = builders.export_corpus(corpus, "jsonl", tmp_path / "jsonl", workers=1)
    lines = [json.loads(line) for path in sorted((tmp_path / "jsonl").glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    assert written is not None and sorted(doc["doc_id"] for doc in lines) == sorted(report.valid)


def test_another_engine_gives_the_same_bytes(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "AVERAGE_CHUNK", 2)  # several chunks
    chunks = len(list(runner.chunks(builders.CorpusRun([corpus]).folders)))
    assert chunks > 2
    plain = builders.build(corpus, tmp_path / "plain", workers=1)
    engine = Scrambled()
    other = builders.build(corpus, tmp_path / "other", engine=engine)
    assert plain.written and other.written and engine.ran == chunks
    assert digest(tmp_path / "plain") == digest(tmp_path / "other")


def test_a_broken_document_is_reported_and_the_others_still_load(corpus, tmp_path):
    import shutil

    copy = tmp_path / "corpus"
    shutil.copytree(corpus, copy)
    broken = sorted(p.name for p in copy.iterdir() if p.is_dir())[0]
    edit(annotation(copy, broken), "type: GPE", "type: NATION")
    loaded, report = builders.load_corpus([copy], workers=1)
    assert not report.ok and any(f.code == "unknown-label" for f in report.findings)
    assert broken not in {d.doc_id for d in loaded.docs} and len(loaded.docs) == DOCS - 1
    assert builders.corpus_stats([copy], workers=1)[0] is None
    written, findings = builders.export_corpus(copy, "jsonl", tmp_path / "out", workers=1)
    assert written is None and any(f.code == "unknown-label" for f in findings) and not (tmp_path / "out").exists()


def test_a_run_runs_the_folders_its_select_keeps(corpus):
    every = builders.CorpusRun([corpus], builders.Job(level=3), workers=1).folders
    kept = every[1::2]
    run = builders.CorpusRun([corpus], builders.Job(level=3), workers=1, select=lambda found: found[1::2])
    assert [f.doc_id for f in run.folders] == [f.doc_id for f in kept] and len(kept) < len(every)
    assert [doc.doc_id for chunk in run.batches() for doc in chunk.docs] == [f.doc_id for f in kept]


def test_a_run_streams_chunks_in_corpus_order(corpus, monkeypatch):
    monkeypatch.setattr(runner, "AVERAGE_CHUNK", 2)
    run = builders.CorpusRun([corpus], builders.Job(level=3), workers=1)
    seen = [doc.doc_id for chunk in run.batches() for doc in chunk.docs]
    assert seen == [f.doc_id for f in run.folders] and run.finish().ok
