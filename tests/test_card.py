"""The dataset card as the Hub reads it: huggingface_hub's DatasetCard / DatasetCardData, offline."""

from __future__ import annotations

import hashlib
import os
import re
import shutil

import pytest
from huggingface_hub import DatasetCard, DatasetCardData

from builders import build
from builders.release.card import BUILD_KEY, datasheet_body, size_category
from builders.release.provenance import corpus_sha256
from builders.files import file_sha256, project_file
from builders.release.metadata import DATASHEET
from builders.schema import ALL_CONFIGS
from conftest import CORPUS, SEED_ID, annotation, commit_corpus, edit, load_dataset

# Values the Hub accepts (huggingface_hub's DatasetCardData docstring; the Hub's task list).
CREATORS = {"found", "crowdsourced", "expert-generated", "machine-generated", "no-annotation", "other"}
SIZES = {"n<1K", "1K<n<10K", "10K<n<100K", "100K<n<1M", "1M<n<10M", "10M<n<100M", "100M<n<1B", "1B<n<10B", "other"}
TASK_IDS = {
    "token-classification": {"named-entity-recognition", "part-of-speech", "parsing", "lemmatization",
                             "word-sense-disambiguation", "coreference-resolution"},
    "text-classification": {"acceptability-classification", "entity-linking-classification", "fact-checking",
                            "intent-classification", "language-identification", "multi-class-classification",
                            "multi-label-classification", "multi-input-text-classification",
                            "natural-language-inference", "semantic-similarity-classification",
                            "sentiment-classification", "topic-classification", "semantic-similarity-scoring",
                            "sentiment-scoring", "sentiment-analysis", "hate-speech-detection", "text-scoring"},
}
FIELDS = ("license", "language", "task_categories", "task_ids", "pretty_name", "size_categories",
          "annotations_creators", "language_creators", "source_datasets", "multilinguality", "tags", "configs",
          "dataset_info")


@pytest.fixture(scope="module")
def card(built) -> DatasetCard:
    return DatasetCard.load(built / "README.md")


def test_card_metadata_parses_with_dataset_card_data_and_has_every_field(card):
    assert isinstance(card.data, DatasetCardData)
    meta = card.data.to_dict()
    missing = [f for f in FIELDS if not meta.get(f)]
    assert missing == []
    # and the same YAML read back through DatasetCardData's own constructor
    again = DatasetCardData(**meta)
    assert again.pretty_name == "GeoSignal" and again.task_ids == meta["task_ids"]


def test_card_metadata_uses_values_the_hub_accepts(card, built):
    meta = card.data.to_dict()
    assert set(meta["annotations_creators"]) <= CREATORS and set(meta["language_creators"]) <= CREATORS - {"no-annotation"}
    assert set(meta["task_categories"]) <= set(TASK_IDS)
    allowed = set().union(*(TASK_IDS[c] for c in meta["task_categories"]))
    assert set(meta["task_ids"]) <= allowed
    assert meta["source_datasets"] == ["original"]
    assert meta["license"] == "other" and meta["license_name"] and "third-party" in meta["license_details"]
    assert all(re.fullmatch(r"[a-z]{2,3}", lang) for lang in meta["language"])
    rows = {c: load_dataset(built, c, split="train").num_rows for c in ALL_CONFIGS}
    assert meta["size_categories"] == [size_category(max(rows.values()))] and set(meta["size_categories"]) <= SIZES
    languages = set(load_dataset(built, "documents", split="train")["language"])
    assert meta["multilinguality"] == ["monolingual" if len(languages) == 1 else "multilingual"]
    assert [c["config_name"] for c in meta["configs"]] == list(ALL_CONFIGS)


def test_size_category_buckets():
    assert [size_category(n) for n in (0, 999, 1_000, 9_999, 10_000, 2_500_000)] == [
        "n<1K", "n<1K", "1K<n<10K", "1K<n<10K", "10K<n<100K", "1M<n<10M"]


@pytest.mark.parametrize("state", ["not-in-git", "clean", "dirty"])
def test_card_records_the_build(tmp_path, state):
    """The card names the corpus build by build: its git state as it is, and a hash of its files
    that changes with any of them."""
    if state == "not-in-git":
        corpus = tmp_path / "corpus"
        shutil.copytree(CORPUS, corpus)
    else:
        corpus = commit_corpus(tmp_path)
    before = corpus_sha256(corpus)
    if state == "dirty":
        ann = annotation(corpus)
        ann.write_text(ann.read_text(encoding="utf-8") + "# an uncommitted comment\n", encoding="utf-8")
        assert corpus_sha256(corpus) != before  # the hash follows the files
    assert build(corpus, tmp_path / "dist", workers=1).written
    recorded = DatasetCard.load(tmp_path / "dist" / "README.md").data.to_dict()[BUILD_KEY]
    assert recorded["corpus_git"] == state
    assert recorded["corpus_sha256"] == corpus_sha256(corpus) and re.fullmatch(r"[0-9a-f]{64}", recorded["corpus_sha256"])


def test_the_corpus_hash_of_a_cached_build_reuses_the_chunk_keys_digests_and_follows_every_byte(tmp_path, monkeypatch):
    """With a cache the card's corpus hash is made from the digests the chunk keys computed (each
    input file read once): it must equal the hash of the files read afresh, before and after one
    byte of a source changes, and change with that byte."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "README.md").write_text("not a document: hashed on its own\n", encoding="utf-8")
    from builders.release import provenance

    hashed = []  # files the corpus hash reads itself: only those no chunk key read
    monkeypatch.setattr(provenance, "file_sha256", lambda path: hashed.append(path) or file_sha256(path))
    recorded = []
    for _ in range(2):
        hashed.clear()
        built = build(corpus, tmp_path / "dist", workers=1, cache=tmp_path / "cache")
        assert built.written, [(f.code, f.message) for f in built.report.findings if f.is_error]
        recorded.append(DatasetCard.load(tmp_path / "dist" / "README.md").data.to_dict()[BUILD_KEY]["corpus_sha256"])
        assert [os.path.basename(p) for p in hashed] == ["README.md"]
        assert recorded[-1] == corpus_sha256(corpus)
        source = corpus / SEED_ID / "source.txt"
        old = hashlib.sha256(source.read_bytes()).hexdigest()
        source.write_bytes(source.read_bytes() + b"\n")  # one byte more (the annotation names its sha256)
        edit(annotation(corpus), old, hashlib.sha256(source.read_bytes()).hexdigest())
    assert recorded[0] != recorded[1]


def test_card_body_has_datasheet_sections_labels_and_citation(card):
    body = card.text
    lines = project_file(DATASHEET).read_text(encoding="utf-8").splitlines()
    headings = [line for line in lines if re.match(r"#{2,5} ", line)]
    assert "\n## Datasheet\n" in body
    assert next(line for line in lines[1:] if line.strip() and not line.startswith("#")) in body
    for heading in headings:
        assert "\n#" + heading + "\n" in body  # every section of the datasheet, one level deeper
    assert "| 0 | `PER` | person or group of people |" in body  # label tables with the schema's meanings
    assert "**Events by realis**" in body  # statistics
    citation = re.search(r"```bibtex\n(@misc\{.*?\n\})\n```", body, re.S)
    assert citation and "version = {" in citation.group(1)


def test_datasheet_body_demotes_headings_but_not_code():
    text = "# Title\n\n## Motivation\n\ntext\n\n```\n## not a heading\n```\n### Sub\n"
    assert datasheet_body(text) == "### Motivation\n\ntext\n\n```\n## not a heading\n```\n#### Sub"
