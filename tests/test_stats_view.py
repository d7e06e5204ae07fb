"""`geosignal stats`: per-split figures that add up, one compact table per layer, side by side."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders.cli import app
from builders.dataset import splits
from builders.dataset.stats import by_split, compute, to_markdown
from builders.present.stats import grid

from conftest import CORPUS, REPO, SEED_ID

SMALL = REPO / "tests" / "data" / "small"


def invoke(*args: str, columns: int = 200):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns), "NO_COLOR": "1"})


def leaves(value, path=()):
    """Every number of a stats dict, by its path."""
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from leaves(sub, (*path, key))
    else:
        yield path, value


def assert_adds_up(total: dict, parts: dict[str, dict]) -> None:
    for path, value in leaves(total):
        found = []
        for part in parts.values():
            node = part
            for key in path:
                node = node.get(key, 0) if isinstance(node, dict) else 0
            found.append(node)
        assert sum(found) == value, f"{'/'.join(path)}: {found} does not add up to {value}"


def test_counts_by_split_add_up_to_the_totals():
    rows = {
        "documents": [{"doc_id": d, "text": "a b", "license": {"spdx": "CC0-1.0", "redistributable": True},
                       "annotation_status": "gold", "publisher": "P", "published": None, "title": None} for d in "xyz"],
        "stances": [{"doc_id": "x", "polarity": "support"}, {"doc_id": "z", "polarity": "oppose"}],
    }
    parts = by_split(rows, {"x": "train", "y": "test", "z": "test"}, ["train", "validation", "test"])
    assert list(parts) == ["train", "validation", "test"]  # every split named, in order, empty ones too
    assert [parts[s]["documents"] for s in parts] == [1, 0, 2]
    assert parts["test"]["stances"]["by_polarity"]["oppose"] == 1
    assert_adds_up(compute(rows), parts)


@pytest.fixture
def three_splits(tmp_path, monkeypatch) -> Path:
    """Three valid documents, one per split (ratios chosen for their ids' hashes, no small-corpus rule)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    for doc in ("good_doc", "new_doc"):
        shutil.copytree(SMALL / doc, corpus / doc)
    config = splits.SplitConfig((("train", 0.3), ("validation", 0.3), ("test", 0.4)), 0)
    monkeypatch.setattr(splits, "load_config", lambda: config)
    assert {splits.split_of(d, config) for d in (SEED_ID, "good_doc", "new_doc")} == {"train", "validation", "test"}
    return corpus


def test_per_split_figures_from_the_corpus_and_from_a_build_agree(three_splits, tmp_path):
    built = invoke("build", "--corpus", str(three_splits), "--out", str(tmp_path / "dist"))
    assert built.exit_code == 0, built.output
    from_corpus = invoke("stats", "--corpus", str(three_splits), "--format", "json")
    from_build = invoke("stats", str(tmp_path / "dist"), "--format", "json")
    assert from_corpus.exit_code == from_build.exit_code == 0, from_corpus.output + from_build.output
    a, b = json.loads(from_corpus.stdout), json.loads(from_build.stdout)
    assert a == b
    parts = a.pop("by_split")
    assert list(parts) == ["train", "validation", "test"] and [p["documents"] for p in parts.values()] == [1, 1, 1]
    assert_adds_up(a, parts)
    table = invoke("stats", str(tmp_path / "dist"))
    header = next(line for line in table.stdout.splitlines() if "validation" in line)
    assert header.split()[:4] == ["train", "validation", "test", "total"]
    documents = next(line for line in table.stdout.splitlines() if line.startswith("documents "))
    assert documents.split()[1:5] == ["1", "1", "1", "3"]


def test_the_markdown_keeps_its_shape(built):
    """The dataset card and DATASHEET.md embed it: totals only, every label, as before."""
    markdown = invoke("stats", str(built), "--format", "markdown")
    assert markdown.exit_code == 0
    payload = json.loads(invoke("stats", str(built), "--format", "json").stdout)
    payload.pop("by_split")
    assert markdown.stdout == to_markdown(payload)


def test_the_table_is_compact_and_side_by_side_when_wide(built):
    wide, narrow = invoke("stats", str(built), columns=200), invoke("stats", str(built), columns=70)
    assert wide.exit_code == narrow.exit_code == 0
    assert any("Documents" in line and "Entities" in line for line in wide.stdout.splitlines())
    assert not any("Documents" in line and "Entities" in line for line in narrow.stdout.splitlines())
    assert len(wide.stdout.splitlines()) < 0.6 * len(narrow.stdout.splitlines())
    assert max(len(line.rstrip()) for line in narrow.stdout.splitlines()) <= 70


def test_every_layer_has_a_table_with_a_total_column(built):
    payload = json.loads(invoke("stats", str(built), "--format", "json").stdout)
    parts = payload.pop("by_split")
    layers = grid(payload, parts)
    assert [title for title, _, _ in layers] == ["Documents", "Entities", "Mentions", "Time expressions", "Events",
                                                 "Event links", "Stances"]
    for title, header, rows in layers:
        assert header[-1] == "total" and header[1:-1] == list(parts)
        assert all(len(row) == len(header) for row in rows)
    events = dict((row[0].strip(), row[-1]) for row in layers[4][2])
    assert events["events"] == f"{payload['events']['total']:,}"
