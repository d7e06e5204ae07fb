"""The collector's tuning (builders/gctune.py) changes how fast a build runs, never what it writes."""

from __future__ import annotations

import gc
import hashlib
import sys
from pathlib import Path

import pytest

import builders.run.gctune as gctune
import builders.run.runner as runner
from builders.run.build import build
from builders.source.corpus import discover

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("generated") / "corpus", 12, seed=3)


@pytest.mark.parametrize("workers", [1, 2])
def test_output_is_byte_identical_with_and_without_the_tuning(corpus, tmp_path, monkeypatch, workers):
    monkeypatch.setattr(runner, "AVERAGE_CHUNK", 2)  # several chunks, so two workers share the work
    assert len(list(runner.chunks(discover([corpus])[0]))) >= 4
    tuned = build(corpus, tmp_path / "tuned", workers=workers, cache=None)
    monkeypatch.setattr(gctune, "ENABLED", False)  # forked workers inherit the switch
    plain = build(corpus, tmp_path / "plain", workers=workers, cache=None)
    assert tuned.written and plain.written
    assert digest(tmp_path / "tuned") == digest(tmp_path / "plain")
    assert len(digest(tmp_path / "tuned")) > 3


def test_the_collector_is_tuned_while_documents_are_processed_and_restored_after(corpus):
    before = gc.get_threshold()
    folders, _ = discover([corpus])
    seen = []
    for _ in runner.CorpusRun([f.path for f in folders[:3]], workers=1).batches():
        seen.append((gc.get_threshold()[0], gc.get_freeze_count()))
    assert seen and all(threshold == gctune.THRESHOLD and frozen > 0 for threshold, frozen in seen)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_nested_runs_restore_only_at_the_outermost(monkeypatch):
    monkeypatch.setattr(gctune, "ENABLED", True)
    before = gc.get_threshold()
    with gctune.tuned():
        with gctune.tuned():
            pass
        assert gc.get_threshold()[0] == gctune.THRESHOLD and gc.get_freeze_count() > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
