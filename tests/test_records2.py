"""Schema 2.0 records: times, event dates, groups, authors, licences, cross-document links,
second annotations and curly quotes, on fixture corpora made here from tests/data/small."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from builders.annotation import timex
from builders.run.build import build
from builders.release.card import Licences
from builders.release.publish import check
from builders.annotation.resolve import SpanError, resolve
from builders.schema import label_names
from builders.dataset.splits import assign, load_config, split_of
from builders import validate

from conftest import edit

SMALL = Path(__file__).resolve().parent / "data" / "small"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(SMALL, corpus)
    return corpus


def rows(out: Path, config: str) -> list[dict]:
    return [r for path in sorted((out / "data" / config).glob("*.parquet")) for r in pq.read_table(path).to_pylist()]


def codes(report) -> list[str]:
    return [f.code for f in report.findings if f.is_error]


# --- time expressions -------------------------------------------------------------------------

@pytest.mark.parametrize("text, timex_type, value", [
    ("yesterday", "DATE", "2024-01-11"),
    ("last week", "DATE", "2024-W01"),
    ("Thursday", "DATE", "2024-01-11"),
    ("on January 11", "DATE", "2024-01-11"),
    ("Tonight", "TIME", "2024-01-12TNI"),
    ("last month", "DATE", "2023-12"),
    ("three days", "DURATION", None),  # dateparser would read a date three days back: not a duration
    ("every spring", "SET", None),
    ("the immediate future", "DATE", None),
])
def test_relative_expressions_are_normalised_against_the_publication_date(text, timex_type, value):
    assert timex.normalise(text, timex_type, "2024-01-12") == value


def test_without_a_publication_date_only_absolute_dates_are_normalised():
    assert timex.normalise("yesterday", "DATE", None) is None
    assert timex.normalise("Thursday", "DATE", None) is None
    assert timex.normalise("January 11, 2024", "DATE", None) == "2024-01-11"


@pytest.mark.parametrize("value, timex_type, date", [
    ("2024-01-11", "DATE", "2024-01-11"), ("2024-01-11TNI", "TIME", "2024-01-11"),
    ("2024-01-11T21:30", "TIME", "2024-01-11"), ("2024-01", "DATE", "2024-01"), ("2024", "DATE", "2024"),
    ("2024-W02", "DATE", None), ("PAST_REF", "DATE", None), ("P3D", "DURATION", None), (None, "DATE", None),
])
def test_event_date_is_the_value_cut_to_what_it_names(value, timex_type, date):
    assert timex.event_date(value, timex_type) == date


def test_times_config_and_event_dates_in_the_build(small, tmp_path):
    ann = small / "good_doc" / "annotation.yaml"
    edit(ann, "published: null", "published: '2024-01-12'")
    edit(ann, "  - {id: t_thursday, text: Thursday, type: DATE}", "  - {id: t_thursday, text: Thursday, type: DATE}\n"
         "  - {id: t_hokkaido, text: Hokkaido, type: DURATION, value: P1D, origin: machine}")
    result = build(small, tmp_path / "out", workers=1)
    assert result.written, [f.message for f in result.report.findings]
    times = {t["time_id"]: t for t in rows(tmp_path / "out", "times")}
    names = label_names("times", "value_source")
    thursday = times["t_thursday"]
    assert (thursday["value"], names[thursday["value_source"]]) == ("2024-01-11", "normalised")
    assert (thursday["start"], thursday["end"], thursday["text"]) != (0, 0, "?")
    assert (times["t_hokkaido"]["value"], names[times["t_hokkaido"]["value_source"]]) == ("P1D", "annotated")
    assert label_names("times", "origin")[times["t_hokkaido"]["origin"]] == "machine"
    events = {e["event_id"]: e for e in rows(tmp_path / "out", "events")}
    assert events["ev_scramble"]["date"] == "2024-01-11"
    assert events["ev_flight"]["date"] is None
    time_args = [a for a in events["ev_scramble"]["arguments"] if a["time_id"]]
    assert [(a["time_id"], a["entity_id"], a["text"]) for a in time_args] == [("t_thursday", None, "Thursday")]


def test_a_time_argument_must_name_a_time_expression_that_exists(small):
    ann = small / "good_doc" / "annotation.yaml"
    line = edit(ann, "{role: time, time: t_thursday}", "{role: time, text: Thursday}")
    report = validate([small], workers=1)
    assert [(f.code, f.line) for f in report.findings if f.is_error] == [("time-not-a-timex", line)]
    edit(ann, "{role: time, text: Thursday}", "{role: time, time: t_thursdy}")
    found = [f for f in validate([small], workers=1).findings if f.is_error]
    assert [f.code for f in found] == ["dangling-reference"] and "t_thursday" in found[0].hint


# --- groups and authors -------------------------------------------------------------------------

def _members(small: Path, members: str) -> Path:
    ann = small / "good_doc" / "annotation.yaml"
    edit(ann, "entities:\n", "entities:\n  - id: both\n    name: Japan and Russia\n    type: GPE\n    kb_id: null\n"
         f"    members: {members}\n    mentions: [Hokkaido]\n", 1)
    return ann


def test_group_members_become_a_column(small, tmp_path):
    _members(small, "[japan, russia]")
    result = build(small, tmp_path / "out", workers=1)
    assert result.written, [f.message for f in result.report.findings]
    entities = {e["entity_id"]: e for e in rows(tmp_path / "out", "entities")}
    assert entities["both"]["members"] == ["japan", "russia"]
    assert entities["japan"]["members"] == []
    assert label_names("entities", "origin")[entities["japan"]["origin"]] == "human"


@pytest.mark.parametrize("members, code", [
    ("[japan, nowhere]", "dangling-reference"), ("[japan, both]", "self-member"),
])
def test_bad_members_are_refused(small, members, code):
    _members(small, members)
    assert codes(validate([small], workers=1)) == [code]


def test_author_entity_must_exist_and_be_able_to_speak(small, tmp_path):
    ann = small / "good_doc" / "annotation.yaml"
    edit(ann, "  source_format: text\n", "  source_format: text\n  author: {name: Japan, kb_id: Q17, entity: japan}\n")
    result = build(small, tmp_path / "out", workers=1)
    assert result.written, [f.message for f in result.report.findings]
    doc = next(d for d in rows(tmp_path / "out", "documents") if d["doc_id"] == "good_doc")
    assert doc["author"] == {"name": "Japan", "kb_id": "Q17", "entity_id": "japan"}
    edit(ann, "entity: japan}", "entity: hokkaido}")
    assert codes(validate([small], workers=1)) == ["author-type"]
    edit(ann, "entity: hokkaido}", "entity: jpan}")
    assert codes(validate([small], workers=1)) == ["dangling-reference"]


# --- cross-document links -----------------------------------------------------------------------

def test_cross_document_links_are_checked_corpus_wide(small, tmp_path):
    new = small / "new_doc" / "annotation.yaml"
    line = edit(new, "      - {type: response_to, event: ev_exercise}",
                "      - {type: response_to, event: ev_exercise}\n      - {type: same_as, event: good_doc#ev_flight}") + 1
    result = build(small, tmp_path / "out", workers=1)
    assert result.written, [f.message for f in result.report.findings]
    links = [link for e in rows(tmp_path / "out", "events") if e["doc_id"] == "new_doc" for link in e["links"]]
    assert {(link["doc_id"], link["event_id"]) for link in links} >= {("good_doc", "ev_flight"), ("new_doc", "ev_exercise")}

    edit(new, "good_doc#ev_flight", "good_doc#ev_flite")
    for paths in ([small], [small / "new_doc"]):  # the whole corpus, or the changed document alone
        found = [f for f in validate(paths, workers=1).findings if f.is_error]
        assert [(f.code, f.line) for f in found] == [("cross-link-missing-event", line)]
        assert "good_doc#ev_flight" in found[0].hint
    assert not build(small, tmp_path / "out2", workers=1).written
    edit(new, "good_doc#ev_flite", "gone_doc#ev_flight")
    assert codes(validate([small], workers=1)) == ["cross-link-missing-document"]


def test_removing_a_linked_event_is_caught_when_only_the_target_is_checked(small):
    edit(small / "new_doc" / "annotation.yaml", "      - {type: response_to, event: ev_exercise}",
         "      - {type: response_to, event: ev_exercise}\n      - {type: same_as, event: good_doc#ev_protest}")
    assert codes(validate([small / "good_doc"], workers=1)) == []
    good = small / "good_doc" / "annotation.yaml"
    text = good.read_text(encoding="utf-8")
    good.write_text(text.replace("ev_protest", "ev_complaint"), encoding="utf-8")
    found = [f for f in validate([small / "good_doc"], workers=1).findings if f.is_error]
    assert [f.code for f in found] == ["cross-link-missing-event"]
    assert found[0].file.endswith("new_doc/annotation.yaml")


# --- second annotations -------------------------------------------------------------------------

def test_a_second_annotation_is_validated_but_never_built(small, tmp_path):
    good = small / "good_doc"
    second = good / "annotation.b.yaml"
    shutil.copy(good / "annotation.yaml", second)
    edit(second, "  - id: japan\n", "  - id: extra\n    name: Extra\n    type: GPE\n    kb_id: null\n    mentions: [Hokkaido]\n  - id: japan\n")
    report = validate([small], workers=1)
    assert report.findings == [] or all(not f.is_error and f.code != "stray-file" for f in report.findings)
    result = build(small, tmp_path / "out", workers=1)
    assert result.written
    assert "extra" not in {e["entity_id"] for e in rows(tmp_path / "out", "entities")}
    line = edit(second, "kb_id: null\n    mentions: [Hokkaido]", "kb_id: null\n    mentions: [Hokaido]") + 1
    found = [f for f in validate([small], workers=1).findings if f.is_error]
    assert [(Path(f.file).name, f.code) for f in found] == [("annotation.b.yaml", "quote-not-found")]
    assert found[0].line == line


# --- curly quotes -------------------------------------------------------------------------------

@pytest.mark.parametrize("ref, exact", [
    ("Japan's \"decisive\"", "Japan’s \"decisive\""),
    ("\u201cdecisive\u201d", "\"decisive\""),
    ({"text": "Japan's", "occurrence": 2}, "Japan’s"),
    ({"text": "move", "context": "\"decisive\" move"}, "move"),
])
def test_quotes_differing_only_in_quote_marks_resolve_to_the_exact_text(ref, exact):
    text = "Japan’s \"decisive\" move; then Japan’s reply."
    span = resolve(text, ref)
    assert text[span.start:span.end] == span.text == exact


def test_a_quote_that_differs_in_more_than_quote_marks_is_still_refused():
    with pytest.raises(SpanError) as exc:
        resolve("Japan’s move", "Japans’ move")
    assert exc.value.code == "quote-not-found"


# --- licences, publication and splits --------------------------------------------------------

def test_redistributable_only_leaves_out_what_may_not_be_published(small, tmp_path):
    edit(small / "new_doc" / "annotation.yaml", "redistributable: true", "redistributable: false")
    full, public = tmp_path / "full", tmp_path / "public"
    assert build(small, full, workers=1).written
    result = build(small, public, workers=1, redistributable_only=True)
    assert result.written and result.splits == {"good_doc": "train"}
    assert {d["doc_id"] for d in rows(public, "documents")} == {"good_doc"}
    assert {e["doc_id"] for e in rows(public, "entities")} == {"good_doc"}
    card = (public / "README.md").read_text(encoding="utf-8")
    assert "1 document(s) whose licence forbids redistribution were left out" in card
    assert "| `good_doc` | train |" in card and "new_doc" not in card
    croissant = json.loads((public / "croissant.json").read_text(encoding="utf-8"))
    assert {w["name"] for w in croissant["license"][1:]} == {"CC0-1.0"}

    full_findings = [f.code for f in check(full)[0]]
    assert "not-redistributable" in full_findings
    assert "not-redistributable" not in [f.code for f in check(public)[0]]


def test_redistributable_only_refuses_a_build_of_nothing(small, tmp_path):
    for doc in ("good_doc", "new_doc"):
        edit(small / doc / "annotation.yaml", "redistributable: true", "redistributable: false")
    result = build(small, tmp_path / "out", workers=1, redistributable_only=True)
    assert not result.written and "nothing-redistributable" in codes(result.report)


def test_licence_summary_counts_documents_per_licence():
    text = Licences({"CC-BY-2.5": 2, "LicenseRef-NotCleared": 1}, 2).summary()
    assert "3 document(s): 2 under CC-BY-2.5, 1 under LicenseRef-NotCleared" in text and "not for publication" in text


def test_past_min_documents_the_hashed_splits_take_effect_and_the_card_lists_them(tmp_path):
    from gencorpus import doc_id, write_corpus

    config = load_config()
    n = max(config.min_documents, 1) + 5
    corpus = write_corpus(tmp_path / "corpus", range(n))
    result = build(corpus, tmp_path / "out", workers=1)
    assert result.written
    expected = {doc_id(i): split_of(doc_id(i), config) for i in range(n)}
    assert result.splits == expected == assign(expected, config)
    assert len(set(expected.values())) > 1  # a hash that put every document in train would not split at all
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    for doc, split in expected.items():
        assert f"| `{doc}` | {split} |" in card
    built = {r["doc_id"] for path in (tmp_path / "out" / "data" / "documents").glob("test-*.parquet")
             for r in pq.read_table(path).to_pylist()}
    assert built == {d for d, s in expected.items() if s == "test"}


def test_document_columns_carry_the_metadata(small, tmp_path):
    assert build(small, tmp_path / "out", workers=1).written
    doc = next(d for d in rows(tmp_path / "out", "documents") if d["doc_id"] == "good_doc")
    assert doc["license"]["spdx"] == "CC0-1.0" and doc["license"]["redistributable"] is True
    assert label_names("documents", "source_format")[doc["source_format"]] == "text"
    assert label_names("documents", "annotation_status")[doc["annotation_status"]] == "gold"
    assert doc["annotators"] == ["geosignal-tests"] and doc["annotation_tool"] is None


def test_jsonl_export_carries_times_and_link_documents(small, tmp_path):
    from builders.export import export, from_corpus

    records, _ = from_corpus(small)
    export(records, "jsonl", tmp_path / "jsonl")
    lines = [json.loads(line) for line in (tmp_path / "jsonl" / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    good = next(line for line in lines if line["doc_id"] == "good_doc")
    assert [t["time_id"] for t in good["times"]] == ["t_thursday"]
    assert all(link["doc_id"] == "good_doc" for e in good["events"] for link in e["links"])
    assert good["license"]["spdx"] == "CC0-1.0"
