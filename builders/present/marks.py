"""A document's records -> the spans to highlight (marks), and what each one says.

Mentions carry their entity type, time expressions their TIMEX type, triggers their event type,
stance evidence its polarity with the holder and the target by name: the renderers show these
labels as text, so nothing depends on colour. An argument whose span is no mention and no time
expression gets a mark of its own (kind ``argument``), so that every anchored argument of every
event has a place in the text that the HTML page can light up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from builders.annotation.records import DocRecords

# outermost first when two marks cover the same span
KINDS = ("evidence", "trigger", "mention", "time", "argument")


@dataclass(frozen=True, order=True)
class Mark:
    """One highlighted span. ``label``: entity, time or event type, polarity, or argument role;
    ``ref``: the id of what it marks; ``attrs``: more (name, value) pairs worth showing."""

    start: int
    end: int
    kind: str
    label: str
    ref: str
    title: str
    attrs: tuple[tuple[str, str], ...] = ()

    def attr(self, name: str, default: str = "") -> str:
        return dict(self.attrs).get(name, default)


@dataclass(frozen=True)
class Dropped:
    """A whole raw line the cleaner dropped, shown at ``at`` (a line start of the clean text)."""

    at: int
    rule: str
    text: str


def nesting(mark: Mark) -> tuple:
    """Sort key: by start, longer first, then outer kinds first."""
    return (mark.start, -mark.end, KINDS.index(mark.kind), mark.ref)


class Names:
    """Readable names for the ids of one document: entities by name, events by trigger, times by text."""

    def __init__(self, records: "DocRecords"):
        self.entities = {e["entity_id"]: e for e in records.entities}
        self.events = {e["event_id"]: e for e in records.events}
        self.times = {t["time_id"]: t for t in records.times}

    def entity(self, entity_id: str | None) -> str:
        e = self.entities.get(entity_id or "")
        return e["name"] if e else str(entity_id)

    def target(self, target_id: str, kind: str) -> str:
        """A stance target: an event by its trigger text, an entity by its name."""
        if kind == "event" and target_id in self.events:
            return self.events[target_id]["trigger"]["text"]
        return self.entity(target_id)

    def argument(self, arg: dict[str, Any]) -> str:
        """What fills a role: the quoted text, else the entity's name or the time's text."""
        if arg["text"]:
            return arg["text"]
        if arg["time_id"]:
            return self.times[arg["time_id"]]["text"] if arg["time_id"] in self.times else arg["time_id"]
        return self.entity(arg["entity_id"])


def link_target(event: dict[str, Any], link: dict[str, Any]) -> str:
    """A linked event's id, prefixed by its document when it is another one."""
    return link["event_id"] if link["doc_id"] == event["doc_id"] else f"{link['doc_id']}#{link['event_id']}"


def describe_event(event: dict[str, Any], names: Names) -> str:
    """One line: id, type, CAMEO, realis, arguments and links."""
    realis = event["realis"] + (f" ({event['modality']})" if event["modality"] else "")
    parts = [f"{event['event_id']} · {event['type']}{' ' + event['cameo'] if event['cameo'] else ''} · {realis}"]
    parts += [f"{a['role']}: {names.argument(a)}" for a in event["arguments"]]
    parts += [f"{link['type']} {link_target(event, link)}" for link in event["links"]]
    return " · ".join(parts)


def marks(records: "DocRecords") -> list[Mark]:
    """Every mention, time expression, trigger, evidence and otherwise unmarked argument span, outermost first."""
    names = Names(records)
    out = []
    for e in records.entities:
        for m in e["mentions"]:
            title = f"{e['entity_id']} · {e['type']} {m['kind']} · {e['name']} · {e['kb_id'] or 'no QID'}"
            out.append(Mark(m["start"], m["end"], "mention", e["type"], e["entity_id"], title))
    for t in records.times:
        value = f" · {t['value']}" if t["value"] else ""
        out.append(Mark(t["start"], t["end"], "time", t["type"], t["time_id"], f"{t['time_id']} · {t['type']}{value}"))
    for ev in records.events:
        t = ev["trigger"]
        out.append(Mark(t["start"], t["end"], "trigger", ev["type"], ev["event_id"], describe_event(ev, names)))
    for st in records.stances:
        ev = st["evidence"]
        holder, target = names.entity(st["holder"]), names.target(st["target"], st["target_kind"])
        title = f"{st['stance_id']} · {holder} ({st['holder']}) {st['polarity']} {target} ({st['target']}, {st['target_kind']})"
        out.append(Mark(ev["start"], ev["end"], "evidence", st["polarity"], st["stance_id"], title,
                        (("holder", holder), ("target", target))))
    out += _argument_marks(records, {(m.start, m.end) for m in out if m.kind in ("mention", "time")})
    return sorted(out, key=nesting)


def _argument_marks(records: "DocRecords", marked: set[tuple[int, int]]) -> list[Mark]:
    """One mark per anchored argument span that no mention or time expression covers exactly."""
    found: dict[tuple[int, int], list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for ev in records.events:
        for arg in ev["arguments"]:
            if arg["start"] is not None and (arg["start"], arg["end"]) not in marked:
                found.setdefault((arg["start"], arg["end"]), []).append((ev, arg))
    out = []
    for (start, end), uses in found.items():
        ev, arg = uses[0]
        title = "argument · " + "; ".join(f"{a['role']} of {e['event_id']}" for e, a in uses)
        out.append(Mark(start, end, "argument", arg["role"], arg["entity_id"] or arg["time_id"] or ev["event_id"], title))
    return out
