"""The annotation of one document as comparable values: spans as offsets, ids as written.

Both sides of the round trip are read into this model, the annotation file (its quotes resolved
against the clean text) and an XMI (its UTF-16 offsets converted by cassis), so that "did this
item change?" is a plain comparison, whatever quote form or XMI layout was used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from builders.annotation.resolve import resolve

SPAN_KEYS = ("text", "occurrence", "context", "start", "end")


@dataclass(frozen=True)
class Arg:
    role: str
    entity: str | None = None
    time: str | None = None
    span: tuple[int, int] | None = None  # a text anchor (an entity's mention, or a bare value)


@dataclass(frozen=True)
class Link:
    type: str
    event: str  # a local id or <doc_id>#<event_id>


@dataclass
class Item:
    """What every item carries besides its content: who made it (``origin``: human or machine), a note."""

    origin: str = field(default="human", kw_only=True)
    note: str | None = field(default=None, kw_only=True)


def made(node: dict[str, Any]) -> dict[str, Any]:
    """An annotation item's ``origin`` and ``note``, as the keyword arguments of its model."""
    return {"origin": node.get("origin", "human"), "note": node.get("note")}


@dataclass
class Entity(Item):
    id: str
    name: str
    type: str
    kb_id: str | None
    mentions: dict[tuple[int, int], str]  # (start, end) -> kind
    members: tuple[str, ...] | None = None
    aliases: tuple[str, ...] | None = None


@dataclass
class Time(Item):
    id: str
    type: str
    span: tuple[int, int]
    value: str | None = None


@dataclass
class Event(Item):
    id: str
    type: str
    trigger: tuple[int, int]
    realis: str
    modality: str | None = None
    cameo: str | None = None
    arguments: list[Arg] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def same(self, other: "Event") -> bool:
        """Equal up to the order of arguments and links (neither order is a record's meaning)."""
        mine = {k: v for k, v in vars(self).items() if k not in ("arguments", "links")}
        theirs = {k: v for k, v in vars(other).items() if k not in ("arguments", "links")}
        return (mine == theirs and Counter(self.arguments) == Counter(other.arguments)
                and Counter(self.links) == Counter(other.links))


@dataclass
class Stance(Item):
    id: str
    holder: str
    target: str
    polarity: str
    evidence: tuple[int, int]


@dataclass
class Doc:
    entities: dict[str, Entity] = field(default_factory=dict)
    times: dict[str, Time] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    stances: dict[str, Stance] = field(default_factory=dict)
    author: str | None = None  # document.author.entity


def same(old: Any, new: Any) -> bool:
    return old.same(new) if isinstance(old, Event) else old == new


def span_of(text: str, ref: str | dict[str, Any]) -> tuple[int, int]:
    if isinstance(ref, dict):
        ref = {k: ref[k] for k in SPAN_KEYS if k in ref}
    span = resolve(text, ref)
    return span.start, span.end


def from_annotation(text: str, ann: dict[str, Any]) -> Doc:
    """A valid annotation (level 3) as the model; spans resolved against the clean text."""
    doc = Doc(author=(ann["document"].get("author") or {}).get("entity"))
    for ent in ann.get("entities") or ():
        mentions = {}
        for ref in ent["mentions"]:
            mentions[span_of(text, ref)] = ref.get("kind", "NAM") if isinstance(ref, dict) else "NAM"
        doc.entities[ent["id"]] = Entity(
            ent["id"], ent["name"], ent["type"], ent.get("kb_id"), mentions,
            tuple(ent["members"]) if ent.get("members") else None, tuple(ent["aliases"]) if ent.get("aliases") else None,
            **made(ent))
    for t in ann.get("times") or ():
        doc.times[t["id"]] = Time(t["id"], t["type"], span_of(text, t), t.get("value"), **made(t))
    for ev in ann.get("events") or ():
        args = []
        for a in ev.get("arguments") or ():
            span = span_of(text, a) if "text" in a and "time" not in a else None
            args.append(Arg(a["role"], a.get("entity"), a.get("time"), span))
        links = [Link(link["type"], link["event"]) for link in ev.get("links") or ()]
        doc.events[ev["id"]] = Event(
            ev["id"], ev["type"], span_of(text, ev["trigger"]), ev["realis"], ev.get("modality"), ev.get("cameo"),
            args, links, **made(ev))
    for st in ann.get("stances") or ():
        doc.stances[st["id"]] = Stance(st["id"], st["holder"], st["target"], st["polarity"],
                                       span_of(text, st["evidence"]), **made(st))
    return doc
