"""One event -> an SVG of displaCy-style arcs: its trigger, an arc to each argument labelled by
role, and a dashed arc to each linked event labelled by link type.

Like displaCy's dependency view, the words sit on one line in text order and the arcs rise
above them, shorter arcs lower (displaCy's level rule). Unlike it, only the spans the event
connects are drawn, not the whole sentence: arguments are often sentences away from their
trigger. An argument given by its entity alone (no quote in the text) is drawn after the quoted
ones, in italics; a link to another document's event at the very end. Every arc is an SVG group
with the data a tool or a test needs (event, role or link type, entity or time, offsets) and a
``<title>`` that says it in words. Static SVG, no script, nothing fetched.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from builders.present import palette
from builders.present.marks import Names, link_target

CHAR = 6.8  # px per character at the 13px font of the diagram (an estimate: no layout engine here)
GAP = 16
STEP = 24  # px of height per arc level
MAX_CHARS = 30
LAST = 10**12  # order of the nodes that have no place in this document's text


@dataclass
class Node:
    key: tuple
    text: str
    tag: str  # the type under the word: entity or time type, event type
    order: tuple
    kind: str  # trigger, argument, entity (unanchored argument), event (linked event)
    colour: str = palette.PAPER
    start: int | None = None
    end: int | None = None
    x: float = 0.0
    width: float = 0.0


@dataclass
class Arc:
    target: tuple  # the key of the node it points to
    label: str
    kind: str  # arg or link
    data: dict[str, str] = field(default_factory=dict)
    title: str = ""
    level: int = 0


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"


def graph(event: dict[str, Any], names: Names) -> tuple[list[Node], list[Arc]]:
    """The nodes in display order and the arcs from the trigger, for one event."""
    t = event["trigger"]
    trigger = Node(("trigger",), t["text"], event["type"], (t["start"], t["end"]), "trigger", start=t["start"], end=t["end"])
    nodes: dict[tuple, Node] = {trigger.key: trigger}
    arcs: list[Arc] = []
    for i, arg in enumerate(event["arguments"]):
        entity = names.entities.get(arg["entity_id"] or "")
        time = names.times.get(arg["time_id"] or "")
        tag = entity["type"] if entity else time["type"] if time else ""
        colour = palette.entity_colour(tag) if entity else palette.TIME if time else palette.PAPER
        if arg["start"] is not None:
            key: tuple = ("span", arg["start"], arg["end"])
            node = Node(key, arg["text"], tag, (arg["start"], arg["end"]), "argument", colour, arg["start"], arg["end"])
        else:
            key = ("ref", arg["entity_id"] or arg["time_id"])
            node = Node(key, names.argument(arg), tag, (LAST, i), "entity", colour)
        nodes.setdefault(key, node)
        filler = arg["entity_id"] or arg["time_id"] or ""
        arcs.append(Arc(key, arg["role"], "arg", {
            "event": event["event_id"], "role": arg["role"], "entity": arg["entity_id"] or "", "time": arg["time_id"] or "",
            "start": "" if arg["start"] is None else str(arg["start"]), "end": "" if arg["end"] is None else str(arg["end"])},
            f"{event['event_id']} {arg['role']}: {names.argument(arg)} ({filler})"))
    for i, link in enumerate(event["links"]):
        target = names.events.get(link["event_id"]) if link["doc_id"] == event["doc_id"] else None
        key = ("event", link["doc_id"], link["event_id"])
        if target is not None:
            tt = target["trigger"]
            node = Node(key, tt["text"], target["type"], (tt["start"], tt["end"]), "event", start=tt["start"], end=tt["end"])
        else:
            node = Node(key, link_target(event, link), "another document", (LAST + 1, i), "event")
        nodes.setdefault(key, node)
        arcs.append(Arc(key, link["type"], "link", {
            "event": event["event_id"], "link": link["type"], "doc": link["doc_id"], "target": link["event_id"]},
            f"{event['event_id']} {link['type']} {link_target(event, link)}"))
    return sorted(nodes.values(), key=lambda n: n.order), arcs


def _levels(arcs: list[Arc], position: dict[tuple, int], origin: int) -> int:
    """displaCy's rule: shorter arcs first, each one level above the arcs it spans."""
    highest: dict[int, int] = {}
    for arc in sorted(arcs, key=lambda a: abs(position[a.target] - origin)):
        lo, hi = sorted((origin, position[arc.target]))
        arc.level = max((highest.get(k, 0) for k in range(lo, hi)), default=0) + 1
        for k in range(lo, hi):
            highest[k] = arc.level
    return max((a.level for a in arcs), default=0)


def svg(event: dict[str, Any], names: Names) -> str:
    """The event's arc diagram, an inline ``<svg>``."""
    nodes, arcs = graph(event, names)
    position = {n.key: i for i, n in enumerate(nodes)}
    top = _levels(arcs, position, position[("trigger",)])
    x = 8.0
    for n in nodes:
        n.width = max(len(_short(n.text)), len(n.tag)) * CHAR + 14
        n.x = x + n.width / 2
        x += n.width + GAP
    width = int(x - GAP + 8)
    base = 16 + top * STEP * 0.75 + 14  # the top of the words; arcs rise above it
    height = int(base + 44)
    origin = nodes[position[("trigger",)]]
    parts = [f'<svg class="arcs" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(_summary(event))}">']
    for n in nodes:
        parts.append(_node(n, base))
    drawn = [_arc(arc, origin, nodes[position[arc.target]], base) for arc in arcs]
    parts += [line for line, _ in drawn] + [label for _, label in drawn]  # labels last: no line crosses one
    parts.append("</svg>")
    return "".join(parts)


def _summary(event: dict[str, Any]) -> str:
    return f"{event['event_id']}: {event['type']} '{event['trigger']['text']}', {len(event['arguments'])} argument(s), {len(event['links'])} link(s)"


def _node(n: Node, base: float) -> str:
    offsets = f' data-start="{n.start}" data-end="{n.end}"' if n.start is not None else ""
    italic = ' font-style="italic"' if n.kind in ("entity", "event") and n.start is None else ""
    weight = ' font-weight="bold"' if n.kind == "trigger" else ""
    rect = ""
    if n.colour != palette.PAPER:
        rect = (f'<rect x="{n.x - n.width / 2:.1f}" y="{base - 3:.1f}" width="{n.width:.1f}" height="20" rx="4" '
                f'fill="{n.colour}"/>')
    underline = ""
    if n.kind == "trigger":
        underline = f'<rect x="{n.x - n.width / 2:.1f}" y="{base + 17:.1f}" width="{n.width:.1f}" height="3" fill="{palette.TRIGGER}"/>'
    return (f'<g class="node {n.kind}"{offsets}>{rect}{underline}'
            f'<text x="{n.x:.1f}" y="{base + 12:.1f}" text-anchor="middle" fill="{palette.INK}"{italic}{weight}>{_esc(_short(n.text))}</text>'
            f'<text class="tag" x="{n.x:.1f}" y="{base + 34:.1f}" text-anchor="middle" fill="{palette.INK}">{_esc(n.tag)}</text></g>')


def _arc(arc: Arc, origin: Node, target: Node, base: float) -> tuple[str, str]:
    """The arc (a group with its data and title) and, apart, its label."""
    colour = palette.LINK if arc.kind == "link" else palette.ARGUMENT
    side = 1 if target.x > origin.x else -1
    sx = origin.x + side * min(origin.width / 2 - 4, 5 * arc.level)  # fan out from the trigger
    ex, y = target.x, base - 4
    h = arc.level * STEP
    dash = ' stroke-dasharray="5,3"' if arc.kind == "link" else ""
    data = "".join(f' data-{k}="{_esc(v)}"' for k, v in arc.data.items())
    label_w = len(arc.label) * 6.4 + 8
    mid, top = (sx + ex) / 2, y - 0.75 * h
    line = (f'<g class="arc {arc.kind}"{data}><title>{_esc(arc.title)}</title>'
            f'<path d="M{sx:.1f},{y:.1f} C{sx:.1f},{y - h:.1f} {ex:.1f},{y - h:.1f} {ex:.1f},{y:.1f}" fill="none" '
            f'stroke="{colour}" stroke-width="1.5"{dash}/>'
            f'<path d="M{ex:.1f},{y + 1:.1f} L{ex - 4:.1f},{y - 7:.1f} L{ex + 4:.1f},{y - 7:.1f} Z" fill="{colour}"/></g>')
    label = (f'<g class="arc-label"><title>{_esc(arc.title)}</title>'
             f'<rect x="{mid - label_w / 2:.1f}" y="{top - 8:.1f}" width="{label_w:.1f}" height="15" rx="3" fill="{palette.PAPER}"/>'
             f'<text class="label" x="{mid:.1f}" y="{top + 3.5:.1f}" text-anchor="middle" fill="{colour}">{_esc(arc.label)}</text></g>')
    return line, label
