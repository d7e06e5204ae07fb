"""One XMI -> the model of one document, or findings. Pure: bytes in, values out.

Everything the XMI says is either read into the model or reported: a type that is not GeoSignal's
(and not a segmentation or metadata type INCEpTION adds), a span off the text, a relation or an
argument that points at nothing, an entity whose mentions disagree. Nothing is dropped silently.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

from builders.findings import Finding
from builders.inception import typesystem as T
from builders.inception.model import Arg, Doc, Entity, Event, Link, Stance, Time

# types INCEpTION or DKPro add to a CAS that carry no GeoSignal annotation
IGNORED_PREFIXES = ("uima.", "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.",
                    "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.", "de.tudarmstadt.ukp.clarin.webanno.api.type.",
                    "de.tudarmstadt.ukp.inception.")
META = ("title", "publisher", "url", "language", "published")  # metadata shown in the tool, edited in annotation.yaml only
MAX_XMI_BYTES = 64 * 1024 * 1024
_UNMAPPED = re.compile(r"Not mapping external offset \[(\d+)\]")


@dataclass
class Read:
    """An XMI read: its document id, text and model, or the findings that stopped it."""

    file: str
    doc_id: str | None = None
    text: str | None = None
    doc: Doc | None = None
    findings: list[Finding] = field(default_factory=list)
    meta: dict[str, str | None] = field(default_factory=dict)  # the GeoSignalDocument features, as the XMI has them

    def add(self, code: str, message: str, hint: str, line: int | None = None) -> None:
        self.findings.append(Finding(self.file, line, code, message, hint, level=3))


def _line_of(data: bytes, pattern: bytes) -> int | None:
    at = data.find(pattern)
    return data.count(b"\n", 0, at) + 1 if at >= 0 else None


def load(data: bytes, file: str, typesystem_xml: bytes | None) -> tuple[Any, Read]:
    """The CAS of an XMI (with the type system found beside it, else GeoSignal's), or findings."""
    from cassis import load_cas_from_xmi, load_typesystem
    from cassis.typesystem import TypeNotFoundError

    read = Read(file)
    if len(data) > MAX_XMI_BYTES:
        read.add("xmi-too-large", f"the XMI has {len(data)} bytes (limit {MAX_XMI_BYTES})", "export the document again from INCEpTION")
        return None, read
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        read.add("xmi-doctype", "the XMI declares a DOCTYPE or entities", "INCEpTION never writes one; export the document again")
        return None, read
    ours = T.typesystem()
    ts = ours
    if typesystem_xml is not None:
        try:
            ts = load_typesystem(io.BytesIO(typesystem_xml))
        except Exception as exc:  # noqa: BLE001 - any parse failure of hostile input is a finding
            read.add("foreign-type-system", f"the type system beside the XMI cannot be read: {exc}",
                     "use the TypeSystem.xml that `geosignal export --format inception` wrote, or INCEpTION's export")
            return None, read
        problems = _compatible(ts)
        if problems:
            read.add("foreign-type-system", f"the type system beside the XMI is not GeoSignal's: {problems[0]}"
                     + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
                     "import GeoSignal's TypeSystem.xml into the INCEpTION project (CONTRIBUTING.md, Annotate in INCEpTION)")
            return None, read
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cas = load_cas_from_xmi(io.BytesIO(data), typesystem=ts)
        except TypeNotFoundError as exc:
            read.add("foreign-type-system", f"the XMI uses a type GeoSignal's type system does not have: {exc}",
                     "annotate with the GeoSignal layers only, or put the project's TypeSystem.xml beside the XMI")
            return None, read
        except KeyError as exc:
            ref = str(exc.args[0]) if exc.args else "?"
            read.add("missing-annotation", f"an annotation refers to xmi:id {ref}, which the XMI does not contain",
                     "a relation or argument points at a deleted annotation: remove it in INCEpTION and export again",
                     _line_of(data, f'"{ref}"'.encode()) or _line_of(data, f" {ref}\"".encode()))
            return None, read
        except Exception as exc:  # noqa: BLE001
            read.add("xmi-unreadable", f"the file is not a UIMA CAS XMI: {type(exc).__name__}: {exc}",
                     "export the document from INCEpTION as 'UIMA CAS XMI (XML 1.0)'", 1)
            return None, read
    for w in caught:
        m = _UNMAPPED.search(str(w.message))
        if m:
            read.add("span-off-text", f"the UTF-16 offset {m.group(1)} is not a character boundary of the text "
                     "(beyond its end, or inside a character outside the BMP)",
                     "an annotation starts or ends where the text has no character boundary; fix it in INCEpTION",
                     _line_of(data, f'"{m.group(1)}"'.encode()))
    return cas, read


def _compatible(ts) -> list[str]:
    problems = []
    for layer in T.layers():
        if layer.kind == "segmentation":
            continue
        if not ts.contains_type(layer.name):
            problems.append(f"it has no type {layer.name}")
            continue
        have = {f.name: f for f in ts.get_type(layer.name).all_features}
        for f in layer.features:
            if f.name not in have:
                problems.append(f"{layer.name} has no feature {f.name}")
    return problems


def _s(value: Any) -> str | None:
    """A string feature: empty and unset are the same."""
    return value.strip() if isinstance(value, str) and value.strip() else None


def _where(fs, text: str) -> str:
    line = text.count("\n", 0, max(0, min(fs.begin, len(text)))) + 1
    return f"xmi:id {fs.xmiID} at characters {fs.begin}..{fs.end} (line {line} of the text)"


def _slug(value: str, prefix: str) -> str:
    core = re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")[:40] or "item"
    return f"{prefix}{core}" if prefix or not core[0].isalpha() else core


def _fresh(base: str, taken: set[str]) -> str:
    if not base[0].isalpha():
        base = "x" + base
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out


def read_xmi(data: bytes, file: str, typesystem_xml: bytes | None, old: "dict[str, Doc] | None" = None,
             texts: "dict[str, str] | None" = None, fallback_id: str | None = None) -> Read:
    """Read one XMI against the corpus: ``texts`` (clean text by doc id) and ``old`` (their models)."""
    cas, read = load(data, file, typesystem_xml)
    if cas is None:
        return read
    ts = cas.typesystem
    text = cas.sofa_string or ""
    info = next(iter(cas.select(T.DOCUMENT)), None) if ts.contains_type(T.DOCUMENT) else None
    read.doc_id = _s(getattr(info, "docId", None)) or fallback_id
    if info is not None:
        read.meta = {key: _s(getattr(info, key, None)) for key in META}
    if read.doc_id is None or texts is None or read.doc_id not in texts:
        read.add("unknown-document", f"the XMI is for document {read.doc_id!r}, which is not in the corpus",
                 "import into the corpus it was exported from (--corpus), or add the document with `geosignal new` first")
        return read
    expected = texts[read.doc_id]
    if text != expected:
        at = next((i for i, (a, b) in enumerate(zip(text, expected)) if a != b), min(len(text), len(expected)))
        line = expected.count("\n", 0, at) + 1
        col = at - (expected.rfind("\n", 0, at) + 1) + 1
        read.add("stale-export", f"the XMI's text differs from the clean text of {read.doc_id} at character {at} "
                 f"(line {line}, column {col}): XMI {text[at:at + 20]!r}, corpus {expected[at:at + 20]!r}",
                 "the document changed since it was exported (or the XMI was edited outside INCEpTION): export it again "
                 "and redo the edits there")
        return read
    if any(f.code == "span-off-text" for f in read.findings):
        return read
    for fs in cas.select_all_fs():
        name = fs.type.name
        if not name.startswith(T.NS + "GeoSignal") and not name.startswith(IGNORED_PREFIXES):
            read.add("foreign-annotation", f"an annotation of type {name} ({_where(fs, text) if hasattr(fs, 'begin') else 'xmi:id ' + str(fs.xmiID)}) is not a GeoSignal layer",
                     "GeoSignal keeps only its own layers: delete it, or move it to a GeoSignal layer")
    base = (old or {}).get(read.doc_id) or Doc()
    _Reader(read, cas, text, base).run()
    return read


class _Reader:
    def __init__(self, read: Read, cas, text: str, base: Doc):
        self.read, self.cas, self.text, self.base = read, cas, text, base
        self.doc = Doc()
        self.taken = set(base.entities) | set(base.times) | set(base.events) | set(base.stances)
        self.mention_entity: dict[int, str] = {}  # xmiID -> entity id
        self.time_of: dict[int, str] = {}
        self.event_of: dict[int, str] = {}

    def select(self, name: str) -> list:
        return list(self.cas.select(name)) if self.cas.typesystem.contains_type(name) else []

    def span(self, fs) -> tuple[int, int] | None:
        if not (0 <= fs.begin < fs.end <= len(self.text)):
            self.read.add("span-off-text", f"the span {_where(fs, self.text)} is not on the text (length {len(self.text)})",
                          "an annotation must cover at least one character of the text; delete it and annotate again")
            return None
        return fs.begin, fs.end

    def run(self) -> None:
        for name, feature in ((T.MENTION, "entity"), (T.TIME, "id"), (T.EVENT, "id"), (T.STANCE, "id")):
            self.taken.update(v for v in (_s(getattr(fs, feature)) for fs in self.select(name)) if v)
        self.entities()
        self.times()
        self.events()
        self.stances()
        read = self.read
        for eid, ent in self.doc.entities.items():
            for member in ent.members or ():
                if member not in self.doc.entities:
                    read.add("dangling-reference", f"entity {eid!r} lists the member {member!r}, which has no mention in the XMI",
                             "name the id of an entity annotated in the document in 'members'")
        if not any(f.is_error for f in read.findings):
            read.doc = self.doc

    # --- entities ----------------------------------------------------------------------------
    def entities(self) -> None:
        groups: dict[str, list] = {}
        unnamed: dict[str, str] = {}  # quote -> the new entity of the mentions left without an id
        for fs in self.select(T.MENTION):
            span = self.span(fs)
            if span is None:
                continue
            eid = _s(fs.entity)
            if eid is None:
                quote = self.text[span[0]:span[1]]
                if quote not in unnamed:
                    unnamed[quote] = _fresh(_slug(quote, ""), self.taken)
                eid = unnamed[quote]
            groups.setdefault(eid, []).append(fs)
            self.mention_entity[fs.xmiID] = eid
        for eid, mentions in groups.items():
            self.doc.entities[eid] = self.entity(eid, mentions)

    def pick(self, eid: str, mentions: list, feature: str, old: Any, convert=_s) -> Any:
        """The entity-level value its mentions give: the one that differs from the file's when one does."""
        values = {convert(getattr(fs, feature)) for fs in mentions} - {None}
        changed = values - {old}
        if len(changed) > 1:
            self.read.add("entity-conflict", f"the mentions of entity {eid!r} disagree on {feature}: {sorted(map(str, changed))} "
                          f"(first mention {_where(mentions[0], self.text)})",
                          f"give all mentions of {eid!r} the same {feature}, or leave it empty on all but one")
        return changed.pop() if len(changed) == 1 else (old if old is not None or not values else values.pop())

    def entity(self, eid: str, mentions: list) -> Entity:
        old = self.base.entities.get(eid)
        spans = {}
        for fs in mentions:
            span = (fs.begin, fs.end)
            kind = _s(fs.kind) or (old.mentions.get(span) if old else None) or "NAM"
            spans[span] = kind
        first = mentions[0]
        etype = self.pick(eid, mentions, "entityType", old.type if old else None)
        if etype is None:
            self.read.add("missing-label", f"the new entity {eid!r} has no entityType ({_where(first, self.text)})",
                          "set entityType on one of its mentions")
        name = self.pick(eid, mentions, "entityName", old.name if old else None) or self.text[first.begin:first.end]
        kb = self.pick(eid, mentions, "kbId", old.kb_id if old else None)
        members = self.pick(eid, mentions, "members", " ".join(old.members) if old and old.members else None)
        origin = self.pick(eid, mentions, "origin", old.origin if old else None) or "human"
        note = self.pick(eid, mentions, "note", old.note if old else None)
        return Entity(eid, name, etype or "?", kb, spans, tuple(members.split()) if members else None, origin, note)

    # --- times -------------------------------------------------------------------------------
    def times(self) -> None:
        for fs in self.select(T.TIME):
            span = self.span(fs)
            if span is None:
                continue
            tid = self.new_id(_s(fs.id), "t_", span, self.doc.times)
            ttype = _s(fs.timexType)
            if ttype is None:
                self.read.add("missing-label", f"the time {tid!r} has no timexType ({_where(fs, self.text)})", "set timexType (DATE, TIME, DURATION or SET)")
            self.doc.times[tid] = Time(tid, ttype or "?", span, _s(fs.value), _s(fs.origin) or "human", _s(fs.note))
            self.time_of[fs.xmiID] = tid

    def new_id(self, given: str | None, prefix: str, span: tuple[int, int], section: dict) -> str:
        if given is not None and given in section:
            self.read.add("duplicate-id", f"the id {given!r} is used by two annotations", "give each item its own id, or leave the new one's empty")
        if given is not None:
            return given
        return _fresh(_slug(self.text[span[0]:span[1]], prefix), self.taken)

    # --- events ------------------------------------------------------------------------------
    def events(self) -> None:
        found = []
        for fs in self.select(T.EVENT):
            span = self.span(fs)
            if span is None:
                continue
            eid = self.new_id(_s(fs.id), "ev_", span, self.doc.events)
            self.event_of[fs.xmiID] = eid
            found.append((fs, eid, span))
            self.doc.events[eid] = None  # reserve the id; filled below, once every event has one
        for fs, eid, span in found:
            self.doc.events[eid] = self.event(fs, eid, span)
        for fs in self.select(T.EVENT_LINK):
            gov, dep, ltype = fs.Governor, fs.Dependent, _s(fs.linkType)
            if gov is None or dep is None or gov.xmiID not in self.event_of or dep.xmiID not in self.event_of:
                self.read.add("missing-annotation", f"the event link xmi:id {fs.xmiID} does not join two GeoSignal events",
                              "draw event links between two events; delete this one")
                continue
            if ltype is None:
                self.read.add("missing-label", f"the event link {_where(fs, self.text)} has no linkType", "set linkType")
                continue
            self.doc.events[self.event_of[gov.xmiID]].links.append(Link(ltype, self.event_of[dep.xmiID]))

    def event(self, fs, eid: str, span: tuple[int, int]) -> Event:
        etype, realis = _s(fs.eventType), _s(fs.realis)
        for feature, value in (("eventType", etype), ("realis", realis)):
            if value is None:
                self.read.add("missing-label", f"the event {eid!r} has no {feature} ({_where(fs, self.text)})", f"set {feature}")
        args = []
        for link in (fs.arguments.elements if fs.arguments is not None else ()):
            role, target = _s(getattr(link, "role", None)), getattr(link, "target", None)
            if role is None:
                self.read.add("missing-label", f"an argument of event {eid!r} has no role ({_where(fs, self.text)})", "set the argument's role")
                continue
            if target is None:
                self.read.add("missing-annotation", f"the {role} argument of event {eid!r} fills its slot with nothing ({_where(fs, self.text)})",
                              "fill the slot with a mention, a time or a value span, or remove it")
                continue
            if target.xmiID in self.mention_entity:
                anchored = bool(getattr(link, "anchored", False))
                args.append(Arg(role, self.mention_entity[target.xmiID], None, (target.begin, target.end) if anchored else None))
            elif target.xmiID in self.time_of:
                args.append(Arg(role, None, self.time_of[target.xmiID]))
            elif target.type.name == T.VALUE and self.span(target) is not None:
                args.append(Arg(role, None, None, (target.begin, target.end)))
            else:
                self.read.add("missing-annotation", f"the {role} argument of event {eid!r} points at a {target.type.name}, "
                              f"not a mention, time or value ({_where(fs, self.text)})", "fill the slot with a GeoSignal mention, time or value")
        links = []
        for part in (_s(fs.crossDocLinks) or "").split(";"):
            if part.strip():
                bits = part.split()
                if len(bits) != 2 or "#" not in bits[1]:
                    self.read.add("bad-cross-link", f"crossDocLinks of event {eid!r} has {part.strip()!r}",
                                  "write each link as 'type doc_id#event_id', separated by ';'")
                else:
                    links.append(Link(bits[0], bits[1]))
        return Event(eid, etype or "?", span, realis or "?", _s(fs.modality), _s(fs.cameo), args, links,
                     _s(fs.origin) or "human", _s(fs.note))

    # --- stances -----------------------------------------------------------------------------
    def stances(self) -> None:
        for fs in self.select(T.STANCE):
            span = self.span(fs)
            if span is None:
                continue
            sid = self.new_id(_s(fs.id), "st_", span, self.doc.stances)
            holder, target, polarity = _s(fs.holder), _s(fs.target), _s(fs.polarity)
            for feature, value in (("holder", holder), ("target", target), ("polarity", polarity)):
                if value is None:
                    self.read.add("missing-label", f"the stance {sid!r} has no {feature} ({_where(fs, self.text)})", f"set {feature}")
            if holder is not None and holder not in self.doc.entities:
                self.read.add("missing-annotation", f"the holder {holder!r} of stance {sid!r} is no entity of the XMI ({_where(fs, self.text)})",
                              "name the entity id of an annotated mention")
            if target is not None and target not in self.doc.entities and target not in self.doc.events:
                self.read.add("missing-annotation", f"the target {target!r} of stance {sid!r} is no entity or event of the XMI ({_where(fs, self.text)})",
                              "name the id of an annotated entity or event")
            self.doc.stances[sid] = Stance(sid, holder or "?", target or "?", polarity or "?", span, _s(fs.origin) or "human", _s(fs.note))
