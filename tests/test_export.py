"""`geosignal export`: every format read back with a real reader and compared with the records."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from builders.export import export, from_dataset
from builders.dataset.read import read_dataset

import brat_standoff
from conftest import CORPUS, annotation, assert_no_traceback, cli, edit, load_dataset

FORMATS = ("brat", "conll", "jsonl", "spacy")


@pytest.fixture(scope="module")
def exported(built, tmp_path_factory) -> dict[str, Path]:
    """Each format exported from the built dataset."""
    root = tmp_path_factory.mktemp("export")
    corpus = from_dataset(built)
    for fmt in FORMATS:
        export(corpus, fmt, root / fmt)
    return {fmt: root / fmt for fmt in FORMATS}


@pytest.fixture(scope="module")
def records(built) -> dict[str, list[dict]]:
    return read_dataset(built)


def by_doc(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["doc_id"], []).append(row)
    return out


# --- brat -----------------------------------------------------------------------------------

def records_from_brat(doc: brat_standoff.Document, doc_id: str) -> dict[str, list[dict]]:
    """Entities, events and stances rebuilt from a brat document (the inverse of the mapping)."""
    groups = {m: members for _, members in doc.equivs for m in members}
    entity_of: dict[str, str] = {}
    entities = []
    for _, target, note in doc.notes.values():
        if not note.startswith("entity "):
            continue
        entity_id, name = note.removeprefix("entity ").split(": ", 1)
        members = [doc.textbounds[t] for t in groups.get(target, [target])]
        entity_of.update({t.id: entity_id for t in members})
        kb = {n[3] for n in doc.normalizations.values() if n[1] in {t.id for t in members} and n[2] == "Wikidata"}
        assert len(kb) <= 1
        entities.append({
            "doc_id": doc_id, "entity_id": entity_id, "name": name, "type": members[0].type,
            "kb_id": kb.pop() if kb else None,
            "mentions": sorted(({"start": t.start, "end": t.end, "text": t.text, "kind": doc.attribute(t.id, "Kind")}
                                for t in members), key=lambda m: (m["start"], m["end"])),
        })
        assert {t.type for t in members} == {entities[-1]["type"]}
    notes = {target: dict(part.split(" ", 1) for part in note.split("; "))
             for _, target, note in doc.notes.values() if not note.startswith("entity ")}
    event_of = {eid: notes[eid]["event"] for eid, e in doc.events.items() if "event" in notes.get(eid, {})}
    events, stances = [], []
    for eid, e in doc.events.items():
        trigger = doc.textbounds[e.trigger]
        if e.type == "Stance":
            args = dict(e.args)
            target = args["target"]
            stances.append({
                "doc_id": doc_id, "stance_id": notes[eid]["stance"], "holder": entity_of[args["holder"]],
                "target": event_of.get(target) or entity_of[target], "target_kind": "event" if target in event_of else "entity",
                "polarity": doc.attribute(eid, "Polarity"),
                "evidence": {"start": trigger.start, "end": trigger.end, "text": doc.text[trigger.start:trigger.end]},
            })
            continue
        unanchored = notes[eid].get("unanchored", "").split()
        arguments = []
        for role, target in e.args:
            t = doc.textbounds[target]
            anchored = role not in unanchored
            arguments.append({"role": role.rstrip("0123456789"), "entity_id": entity_of.get(target),
                              "start": t.start if anchored else None, "end": t.end if anchored else None,
                              "text": t.text if anchored else None})
            assert (t.type == "Value") == (target not in entity_of)
        events.append({
            "doc_id": doc_id, "event_id": event_of[eid], "type": e.type, "cameo": notes[eid].get("cameo"),
            "trigger": {"start": trigger.start, "end": trigger.end, "text": trigger.text},
            "realis": doc.attribute(eid, "Realis"), "modality": doc.attribute(eid, "Modality"),
            "arguments": arguments,
            "links": [{"type": rtype, "event_id": event_of[a2]} for rtype, a1, a2 in doc.relations.values() if a1 == eid],
        })
    return {"entities": entities, "events": events, "stances": stances}


def test_brat_export_reads_back_to_the_records(exported, records):
    docs = {}
    for folder in sorted(p for p in exported["brat"].iterdir() if p.is_dir()):
        docs.update(brat_standoff.read_collection(folder))
    texts = {d["doc_id"]: d["text"] for d in records["documents"]}
    assert set(docs) == set(texts)
    for doc_id, doc in docs.items():
        assert doc.text == texts[doc_id]
        back = records_from_brat(doc, doc_id)
        for config in ("entities", "events", "stances"):
            expected = [brat_view(r) for r in by_doc(records[config]).get(doc_id, [])]
            assert back[config] == expected, config


# What brat standoff has no place for: who made an item, a group's members, the derived event date,
# which time expression fills a time role (brat keeps its span as a Value), and the document of an
# in-document link (a link to another document's event is kept in the event's note).
NOT_IN_BRAT = ("origin", "members", "date", "time_id")


def brat_view(record: dict) -> dict:
    out = {k: v for k, v in record.items() if k not in NOT_IN_BRAT}
    if "arguments" in out:
        out["arguments"] = [{k: v for k, v in a.items() if k not in NOT_IN_BRAT} for a in out["arguments"]]
        out["links"] = [{k: v for k, v in link.items() if k != "doc_id"} for link in out["links"]
                        if link["doc_id"] == record["doc_id"]]
    return out


def test_brat_configuration_declares_every_type_the_files_use(exported):
    conf = brat_standoff.read_conf(exported["brat"] / "annotation.conf")
    docs = [d for folder in exported["brat"].iterdir() if folder.is_dir() for d in brat_standoff.read_collection(folder).values()]
    declared = set(conf["entities"]) | set(conf["events"])
    assert {t.type for d in docs for t in d.textbounds.values()} <= declared
    assert {e.type for d in docs for e in d.events.values()} <= set(conf["events"])
    assert {r[0] for d in docs for r in d.relations.values()} <= set(conf["relations"])
    for d in docs:
        for kind, _, value in d.attributes.values():
            assert value in conf["attributes"][kind].split("Value:")[1].split("|")
        for e in d.events.values():
            allowed = {a.split(":")[0].rstrip("*?+") for a in conf["events"][e.type].split(", ")}
            assert {role.rstrip("0123456789") for role, _ in e.args} <= allowed


def test_brat_reader_is_strict():
    """The reader used above refuses what brat's format forbids, so its acceptance means something."""
    text = "Seoul said no."
    assert brat_standoff.parse(text, "T1\tGPE 0 5\tSeoul\n").textbounds["T1"].text == "Seoul"
    for bad in ("T1\tGPE 0 5\tSeoull\n", "T1\tGPE 0 50\tSeoul\n", "T1 GPE 0 5\tSeoul\n",
                "T1\tGPE 0 5\tSeoul\nT1\tGPE 0 5\tSeoul\n", "E1\tREJECT:T9\n", "R1\tx Arg1:T1\n"):
        with pytest.raises(brat_standoff.BratError):
            brat_standoff.parse(text, bad)


# --- CoNLL ----------------------------------------------------------------------------------

def read_conll(path: Path) -> tuple[list[list[str]], list[list[str]], int]:
    """(tokens per sentence, tags per sentence, number of -DOCSTART- lines) of a CoNLL file."""
    tokens, tags, docstarts, sentence = [], [], 0, []
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("-DOCSTART-"):
            assert line == "-DOCSTART- -X- -X- O"
            docstarts += 1
        elif line:
            token, tag = line.split(" ")
            sentence.append((token, tag))
        elif sentence:
            tokens.append([t for t, _ in sentence])
            tags.append([t for _, t in sentence])
            sentence = []
    assert not sentence, "the file must end with a blank line"
    return tokens, tags, docstarts


@pytest.mark.parametrize("config, column", [("ner", "ner_tags"), ("event_triggers", "trigger_tags")])
def test_conll_export_scores_perfectly_against_gold_and_less_without_one_entity(built, exported, config, column):
    from seqeval.metrics import classification_report, f1_score
    from seqeval.metrics.sequence_labeling import get_entities
    from seqeval.scheme import IOB2

    gold_ds = load_dataset(built, config)
    for split, ds in gold_ds.items():
        names = ds.features[column].feature.names
        gold = [[names[t] for t in row[column]] for row in ds]
        tokens, tags, docstarts = read_conll(exported["conll"] / config / f"{split}.conll")
        assert tokens == ds["tokens"]
        assert docstarts == len(set(ds["doc_id"]))
        assert f1_score(gold, tags, mode="strict", scheme=IOB2) == 1.0
        assert "micro avg" in classification_report(gold, tags, mode="strict", scheme=IOB2)
        k = next(i for i, sent in enumerate(tags) if get_entities(sent))
        _, first, last = get_entities(tags[k])[0]
        dropped = [list(sent) for sent in tags]
        dropped[k][first:last + 1] = ["O"] * (last + 1 - first)
        assert f1_score(gold, dropped, mode="strict", scheme=IOB2) < 1.0


# --- JSON Lines -----------------------------------------------------------------------------

def test_jsonl_export_loads_back_to_the_records(exported, records):
    lines = [json.loads(line) for path in sorted(exported["jsonl"].glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    docs = {d["doc_id"]: d for d in records["documents"]}
    assert sorted(line["doc_id"] for line in lines) == sorted(docs)
    for line in lines:
        assert (exported["jsonl"] / f"{line['split']}.jsonl").is_file()
        nested = {c: [{"doc_id": line["doc_id"], **r} for r in line.pop(c)] for c in ("entities", "times", "events", "stances")}
        line.pop("split")
        assert line == docs[line["doc_id"]]
        for config, rows in nested.items():
            assert rows == by_doc(records[config]).get(line["doc_id"], [])


# --- spaCy ----------------------------------------------------------------------------------

def test_spacy_docbin_loads_with_the_entities_of_the_ner_view(built, exported, records):
    import spacy
    from seqeval.metrics.sequence_labeling import get_entities
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docs = [doc for path in sorted(exported["spacy"].glob("*.spacy")) for doc in DocBin().from_disk(path).get_docs(nlp.vocab)]
    texts = {d["doc_id"]: d["text"] for d in records["documents"]}
    assert sorted(doc.user_data["doc_id"] for doc in docs) == sorted(texts)
    ner = load_dataset(built, "ner", split="train")
    names = ner.features["ner_tags"].feature.names
    tagged = {}
    for row in ner:
        for label, i, j in get_entities([names[t] for t in row["ner_tags"]]):
            tagged.setdefault(row["doc_id"], []).append((row["token_offsets"][i]["start"], row["token_offsets"][j]["end"], label))
    entities = by_doc(records["entities"])
    for doc in docs:
        doc_id = doc.user_data["doc_id"]
        assert doc.text == texts[doc_id]
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == tagged[doc_id]
        mentions = {(m["start"], m["end"], e["type"], e["entity_id"]) for e in entities[doc_id] for m in e["mentions"]}
        assert {(e.start_char, e.end_char, e.label_, e.ent_id_) for e in doc.ents} <= mentions
        assert {(s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans["mentions"]} <= mentions
        events = by_doc(records["events"])[doc_id]
        assert [(s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans["events"]] == [
            (e["trigger"]["start"], e["trigger"]["end"], e["type"], e["event_id"]) for e in events]
        stances = by_doc(records["stances"])[doc_id]
        assert [(s.text, s.label_, s.id_) for s in doc.spans["stances"]] == [
            (s["evidence"]["text"], s["polarity"], s["stance_id"]) for s in stances]


# --- the command line -----------------------------------------------------------------------

def test_cli_export_from_the_corpus_equals_the_export_from_the_dataset(exported, tmp_path):
    out = tmp_path / "conll"
    result = cli("export", "--format", "conll", "--out", str(out), "--corpus", str(CORPUS))
    assert result.returncode == 0, result.stderr
    assert re.search(r"wrote .* \(conll; documents: \d+ train", result.stdout)
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(exported["conll"]) for p in exported["conll"].rglob("*") if p.is_file())
    assert all((out / f).read_bytes() == (exported["conll"] / f).read_bytes() for f in files)


def test_cli_export_refuses_a_folder_it_did_not_write_and_a_corpus_with_errors(tmp_path, corpus_copy):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    result = cli("export", "--format", "jsonl", "--out", str(precious), "--corpus", str(CORPUS))
    assert result.returncode == 1 and "not a GeoSignal export" in result.stderr
    assert (precious / "notes.txt").read_text() == "keep me"
    edit(annotation(corpus_copy), "trigger: joint patrol", "trigger: joint patorl")
    result = cli("export", "--format", "brat", "--out", str(tmp_path / "out"), "--corpus", str(corpus_copy))
    assert result.returncode == 1 and "quote-not-found" in result.stderr
    assert_no_traceback(result)
    assert not (tmp_path / "out").exists()
    assert cli("export", "--format", "xml", "--out", str(tmp_path / "out")).returncode == 2
