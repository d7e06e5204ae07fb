"""Build the real corpus and load it back the way users do: datasets.load_dataset, offline."""

from __future__ import annotations

import hashlib
from pathlib import Path

import datasets
import pytest

from builders.run.build import build
from builders.source.segments import Cleaned, Segment
from builders.dataset.outdir import MANIFEST
from builders.schema import ALL_CONFIGS, CONFIGS, features

from conftest import CORPUS, annotation, cli, edit, load_dataset


def load(folder: Path, config: str) -> datasets.Dataset:
    return load_dataset(folder, config, split="train")


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("config", list(ALL_CONFIGS))
def test_every_config_loads_with_its_features(built, config):
    ds = load(built, config)
    assert ds.num_rows > 0
    assert ds.features == features(config)


def test_default_config_is_documents(built):
    ds = load_dataset(built, split="train")
    assert "text" in ds.column_names and ds.num_rows == 1


def test_label_columns_are_class_labels(built):
    ents = load(built, "entities")
    assert isinstance(ents.features["type"], datasets.ClassLabel)
    names = {ents.features["type"].int2str(t) for t in ents["type"]}
    assert {"GPE", "LOC", "ORG", "PER", "VEH"} <= names
    evs = load(built, "events")
    assert isinstance(evs.features["realis"], datasets.ClassLabel)
    role = evs.features["arguments"].feature["role"]
    assert isinstance(role, datasets.ClassLabel)
    pol = load(built, "stances").features["polarity"]
    assert pol.names == ["support", "oppose", "neutral"]


def all_spans(built: Path):
    """(doc_id, start, end, text) of every stored span of every config."""
    for e in load(built, "entities"):
        for m in e["mentions"]:
            yield e["doc_id"], m["start"], m["end"], m["text"]
    for ev in load(built, "events"):
        t = ev["trigger"]
        yield ev["doc_id"], t["start"], t["end"], t["text"]
        for a in ev["arguments"]:
            if a["start"] is not None:
                yield ev["doc_id"], a["start"], a["end"], a["text"]
    for st in load(built, "stances"):
        ev = st["evidence"]
        yield st["doc_id"], ev["start"], ev["end"], ev["text"]


def test_every_span_equals_the_text_and_maps_back_to_the_raw_source(built):
    docs = {d["doc_id"]: d for d in load(built, "documents")}
    n = 0
    for doc_id, start, end, text in all_spans(built):
        doc = docs[doc_id]
        assert doc["text"][start:end] == text
        cleaned = Cleaned(doc["text"], tuple(Segment(**s) for s in doc["offset_map"]), ())
        a, b = cleaned.to_raw(start, end)
        raw = (CORPUS / doc_id / "source.txt").read_bytes().decode("utf-8")
        assert raw == doc["raw_text"]
        # the cleaner only rewrites white space between paragraphs, so spans map back verbatim
        assert raw[a:b] == text, (text, raw[a:b])
        n += 1
    assert n > 50


def test_arguments_and_links_refer_to_existing_records(built):
    entity_ids = {(e["doc_id"], e["entity_id"]) for e in load(built, "entities")}
    events = load(built, "events")
    event_ids = {(e["doc_id"], e["event_id"]) for e in events}
    for ev in events:
        for a in ev["arguments"]:
            assert a["entity_id"] is None or (ev["doc_id"], a["entity_id"]) in entity_ids
        for link in ev["links"]:
            assert (ev["doc_id"], link["event_id"]) in event_ids
    links = [link for ev in events for link in ev["links"]]
    response_to = events.features["links"].feature["type"].str2int("response_to")
    assert any(link["type"] == response_to for link in links)


def test_two_builds_are_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert build(CORPUS, a).written and build(CORPUS, b).written
    assert digest(a) == digest(b)
    assert set(digest(a)) == {"README.md", "croissant.json", MANIFEST,
                              *(f"data/{c}/train-00000-of-00001.parquet" for c in ALL_CONFIGS)}
    assert build(CORPUS, a).written  # a rebuild in place too
    assert digest(a) == digest(b)


def test_failed_build_leaves_previous_output_intact(tmp_path, corpus_copy):
    out = tmp_path / "dist"
    assert build(corpus_copy, out).written
    before = digest(out)
    edit(annotation(corpus_copy), "trigger: joint patrol", "trigger: joint patorl")
    result = cli("build", "--corpus", str(corpus_copy), "--out", str(out))
    assert result.returncode == 1
    assert "quote-not-found" in result.stderr and "left as it was" in result.stderr
    assert digest(out) == before
    assert [p.name for p in tmp_path.glob(".dist.*")] == [".dist.lock"]  # no temporary folder left behind


def test_build_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    result = cli("build", "--corpus", str(CORPUS), "--out", str(out))
    assert result.returncode == 1
    assert "not a GeoSignal build" in result.stderr
    assert (out / "notes.txt").read_text() == "keep me"


def test_card_yaml_lists_every_config(built):
    import yaml

    card = (built / "README.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(card.split("---\n")[1])
    assert [c["config_name"] for c in meta["configs"]] == list(ALL_CONFIGS)
    assert meta["configs"][0]["default"] is True
    assert [i["config_name"] for i in meta["dataset_info"]] == list(ALL_CONFIGS)
    for info in meta["dataset_info"]:
        assert info["splits"][0]["num_examples"] == load(built, info["config_name"]).num_rows


@pytest.mark.parametrize("config", list(CONFIGS))
def test_fast_encoder_agrees_with_datasets(config):
    from builders import load_corpus
    from builders.dataset.write import encode_rows

    rows = [row for doc in load_corpus([CORPUS])[0].docs for row in doc.config(config)]
    assert rows
    assert encode_rows(config, rows) == [features(config).encode_example(r) for r in rows]
