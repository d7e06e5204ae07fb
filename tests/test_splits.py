"""Document-level splits: by a stable hash of the doc id, the same in every config and every build."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from builders.dataset import splits
from builders.run.build import build
from builders.schema import ALL_CONFIGS

from conftest import CORPUS, load_dataset
from gencorpus import doc_id, write_corpus

# Past splits.toml's min_documents, and enough documents that every split holds some. How close the
# hash comes to the ratios is measured on 20,000 ids below (test_hash_assignment_...), without a build;
# the build is checked to split exactly as that function does.
N = 120


def split_of_rows(folder: Path) -> dict[str, dict[str, set[str]]]:
    """config -> split -> doc ids, as datasets.load_dataset gives them."""
    out = {}
    for config in ALL_CONFIGS:
        loaded = load_dataset(folder, config)
        out[config] = {split: set(ds["doc_id"]) for split, ds in loaded.items()}
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, dict[str, dict[str, set[str]]]]:
    """A generated corpus of N documents, built and loaded back with datasets."""
    root = tmp_path_factory.mktemp("generated")
    result = build(write_corpus(root / "corpus", range(N)), root / "dist")
    assert result.written, result.report.findings[:3]
    return root / "dist", split_of_rows(root / "dist")


def test_every_config_puts_a_document_in_the_same_split(generated):
    _, by_config = generated
    assignment = {}
    for config, parts in by_config.items():
        for split, ids in parts.items():
            for doc in ids:
                assert assignment.setdefault(doc, split) == split, f"{doc} is in two splits ({config})"
    assert len(assignment) == N
    for parts in by_config.values():  # every config holds every split (each document has every kind of row)
        assert set(parts) == {name for name, _ in splits.load_config().ratios}


def test_the_build_splits_documents_as_the_hash_assignment_does(generated):
    _, by_config = generated
    expected = splits.assign([doc_id(n) for n in range(N)])
    assert len(set(expected.values())) == len(splits.load_config().ratios)  # every split, not all train
    for config, parts in by_config.items():
        assert {doc: split for split, ids in parts.items() for doc in ids} == expected, config


def test_a_document_keeps_its_split_when_the_corpus_changes(generated, tmp_path):
    """Another build, of a corpus sharing 30 documents with the first, splits them the same way."""
    _, first = generated
    result = build(write_corpus(tmp_path / "corpus", range(N - 30, N + 30)), tmp_path / "dist")
    assert result.written
    second = load_dataset(tmp_path / "dist", "ner")  # the first build's configs agree (the test above)
    before = {doc: split for split, ids in first["ner"].items() for doc in ids}
    after = {doc: split for split, ds in second.items() for doc in ds["doc_id"]}
    shared = set(before) & set(after)
    assert len(shared) == 30 and all(before[d] == after[d] for d in shared)
    assert len({before[d] for d in shared}) > 1  # not all train: a move to another split would show


def test_the_card_lists_only_splits_with_rows_and_their_sizes(generated):
    import yaml

    folder, by_config = generated
    meta = yaml.safe_load((folder / "README.md").read_text(encoding="utf-8").split("---\n")[1])
    for entry, info in zip(meta["configs"], meta["dataset_info"]):
        config = entry["config_name"]
        assert [f["split"] for f in entry["data_files"]] == [s["name"] for s in info["splits"]]
        for f in entry["data_files"]:
            assert f["path"] == f"data/{config}/{f['split']}-*.parquet"
            assert [p.name for p in folder.glob(f["path"])] == [f"{f['split']}-00000-of-00001.parquet"]
        assert {s["name"] for s in info["splits"]} == set(by_config[config])


def test_hash_assignment_of_many_ids_is_stable_and_near_the_ratios():
    config = splits.load_config()
    ids = [f"{n:06d}_{n * 2654435761 % 2**32:08x}" for n in range(20_000)]
    counts = Counter(splits.split_of(i, config) for i in ids)
    for name, ratio in config.ratios:
        assert abs(counts[name] / len(ids) - ratio) <= 0.01
    assert splits.assign(ids, config) == splits.assign(list(reversed(ids)), config)
    # sha256, not Python's per-process salted hash(): the same in every process and on every platform
    assert splits.position("000_7230f43d1c5252f7") == int(hashlib.sha256(b"000_7230f43d1c5252f7").hexdigest()[:16], 16) / 2**64


def test_a_small_corpus_is_all_train():
    config = splits.load_config()
    small = splits.SplitConfig(config.ratios, 50)
    ids = [doc_id(n) for n in range(49)]
    assert set(splits.assign(ids, small).values()) == {"train"}
    assert set(splits.assign(ids + [doc_id(49)], small).values()) == {name for name, _ in config.ratios}
    assert splits.assign([doc_id(0)], config) == {doc_id(0): "train"}


def test_the_fixture_corpus_loads_its_splits_in_every_config(built):
    ids = {d.name for d in CORPUS.iterdir() if d.is_dir()}
    expected = splits.assign(sorted(ids))
    for config, parts in split_of_rows(built).items():
        for split, docs in parts.items():
            assert all(expected[d] == split for d in docs), config


@pytest.mark.parametrize("text, message", [
    ("[ratios]\ntrain = 0.8\ntest = 0.1\n", "add up to"),
    ("[ratios]\nvalidation = 0.5\ntest = 0.5\n", "train split"),
    ("[ratios]\ntrain = 1.2\ntest = -0.2\n", "above 0"),
    ("min_documents = -1\n[ratios]\ntrain = 1\n", "min_documents"),
    ("[ratios\n", "not valid TOML"),
])
def test_a_malformed_split_file_is_refused_with_a_reason(text, message):
    with pytest.raises(splits.SplitConfigError, match=message):
        splits.parse_config(text)
