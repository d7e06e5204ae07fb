"""brat standoff: ``<split>/<doc_id>.txt`` (documents.text exactly) + ``.ann``, and ``annotation.conf``.

How the records map onto brat's line types (brat's "Annotation Data Format"):

- every entity mention is a text-bound ``T`` line of the entity's type; its ACE kind is an
  attribute ``A ... Kind Tn NAM``; the mentions of one entity are joined by an ``* Equiv`` line;
  a Wikidata id is a normalisation ``N ... Reference Tn Wikidata:Q30`` on each mention; the
  entity's id and name are a note ``# AnnotatorNotes`` on its first mention;
- an event is a ``T`` trigger of the event type and an ``E`` line ``TYPE:Tn role:Tm ...``
  (a role used twice becomes ``actor``, ``actor2``, as brat numbers them); an argument without
  a text anchor points at its entity's mention nearest to the trigger (the note on the ``E``
  lists these roles), a bare value (a time) is a ``T`` of type ``Value``; realis and modality
  are ``A`` lines; the event id and CAMEO code are a note on the ``E``; event links are ``R`` lines ``TYPE Arg1:En Arg2:Em`` (Arg1 holds the link), and a link to another document's event is in the note (``response_to doc#event``);
- a stance is an ``E`` of type ``Stance`` whose trigger is the evidence span, with ``holder`` and
  ``target`` arguments (the holder's mention nearest to the evidence; a target event's ``E``) and
  its polarity as an ``A`` line: an ``R`` line could not carry the evidence.

A span that contains a line end becomes a discontinuous span, split at the line ends, as brat
writes them (its text joined by single spaces).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Callable

from builders.findings import Finding
from builders.annotation.records import DocRecords
from builders.schema import label_names

VALUE = "Value"  # the brat type of an argument that is text, not an entity (a time)
STANCE = "Stance"
ATTRIBUTES = {"Kind": ("entities", "mentions", "kind"), "Realis": ("events", "realis"),
              "Modality": ("events", "modality"), "Polarity": ("stances", "polarity")}


def annotation_conf() -> str:
    """brat's project configuration, derived from the schema's enums."""
    roles = label_names("events", "arguments", "role")
    args = ", ".join(f"{role}*:<ENTITY>" for role in roles)
    lines = ["# brat configuration for GeoSignal, derived from schema/*.schema.json by `geosignal export`", "",
             "[entities]", "", *label_names("entities", "type"), VALUE, "",
             "[relations]", "", "Equiv\tArg1:<ENTITY>, Arg2:<ENTITY>, <REL-TYPE>:symmetric-transitive",
             *[f"{link}\tArg1:<EVENT>, Arg2:<EVENT>" for link in label_names("events", "links", "type")], "",
             "[events]", "", *[f"{t}\t{args}" for t in label_names("events", "type")],
             f"{STANCE}\tholder:<ENTITY>, target:<ENTITY>|<EVENT>", "",
             "[attributes]", ""]
    targets = {"Kind": "<ENTITY>", "Realis": "<EVENT>", "Modality": "<EVENT>", "Polarity": STANCE}
    lines += [f"{name}\tArg:{targets[name]}, Value:{'|'.join(label_names(*path))}" for name, path in ATTRIBUTES.items()]
    return "\n".join(lines) + "\n"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A span cut at its line ends: brat's .ann is line-based."""
    out, i = [], start
    for line in text[start:end].split("\n"):
        if line:
            out.append((i, i + len(line)))
        i += len(line) + 1
    return out


class _Ann:
    """The lines of one .ann file, with brat's running ids per line type."""

    def __init__(self, text: str):
        self.text, self.lines, self.counts = text, [], Counter()

    def id(self, prefix: str) -> str:
        self.counts[prefix] += 1
        return f"{prefix}{self.counts[prefix]}"

    def textbound(self, label: str, start: int, end: int) -> str:
        tid = self.id("T")
        pieces = fragments(self.text, start, end)
        offsets = ";".join(f"{a} {b}" for a, b in pieces)
        self.lines.append(f"{tid}\t{label} {offsets}\t{' '.join(self.text[a:b] for a, b in pieces)}")
        return tid

    def add(self, prefix: str, body: str) -> str:
        aid = "*" if prefix == "*" else self.id(prefix)
        self.lines.append(f"{aid}\t{body}")
        return aid


def _one_line(value: str) -> str:
    return " ".join(value.split())


def nearest(mentions: list[tuple[int, int, str]], start: int, end: int) -> str:
    """The id of the mention closest to a span (inside or overlapping it first, then the earliest)."""
    def distance(m: tuple[int, int, str]) -> tuple[int, int]:
        return max(0, m[0] - end, start - m[1]), m[0]

    return min(mentions, key=distance)[2]


def document_ann(doc: DocRecords) -> str:
    text = doc.documents[0]["text"]
    ann = _Ann(text)
    mention_ids: dict[str, list[tuple[int, int, str]]] = {}
    for ent in doc.entities:
        tids = []
        for m in ent["mentions"]:
            tid = ann.textbound(ent["type"], m["start"], m["end"])
            ann.add("A", f"Kind {tid} {m['kind']}")
            if ent["kb_id"]:
                ann.add("N", f"Reference {tid} Wikidata:{ent['kb_id']}\t{_one_line(ent['name'])}")
            tids.append((m["start"], m["end"], tid))
        mention_ids[ent["entity_id"]] = tids
        ann.add("#", f"AnnotatorNotes {tids[0][2]}\tentity {ent['entity_id']}: {_one_line(ent['name'])}")
        if len(tids) > 1:
            ann.add("*", "Equiv " + " ".join(t for _, _, t in tids))
    event_ids: dict[str, str] = {}
    for ev in doc.events:
        trigger = ev["trigger"]
        tid = ann.textbound(ev["type"], trigger["start"], trigger["end"])
        args, used, unanchored = [], Counter(), []
        for arg in ev["arguments"]:
            used[arg["role"]] += 1
            role = arg["role"] + (str(used[arg["role"]]) if used[arg["role"]] > 1 else "")
            if arg["entity_id"] is None:
                target = ann.textbound(VALUE, arg["start"], arg["end"])
            elif arg["start"] is not None:
                target = next(t for s, e, t in mention_ids[arg["entity_id"]] if (s, e) == (arg["start"], arg["end"]))
            else:
                target = nearest(mention_ids[arg["entity_id"]], trigger["start"], trigger["end"])
                unanchored.append(role)
            args.append(f"{role}:{target}")
        eid = ann.add("E", " ".join([f"{ev['type']}:{tid}", *args]))
        event_ids[ev["event_id"]] = eid
        ann.add("A", f"Realis {eid} {ev['realis']}")
        if ev["modality"]:
            ann.add("A", f"Modality {eid} {ev['modality']}")
        note = "; ".join([f"event {ev['event_id']}", *([f"cameo {ev['cameo']}"] if ev["cameo"] else []),
                          *([f"unanchored {' '.join(unanchored)}"] if unanchored else []),
                          *[f"{link['type']} {link['doc_id']}#{link['event_id']}" for link in ev["links"]
                            if link["doc_id"] != doc.doc_id]])
        ann.add("#", f"AnnotatorNotes {eid}\t{note}")
    for ev in doc.events:
        for link in ev["links"]:
            if link["doc_id"] != doc.doc_id:  # brat relates annotations of one document: the event's note keeps it
                continue
            ann.add("R", f"{link['type']} Arg1:{event_ids[ev['event_id']]} Arg2:{event_ids[link['event_id']]}")
    for st in doc.stances:
        evidence = st["evidence"]
        tid = ann.textbound(STANCE, evidence["start"], evidence["end"])
        holder = nearest(mention_ids[st["holder"]], evidence["start"], evidence["end"])
        target = (event_ids[st["target"]] if st["target_kind"] == "event"
                  else nearest(mention_ids[st["target"]], evidence["start"], evidence["end"]))
        eid = ann.add("E", f"{STANCE}:{tid} holder:{holder} target:{target}")
        ann.add("A", f"Polarity {eid} {st['polarity']}")
        ann.add("#", f"AnnotatorNotes {eid}\tstance {st['stance_id']}")
    return "\n".join(ann.lines) + ("\n" if ann.lines else "")


def write(corpus, out: Path, source: Callable[[str], str]) -> list[Finding]:
    """brat loses nothing the span configs hold, so there is nothing to report."""
    (out / "annotation.conf").write_text(annotation_conf(), encoding="utf-8", newline="\n")
    for split, docs in corpus.by_split().items():
        folder = out / split
        folder.mkdir(parents=True)
        for doc in docs:
            (folder / f"{doc.doc_id}.txt").write_text(doc.documents[0]["text"], encoding="utf-8", newline="\n")
            (folder / f"{doc.doc_id}.ann").write_text(document_ann(doc), encoding="utf-8", newline="\n")
    return []
