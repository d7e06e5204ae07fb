"""One XMI -> the model of one document, or findings. Pure: bytes in, values out.

Everything the XMI says is either read into the model or reported: a type that is not GeoSignal's
(and not a segmentation or metadata type INCEpTION adds), a span off the text, a relation or an
argument that points at nothing, an entity whose mentions disagree. Nothing is dropped silently.
Findings name the XMI file, its line (of the annotation's element) and, in the message, the
annotation's xmi:id and characters.

A value in the XMI is what the annotator left there: a field emptied on an item the export wrote
is a field cleared. Only a mention the annotator added has empty entity fields by default; they
mean "the entity's, as they are".
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from builders.annotation.ids import fresh, slug
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
_XMI_ID = re.compile(rb'xmi:id="(\d+)"')
_LAST = float("inf")  # the order of an item the tool added: after the exported ones


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


_TYPESYSTEMS: dict[bytes, tuple[Any, str | None]] = {}


def _typesystem(data: bytes) -> tuple[Any, str | None]:
    """A TypeSystem.xml loaded and checked once per import (every XMI of a project has the same one)."""
    from cassis import load_typesystem

    if data not in _TYPESYSTEMS:
        if len(_TYPESYSTEMS) > 8:
            _TYPESYSTEMS.clear()
        try:
            ts = load_typesystem(io.BytesIO(data))
        except Exception as exc:  # noqa: BLE001 - any parse failure of hostile input is a finding
            _TYPESYSTEMS[data] = (None, f"the type system beside the XMI cannot be read: {exc}")
        else:
            problems = _compatible(ts)
            _TYPESYSTEMS[data] = (ts, None if not problems else (
                f"the type system beside the XMI is not GeoSignal's: {problems[0]}"
                + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")))
    return _TYPESYSTEMS[data]


def load(data: bytes, file: str, typesystem_xml: bytes | None) -> tuple[Any, Read]:
    """The CAS of an XMI (with the type system found beside it, else GeoSignal's), or findings."""
    from cassis import load_cas_from_xmi
    from cassis.typesystem import TypeNotFoundError

    read = Read(file)
    if len(data) > MAX_XMI_BYTES:
        read.add("xmi-too-large", f"the XMI has {len(data)} bytes (limit {MAX_XMI_BYTES})", "export the document again from INCEpTION")
        return None, read
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        read.add("xmi-doctype", "the XMI declares a DOCTYPE or entities", "INCEpTION never writes one; export the document again")
        return None, read
    ts = T.typesystem()
    if typesystem_xml is not None:
        ts, problem = _typesystem(typesystem_xml)
        if problem is not None:
            read.add("foreign-type-system", problem,
                     "use the TypeSystem.xml that `geosignal export --format inception` wrote or INCEpTION exported with "
                     "the XMI; the project must have GeoSignal's layers (CONTRIBUTING.md, Annotate in INCEpTION)")
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
        except TypeError as exc:  # cassis: an attribute the type does not have
            feature = re.search(r"(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'", str(exc))
            read.add("foreign-type-system", "the XMI uses a feature GeoSignal's type system does not have"
                     + (f": {feature.group(2)} on {feature.group(1).replace('_', '.')}" if feature else f" ({exc})"),
                     "annotate with the GeoSignal layers only, or put the project's TypeSystem.xml beside the XMI",
                     _line_of(data, f" {feature.group(2)}=".encode()) if feature else None)
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


def _n(value: Any) -> float:
    """An order feature: a position from 1, else (unset, 0: an item the tool added) after all others."""
    return value if isinstance(value, int) and value > 0 else _LAST


def _where(fs, text: str) -> str:
    if not hasattr(fs, "begin"):
        return f"xmi:id {fs.xmiID}"
    line = text.count("\n", 0, max(0, min(fs.begin, len(text)))) + 1
    return f"xmi:id {fs.xmiID} at characters {fs.begin}..{fs.end} (line {line} of the text)"


def _made(fs: Any) -> dict[str, Any]:
    """A feature structure's ``origin`` (human when unset) and ``note``, as a model's keyword arguments."""
    return {"origin": _s(fs.origin) or "human", "note": _s(fs.note)}


def _pairs(value: str | None) -> list[tuple[str, str]] | None:
    """'a b; c d' -> [(a, b), (c, d)]; None when a part is not two words."""
    out = []
    for part in (value or "").split(";"):
        if part.strip():
            bits = part.split()
            if len(bits) != 2:
                return None
            out.append((bits[0], bits[1]))
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
    reader = _Reader(read, cas, text, (old or {}).get(read.doc_id) or Doc(), data)
    for fs in cas.select_all_fs():
        name = fs.type.name
        if not name.startswith(T.NS + "GeoSignal") and not name.startswith(IGNORED_PREFIXES):
            reader.add("foreign-annotation", f"an annotation of type {name} ({_where(fs, text)}) is not a GeoSignal layer",
                       "GeoSignal keeps only its own layers: delete it, or move it to a GeoSignal layer", fs)
    reader.run()
    return read


class _Reader:
    def __init__(self, read: Read, cas, text: str, base: Doc, data: bytes):
        self.read, self.cas, self.text, self.base, self.data = read, cas, text, base, data
        self.doc = Doc()
        self.taken = set(base.entities) | set(base.times) | set(base.events) | set(base.stances)
        self.mention_entity: dict[int, str] = {}  # xmiID -> entity id
        self.time_of: dict[int, str] = {}
        self.event_of: dict[int, str] = {}
        self._lines: dict[int, int] | None = None

    def line(self, fs) -> int | None:
        """The XMI line of an annotation's element (INCEpTION writes one line, the export one per element)."""
        if self._lines is None:
            self._lines, line, at = {}, 1, 0
            for m in _XMI_ID.finditer(self.data):
                line += self.data.count(b"\n", at, m.start())
                at = m.start()
                self._lines[int(m.group(1))] = line
        return self._lines.get(fs.xmiID) if fs is not None else None

    def add(self, code: str, message: str, hint: str, fs=None) -> None:
        self.read.add(code, message, hint, self.line(fs))

    def select(self, name: str) -> list:
        return list(self.cas.select(name)) if self.cas.typesystem.contains_type(name) else []

    def span(self, fs) -> tuple[int, int] | None:
        if not (0 <= fs.begin < fs.end <= len(self.text)):
            self.add("span-off-text", f"the span {_where(fs, self.text)} is not on the text (length {len(self.text)}): "
                     + ("it ends before it starts" if fs.end < fs.begin else "it covers no character" if fs.end == fs.begin
                        else "it ends beyond the text"),
                     "an annotation must start and end on the text and cover at least one character; delete it and annotate again", fs)
            return None
        return fs.begin, fs.end

    def run(self) -> None:
        for name, feature in ((T.MENTION, "entity"), (T.TIME, "id"), (T.EVENT, "id"), (T.STANCE, "id")):
            self.taken.update(v for v in (_s(getattr(fs, feature)) for fs in self.select(name)) if v)
        self.entities()
        self.times()
        self.events()
        self.stances()
        self.author()
        for eid, ent in self.doc.entities.items():
            for member in ent.members or ():
                if member not in self.doc.entities:
                    own = [m for m in self.select(T.MENTION) if self.mention_entity.get(m.xmiID) == eid]
                    fs = next((m for m in own if _s(m.members)), own[0])
                    self.add("dangling-reference", f"entity {eid!r} lists the member {member!r}, which has no mention in the XMI "
                             f"({_where(fs, self.text)})", "name the id of an entity annotated in the document in 'members'", fs)
        if not any(f.is_error for f in self.read.findings):
            self.read.doc = self.doc

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
                    unnamed[quote] = fresh(slug(quote) or "item", self.taken)
                eid = unnamed[quote]
            groups.setdefault(eid, []).append(fs)
            self.mention_entity[fs.xmiID] = eid
        # the file's order: by the position the export gave the entity, new ones after in text order
        ordered = sorted(groups.items(), key=lambda g: (min(_n(fs.entityOrder) for fs in g[1]), min(fs.begin for fs in g[1])))
        for eid, mentions in ordered:
            self.doc.entities[eid] = self.entity(eid, sorted(mentions, key=lambda fs: (_n(fs.order), fs.begin, fs.end)))

    def source_of(self, fs, eid: str) -> Entity | None:
        """The entity a mention was exported with (None: the annotator added it)."""
        span = (fs.begin, fs.end)
        own = self.base.entities.get(eid)
        if own is not None and span in own.mentions:
            return own
        return next((e for e in self.base.entities.values() if span in e.mentions), None)

    def pick(self, eid: str, mentions: list, feature: str, key: str, convert=_s) -> Any:
        """The entity-level value its mentions give: the one that differs from the file's when one does.

        A mention exported with this entity says what the annotator left in it, empty included; a
        mention moved here from another entity, or added in the tool, says only what was typed.
        """
        old = self.base.entities.get(eid)
        before = getattr(old, key) if old is not None else None
        edits = set()
        for fs in mentions:
            value = convert(getattr(fs, feature))
            source = self.source_of(fs, eid)
            if old is not None and source is old:
                carried = False
            elif source is not None:  # moved here from another entity: what it carries from there is no edit
                carried = value is None or value == getattr(source, key)
            else:
                carried = value is None
            if not carried and (value != before or old is None):
                edits.add(value)
        if old is None:
            edits.discard(None)
        if len(edits) > 1:
            self.add("entity-conflict", f"the mentions of entity {eid!r} disagree on {feature}: {sorted(map(str, edits))} "
                     f"(first mention {_where(mentions[0], self.text)})",
                     f"give all mentions of {eid!r} the same {feature}, or leave it empty on the mentions you added", mentions[0])
        if len(edits) == 1:
            return edits.pop()
        if old is None:  # a new entity whose mentions were all moved here: the values they carry
            values = {convert(getattr(fs, feature)) for fs in mentions} - {None}
            return values.pop() if len(values) == 1 else None
        return before

    def entity(self, eid: str, mentions: list) -> Entity:
        spans = {}
        for fs in mentions:
            spans[(fs.begin, fs.end)] = _s(fs.kind) or "NAM"
        first = mentions[0]
        etype = self.pick(eid, mentions, "entityType", "type")
        self.labelled(f"entity {eid!r}", first, {"entityType": etype}, "set entityType on one of its mentions")
        name = self.pick(eid, mentions, "entityName", "name")
        if eid in self.base.entities:
            self.labelled(f"entity {eid!r}", first, {"entityName": name}, "an entity needs its canonical name: set entityName")
        name = name or self.text[first.begin:first.end]  # a new entity without a name: its first mention's text
        kb = self.pick(eid, mentions, "kbId", "kb_id")
        split = lambda sep: lambda v: tuple(x.strip() for x in v.split(sep) if x.strip()) or None if _s(v) else None  # noqa: E731
        aliases = self.pick(eid, mentions, "aliases", "aliases", split(";"))
        members = self.pick(eid, mentions, "members", "members", split(None))
        origin = self.pick(eid, mentions, "origin", "origin")
        note = self.pick(eid, mentions, "note", "note")
        return Entity(eid, name, etype or "?", kb, spans, members, aliases, origin=origin or "human", note=note)

    # --- times -------------------------------------------------------------------------------
    def times(self) -> None:
        for fs, tid, span in self.spanned(T.TIME, "t_", self.doc.times):
            ttype = _s(fs.timexType)
            self.labelled(f"time {tid!r}", fs, {"timexType": ttype}, "set timexType (DATE, TIME, DURATION or SET)")
            self.doc.times[tid] = Time(tid, ttype or "?", span, _s(fs.value), **_made(fs))
            self.time_of[fs.xmiID] = tid

    def spanned(self, type_name: str, prefix: str, section: dict) -> Iterator[tuple[Any, str, tuple[int, int]]]:
        """(feature structure, id, span) of every annotation of a type that has a span, in the file's
        order (the export's, new ones after in text order), an id made for each that has none."""
        for fs in sorted(self.select(type_name), key=lambda fs: (_n(fs.order), fs.begin, fs.end)):
            span = self.span(fs)
            if span is not None:
                yield fs, self.new_id(fs, prefix, span, section), span

    def labelled(self, what: str, fs: Any, labels: dict[str, str | None], hint: str | None = None) -> None:
        """A ``missing-label`` finding for each of ``labels`` (feature -> value) left empty."""
        for feature, value in labels.items():
            if value is None:
                self.add("missing-label", f"the {what} has no {feature} ({_where(fs, self.text)})", hint or f"set {feature}", fs)

    def new_id(self, fs, prefix: str, span: tuple[int, int], section: dict) -> str:
        given = _s(fs.id)
        if given is not None and given in section:
            self.add("duplicate-id", f"the id {given!r} is used by two annotations ({_where(fs, self.text)})",
                     "give each item its own id, or leave the new one's empty", fs)
        if given is not None:
            return given
        return fresh(prefix + (slug(self.text[span[0]:span[1]]) or "item"), self.taken)

    # --- events ------------------------------------------------------------------------------
    def events(self) -> None:
        found = []
        for fs, eid, span in self.spanned(T.EVENT, "ev_", self.doc.events):
            self.event_of[fs.xmiID] = eid
            found.append((fs, eid, span))
            self.doc.events[eid] = None  # reserve the id; filled below, once every event has one
        local: dict[str, list[tuple[float, int, Link]]] = {}
        for fs in self.select(T.EVENT_LINK):
            gov, dep, ltype = fs.Governor, fs.Dependent, _s(fs.linkType)
            if gov is None or dep is None or gov.xmiID not in self.event_of or dep.xmiID not in self.event_of:
                self.add("missing-annotation", f"the event link {_where(fs, self.text)} does not join two GeoSignal events",
                         "draw event links from an event to an event; delete this one", fs)
                continue
            if ltype is None:
                self.add("missing-label", f"the event link {_where(fs, self.text)} has no linkType", "set linkType", fs)
                continue
            local.setdefault(self.event_of[gov.xmiID], []).append((_n(fs.order), fs.begin, Link(ltype, self.event_of[dep.xmiID])))
        for fs, eid, span in found:
            self.doc.events[eid] = self.event(fs, eid, span, local.get(eid, []))

    def event(self, fs, eid: str, span: tuple[int, int], local: list[tuple[float, int, Link]]) -> Event:
        etype, realis = _s(fs.eventType), _s(fs.realis)
        self.labelled(f"event {eid!r}", fs, {"eventType": etype, "realis": realis})
        implied = _pairs(fs.impliedArguments)
        if implied is None:
            self.add("bad-implied-arguments", f"impliedArguments of event {eid!r} is {fs.impliedArguments!r} ({_where(fs, self.text)})",
                     "write each implied argument as 'role entity_id', separated by ';'", fs)
            implied = []
        left = list(implied)
        args = []
        for link in (fs.arguments.elements if fs.arguments is not None else ()):
            role, target = _s(getattr(link, "role", None)), getattr(link, "target", None)
            if role is None:
                self.add("missing-label", f"an argument of event {eid!r} has no role ({_where(fs, self.text)})", "set the argument's role", fs)
                continue
            if target is None:
                self.add("missing-annotation", f"the {role} argument of event {eid!r} fills its slot with nothing ({_where(fs, self.text)})",
                         "fill the slot with a mention, a time or a value span, or remove it", fs)
                continue
            if target.xmiID in self.mention_entity:
                entity = self.mention_entity[target.xmiID]
                if (role, entity) in left:  # the text implies it: only the entity counts, not the mention
                    left.remove((role, entity))
                    args.append(Arg(role, entity))
                else:
                    args.append(Arg(role, entity, None, (target.begin, target.end)))
            elif target.xmiID in self.time_of:
                args.append(Arg(role, None, self.time_of[target.xmiID]))
            elif target.type.name == T.VALUE and self.span(target) is not None:
                args.append(Arg(role, None, None, (target.begin, target.end)))
            else:
                self.add("missing-annotation", f"the {role} argument of event {eid!r} points at {_where(target, self.text)}, "
                         f"a {target.type.name}, not a mention, time or value ({_where(fs, self.text)})",
                         "fill the slot with a GeoSignal mention, time or value", fs)
        for role, entity in left:
            self.add("missing-annotation", f"impliedArguments of event {eid!r} names '{role} {entity}', but no {role} slot "
                     f"of the event is filled by a mention of {entity!r} ({_where(fs, self.text)})",
                     "fill a slot with that role and a mention of the entity, or remove the pair from impliedArguments", fs)
        cross = _pairs(fs.crossDocLinks)
        if cross is None or any("#" not in target for _, target in cross):
            self.add("bad-cross-link", f"crossDocLinks of event {eid!r} is {fs.crossDocLinks!r} ({_where(fs, self.text)})",
                     "write each link as 'type doc_id#event_id', separated by ';'", fs)
            cross = []
        return Event(eid, etype or "?", span, realis or "?", _s(fs.modality), _s(fs.cameo), args,
                     _links(local, [Link(t, e) for t, e in cross]), **_made(fs))

    # --- stances -----------------------------------------------------------------------------
    def stances(self) -> None:
        for fs, sid, span in self.spanned(T.STANCE, "st_", self.doc.stances):
            holder, target, polarity = _s(fs.holder), _s(fs.target), _s(fs.polarity)
            self.labelled(f"stance {sid!r}", fs, {"holder": holder, "target": target, "polarity": polarity})
            if holder is not None and holder not in self.doc.entities:
                self.add("missing-annotation", f"the holder {holder!r} of stance {sid!r} is no entity of the XMI ({_where(fs, self.text)})",
                         "name the entity id of an annotated mention", fs)
            if target is not None and target not in self.doc.entities and target not in self.doc.events:
                self.add("missing-annotation", f"the target {target!r} of stance {sid!r} is no entity or event of the XMI ({_where(fs, self.text)})",
                         "name the id of an annotated entity or event", fs)
            self.doc.stances[sid] = Stance(sid, holder or "?", target or "?", polarity or "?", span, **_made(fs))

    # --- the author --------------------------------------------------------------------------
    def author(self) -> None:
        found = self.select(T.AUTHOR)
        if len(found) > 1:
            self.add("duplicate-author", f"the XMI has {len(found)} GeoSignalAuthor annotations", "keep one: a document has one author", found[1])
        entity = _s(found[0].entity) if found else None
        if entity is not None and entity not in self.doc.entities:
            self.add("dangling-reference", f"the author's entity {entity!r} has no mention in the XMI ({_where(found[0], self.text)})",
                     "name the id of an annotated entity in GeoSignalAuthor, or empty it", found[0])
        self.doc.author = entity


def _links(local: list[tuple[float, int, Link]], cross: list[Link]) -> list[Link]:
    """The event's links in the file's order: local links at their exported positions, the cross-document
    ones (kept in their own order in crossDocLinks) in the places between, links the tool added last."""
    taken = {int(order) for order, _, _ in local if order != _LAST}
    free = (n for n in range(1, len(local) + len(cross) + 1 + len(taken)) if n not in taken)
    keyed = [(order, 0, begin, link) for order, begin, link in local] + [(next(free), 1, 0, link) for link in cross]
    return [link for *_, link in sorted(keyed, key=lambda k: k[:3])]
