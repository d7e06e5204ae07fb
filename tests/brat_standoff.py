"""A strict reader of brat standoff files, written from brat's documented format.

No PyPI package reads all of brat's line types (pybrat, the most complete, skips attributes and
notes and refuses relations between events), so the tests read the export with this reader,
which follows brat's "Annotation Data Format" specification and its reference parser
(server/src/annotation.py) where the specification is silent:

- a line is ``ID<TAB>DATA[<TAB>TAIL]``; an id is a type letter (or ``#``), a number and an
  optional tail; ``*`` is the id of an id-less annotation (Equiv);
- ``T``: ``TYPE START END[;START END]...<TAB>TEXT``, offsets in characters of the .txt, the
  fragments not overlapping, TEXT equal to the fragments' text joined by single spaces;
- ``E``: ``TYPE:TRIGGER [ROLE:ID]...``, TRIGGER a ``T``; a role repeated gets a number (``Theme2``);
- ``R``: ``TYPE Arg1:ID Arg2:ID``, exactly two different argument labels;
- ``A``: ``TYPE TARGET [VALUE]`` (a binary attribute has no value);
- ``N``: ``TYPE TARGET DB:DBID<TAB>TEXT``;
- ``*``: ``TYPE ID ID...``;
- ``#``: ``TYPE TARGET<TAB>TEXT`` (``AnnotatorNotes``).

Every id referred to must be defined, and no id is defined twice. Any violation raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ID = re.compile(r"^([A-Za-z]|#)([0-9]+)(.*)$")


class BratError(ValueError):
    pass


@dataclass
class Textbound:
    id: str
    type: str
    fragments: list[tuple[int, int]]
    text: str

    @property
    def start(self) -> int:
        return self.fragments[0][0]

    @property
    def end(self) -> int:
        return self.fragments[-1][1]


@dataclass
class Event:
    id: str
    type: str
    trigger: str
    args: list[tuple[str, str]]  # (role with its number, id)


@dataclass
class Document:
    text: str
    textbounds: dict[str, Textbound] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    relations: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id -> (type, arg1, arg2)
    attributes: dict[str, tuple[str, str, str | bool]] = field(default_factory=dict)  # id -> (type, target, value)
    normalizations: dict[str, tuple[str, str, str, str, str]] = field(default_factory=dict)
    equivs: list[tuple[str, list[str]]] = field(default_factory=list)
    notes: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # id -> (type, target, text)

    def ids(self) -> set[str]:
        return set(self.textbounds) | set(self.events) | set(self.relations) | set(self.attributes) | set(self.normalizations) | set(self.notes)

    def attribute(self, target: str, kind: str) -> str | bool | None:
        return next((v for t, tg, v in self.attributes.values() if tg == target and t == kind), None)

    def note(self, target: str) -> str | None:
        return next((text for _, tg, text in self.notes.values() if tg == target), None)


def _fail(line_no: int, line: str, why: str) -> BratError:
    return BratError(f"line {line_no}: {why}: {line!r}")


def parse(text: str, ann: str) -> Document:
    doc = Document(text)
    seen: set[str] = set()
    for n, line in enumerate(ann.split("\n"), 1):
        if not line:
            if n != len(ann.split("\n")):
                raise _fail(n, line, "empty line inside the file")
            continue
        if "\t" not in line:
            raise _fail(n, line, "no tab after the id")
        aid, rest = line.split("\t", 1)
        if aid != "*":
            if not ID.match(aid):
                raise _fail(n, line, "invalid id")
            if aid in seen:
                raise _fail(n, line, "duplicate id")
            seen.add(aid)
        data, _, tail = rest.partition("\t")
        kind = aid[0]
        if kind == "T":
            type_, _, offsets = data.partition(" ")
            fragments = []
            for piece in offsets.split(";"):
                parts = piece.split(" ")
                if len(parts) != 2 or not all(p.isdigit() for p in parts):
                    raise _fail(n, line, "offsets are not START END pairs")
                start, end = map(int, parts)
                if not 0 <= start <= end <= len(text):
                    raise _fail(n, line, "offsets outside the text")
                if any(end > s and start < e for s, e in fragments):
                    raise _fail(n, line, "fragments overlap")
                fragments.append((start, end))
            if tail != " ".join(text[s:e] for s, e in fragments):
                raise _fail(n, line, "the text is not the text of the offsets")
            doc.textbounds[aid] = Textbound(aid, type_, fragments, tail)
        elif kind == "E":
            head, *args = data.split(" ")
            type_, sep, trigger = head.partition(":")
            if not sep or not trigger.startswith("T"):
                raise _fail(n, line, "an event starts with TYPE:TRIGGER")
            pairs = [tuple(a.split(":")) for a in args]
            if any(len(p) != 2 or not p[0] or not p[1] for p in pairs):
                raise _fail(n, line, "an event argument is ROLE:ID")
            if len({role for role, _ in pairs}) != len(pairs):
                raise _fail(n, line, "a role is repeated without a number")
            doc.events[aid] = Event(aid, type_, trigger, pairs)
        elif kind == "R":
            parts = data.split(" ")
            args = [tuple(a.split(":")) for a in parts[1:]]
            if len(args) != 2 or any(len(a) != 2 for a in args) or args[0][0] == args[1][0]:
                raise _fail(n, line, "a relation has two arguments with different labels")
            doc.relations[aid] = (parts[0], args[0][1], args[1][1])
        elif kind in "AM":
            parts = data.split(" ")
            if len(parts) not in (2, 3):
                raise _fail(n, line, "an attribute is TYPE TARGET [VALUE]")
            doc.attributes[aid] = (parts[0], parts[1], parts[2] if len(parts) == 3 else True)
        elif kind == "N":
            match = re.fullmatch(r"(\S+) (\S+) (\S+?):(\S+)", data)
            if not match:
                raise _fail(n, line, "a normalisation is TYPE TARGET DB:ID")
            doc.normalizations[aid] = (*match.groups(), tail)
        elif kind == "*":
            type_, *members = data.split(" ")
            if len(members) < 2:
                raise _fail(n, line, "an equivalence has two or more members")
            doc.equivs.append((type_, members))
        elif kind == "#":
            parts = data.split(" ")
            if len(parts) != 2:
                raise _fail(n, line, "a note is TYPE TARGET<TAB>TEXT")
            doc.notes[aid] = (parts[0], parts[1], tail)
        else:
            raise _fail(n, line, "unknown annotation type")
    _check_references(doc)
    return doc


def _check_references(doc: Document) -> None:
    ids = doc.ids()
    referred = [e.trigger for e in doc.events.values()] + [i for e in doc.events.values() for _, i in e.args]
    referred += [a for _, a1, a2 in doc.relations.values() for a in (a1, a2)]
    referred += [t for _, t, _ in doc.attributes.values()] + [n[1] for n in doc.normalizations.values()]
    referred += [m for _, members in doc.equivs for m in members] + [t for _, t, _ in doc.notes.values()]
    missing = sorted(set(referred) - ids)
    if missing:
        raise BratError(f"references to undefined ids: {missing}")
    for e in doc.events.values():
        if e.trigger not in doc.textbounds:
            raise BratError(f"event {e.id} has a trigger {e.trigger} that is not a text-bound annotation")


def read_conf(path: Path) -> dict[str, dict[str, str]]:
    """annotation.conf: section -> type -> the rest of its line."""
    out: dict[str, dict[str, str]] = {}
    section = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            out[section] = {}
            continue
        name, _, rest = line.partition("\t")
        out[section][name] = rest
    return out


def read_collection(folder: Path) -> dict[str, Document]:
    """Every .txt/.ann pair of a folder, by base name."""
    docs = {}
    for ann in sorted(folder.glob("*.ann")):
        txt = ann.with_suffix(".txt")
        docs[ann.stem] = parse(txt.read_bytes().decode("utf-8"), ann.read_bytes().decode("utf-8"))
    return docs
