"""Marks and records -> one self-contained HTML page, in the spirit of spaCy's displaCy.

The text on the left, every span marked and labelled (type, time type, event type; the stance
holder, polarity and target after the evidence). On the right a panel: one card per event with
its arguments and links drawn as displaCy-style arcs (``arcs``), one card per stance. Pointing
at a card lights up the spans it connects in the text; pointing at a trigger or evidence in the
text lights up its card. All of it is CSS (``:has()``): no script, nothing fetched.

Spans may nest or cross (a mention inside stance evidence, a name inside a nominal mention).
The HTML stays well-formed: each mark becomes one or more elements sharing its data attributes,
split where another mark's boundary crosses it.
"""

from __future__ import annotations

import html as _html
from typing import TYPE_CHECKING, Any

from builders.present import arcs, palette
from builders.present.marks import Dropped, Mark, Names, nesting
from builders.schema import schemas

if TYPE_CHECKING:
    from builders.annotation.records import DocRecords


def _attr(value: object) -> str:
    return _html.escape(str(value), quote=True)


def _css_str(value: str) -> str:
    """A CSS string literal (attribute selectors compare with these)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


# --- the text ---------------------------------------------------------------------------------

def _open(mark: Mark, first: bool, last: bool) -> str:
    classes = ["m", mark.kind, f"{mark.kind}-{mark.label}"] + (["first"] if first else []) + (["last"] if last else [])
    extra = "".join(f' data-{name}="{_attr(value)}"' for name, value in mark.attrs)
    return (f'<span class="{" ".join(classes)}" data-kind="{mark.kind}" data-label="{_attr(mark.label)}" '
            f'data-ref="{_attr(mark.ref)}" data-start="{mark.start}" data-end="{mark.end}"{extra} title="{_attr(mark.title)}">')


def _dropped_html(d: Dropped) -> str:
    return (f'<span class="dropped" data-rule="{_attr(d.rule)}" title="dropped by the cleaner ({_attr(d.rule)})">'
            f'{_html.escape(d.text, quote=False)}</span>')


def body(text: str, doc_marks: list[Mark], dropped: "list[Dropped] | tuple[()]" = ()) -> str:
    """The text with every mark as nested spans; a mark crossed by another is split into pieces.

    The text is cut at every mark boundary; each segment wants the stack of marks covering it,
    outermost first. Between segments the common prefix of the stacks stays open, the rest is
    closed and the new marks opened: crossing marks are thereby split, never mis-nested.
    """
    ordered = sorted(doc_marks, key=nesting)
    cuts = sorted({0, len(text)} | {m.start for m in ordered} | {m.end for m in ordered} | {d.at for d in dropped})
    segments = [(a, b, [m for m in ordered if m.start <= a and b <= m.end]) for a, b in zip(cuts, cuts[1:])]
    opened: list[list[tuple[Mark, int]]] = [[] for _ in segments]  # pieces opened at each segment
    closed = [0] * len(segments)  # pieces closed after each segment
    last_segment: dict[tuple[Mark, int], int] = {}
    stack: list[tuple[Mark, int]] = []
    for i, (_, _, wanted) in enumerate(segments):
        keep = 0
        while keep < min(len(stack), len(wanted)) and stack[keep][0] == wanted[keep]:
            keep += 1
        for piece in stack[keep:]:
            last_segment[piece] = i - 1
            closed[i - 1] += 1
        stack = stack[:keep] + [(m, i) for m in wanted[keep:]]
        opened[i] = stack[keep:]
    for piece in stack:
        last_segment[piece] = len(segments) - 1
        closed[-1] += 1
    out: list[str] = []
    notes: dict[int, list[str]] = {}
    for d in dropped:
        notes.setdefault(d.at, []).append(_dropped_html(d))
    for i, (a, b, _) in enumerate(segments):
        out.extend(notes.pop(a, ()))
        for mark, since in opened[i]:
            out.append(_open(mark, first=segments[since][0] == mark.start,
                             last=segments[last_segment[(mark, since)]][1] == mark.end))
        out.append(_html.escape(text[a:b], quote=False))
        out.append("</span>" * closed[i])
    out.extend(n for at in sorted(notes) for n in notes[at])  # at the end of the text (or of an empty one)
    return "".join(out)


# --- colours and their contrast ---------------------------------------------------------------

def label_colours() -> list[tuple[str, str, str]]:
    """(what, text colour, background) of every small label and word the page draws: the CSS
    below and the arc diagrams use exactly these, and a test checks each pair's contrast."""
    types, pols = palette.entity_types(), palette.polarities()
    out = [(f"{t} mention label", palette.INK, palette.entity_colour(t)) for t in types]
    out.append(("time label", palette.INK, palette.TIME))
    out.append(("trigger label", palette.TRIGGER, palette.PAPER))
    out += [(f"trigger label in {p} evidence", palette.TRIGGER, palette.polarity_tint(p)) for p in pols]
    out += [(f"{p} evidence label", palette.polarity_text(p), palette.polarity_tint(p)) for p in pols]
    out += [("argument arc label", palette.ARGUMENT, palette.PAPER), ("link arc label", palette.LINK, palette.PAPER),
            ("arc word, tag and card text", palette.INK, palette.PAPER), ("legend notes", "#4D4D4D", palette.PAPER)]
    return out


def _css(types: list[str], pols: list[str]) -> str:
    ink, paper = palette.INK, palette.PAPER
    rules = [
        f"body{{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:1.5em auto;max-width:96em;"
        f"padding:0 1em;color:{ink};background:{paper};line-height:2.6}}",
        "h1{font-size:1.3em;line-height:1.3} h2{font-size:1.1em;line-height:1.3;margin:1.5em 0 0.5em}",
        ".layout{display:grid;grid-template-columns:minmax(0,1fr) minmax(24em,42em);gap:2em;align-items:start}",
        "@media (max-width:70em){.layout{grid-template-columns:minmax(0,1fr)}}",
        ".panel{position:sticky;top:0;max-height:100vh;overflow-y:auto;line-height:1.4;font-size:0.9em}",
        ".doc{white-space:pre-wrap;font-size:1.05em}",
        ".m{position:relative}",
        ".mention,.time{padding:0.15em 0.3em;border-radius:0.35em;box-decoration-break:clone;-webkit-box-decoration-break:clone}",
        f".mention.last::after,.time.last::after{{content:attr(data-label);font-size:0.7em;font-weight:bold;"
        f"margin-left:0.4em;vertical-align:middle;color:{ink}}}",
        f".time{{background:{palette.TIME}}}",
        f".trigger{{border-bottom:0.2em solid {palette.TRIGGER};font-weight:600}}",
        f".trigger.last::after{{content:attr(data-label);font-size:0.7em;font-weight:bold;color:{palette.TRIGGER};"
        "vertical-align:super;margin-left:0.15em}",
        f".argument{{border-bottom:0.12em dotted {palette.ARGUMENT}}}",
        ".evidence{padding:0.1em 0;border-radius:0.2em;box-decoration-break:clone;-webkit-box-decoration-break:clone}",
        ".evidence.first{border-left-width:0.25em;border-left-style:solid;padding-left:0.15em}",
        ".evidence.last::after{content:'\\00a0' attr(data-holder) ': ' attr(data-label) ' \\2192\\00a0' attr(data-target);"
        "font-size:0.75em;font-style:italic;font-weight:600;margin-left:0.2em}",
        ".dropped{display:block;color:#595959;background:#f3f3f3;text-decoration:line-through;font-size:0.85em;"
        "line-height:1.6;padding:0 0.4em;border-left:0.2em solid #ccc}",
        ".dropped::before{content:'dropped (' attr(data-rule) ') ';text-decoration:none;display:inline-block;"
        "margin-right:0.4em;font-style:italic}",
        ".legend{line-height:2.4;border:1px solid #ddd;border-radius:0.4em;padding:0.5em 1em;margin:1em 0}",
        ".legend small{color:#4D4D4D}",
        ".legend .m::after{content:none}",
        ".card{border:1px solid #ccc;border-radius:0.4em;padding:0.4em 0.6em;margin:0 0 0.6em;overflow-x:auto}",
        ".card:hover{border-color:#333;box-shadow:0 0 0 1px #333}",
        ".card header{font-size:0.95em;margin-bottom:0.2em}",
        ".card .none{font-style:italic;font-size:0.9em}",
        ".arcs{display:block;font-size:13px}",
        ".arcs .tag{font-size:10px;font-weight:bold}",
        ".arcs .label{font-size:11px;font-weight:bold}",
        "table{border-collapse:collapse;font-size:0.9em;line-height:1.4} td,th{border:1px solid #ddd;padding:0.25em 0.5em;"
        "text-align:left;vertical-align:top}",
    ]
    for name in types:
        rules.append(f".mention-{name}{{background:{palette.entity_colour(name)}}}")
    for name in pols:
        rules.append(f".evidence-{name}{{background:{palette.polarity_tint(name)};border-color:{palette.polarity_colour(name)}}}")
        rules.append(f".evidence-{name}.last::after{{color:{palette.polarity_text(name)}}}")
    return "\n".join(rules)


# --- lighting up: which spans a card connects -------------------------------------------------

LIT = "outline:2px solid #000;outline-offset:1px"
LIT_REF = "outline:2px dashed #000;outline-offset:1px"  # an entity named without a quote: all its mentions
LIT_LINK = f"outline:2px dashed {palette.LINK};outline-offset:1px"
LIT_CARD = f"border-color:{palette.TRIGGER};box-shadow:0 0 0 2px {palette.TRIGGER}"


def _span(start: int, end: int) -> str:
    return f'[data-start="{start}"][data-end="{end}"]'


def _ref(kind: str, ref: str) -> str:
    return f"[data-kind={_css_str(kind)}][data-ref={_css_str(ref)}]"


def _rule(card: str, selectors: list[str], style: str) -> str:
    if not selectors:
        return ""
    return f"body:has([data-card={_css_str(card)}]:hover) .doc .m:is({','.join(selectors)}){{{style}}}"


def _event_rules(event: dict[str, Any]) -> list[str]:
    eid = event["event_id"]
    spans = [_ref("trigger", eid)] + [_span(a["start"], a["end"]) for a in event["arguments"] if a["start"] is not None]
    refs = [_ref("mention", a["entity_id"]) for a in event["arguments"] if a["start"] is None and a["entity_id"]]
    refs += [_ref("time", a["time_id"]) for a in event["arguments"] if a["start"] is None and a["time_id"]]
    links = [_ref("trigger", link["event_id"]) for link in event["links"] if link["doc_id"] == event["doc_id"]]
    back = f"body:has(.doc .m{_ref('trigger', eid)}:hover) [data-card={_css_str(eid)}]{{{LIT_CARD}}}"
    return [_rule(eid, spans, LIT), _rule(eid, refs, LIT_REF), _rule(eid, links, LIT_LINK), back]


def _stance_rules(stance: dict[str, Any]) -> list[str]:
    sid = stance["stance_id"]
    target = _ref("trigger" if stance["target_kind"] == "event" else "mention", stance["target"])
    back = f"body:has(.doc .m{_ref('evidence', sid)}:hover) [data-card={_css_str(sid)}]{{{LIT_CARD}}}"
    return [_rule(sid, [_ref("evidence", sid)], LIT), _rule(sid, [_ref("mention", stance["holder"])], LIT_REF),
            _rule(sid, [target], LIT_LINK), back]


def _light_css(records: "DocRecords") -> str:
    rules = [r for ev in records.events for r in _event_rules(ev)] + [r for st in records.stances for r in _stance_rules(st)]
    return "\n".join(r for r in rules if r)


# --- the panel --------------------------------------------------------------------------------

def _event_card(event: dict[str, Any], names: Names) -> str:
    realis = event["realis"] + (f" ({event['modality']})" if event["modality"] else "")
    facts = [event["type"]] + ([f"CAMEO {event['cameo']}"] if event["cameo"] else []) + [realis] + \
        ([f"date {event['date']}"] if event["date"] else [])
    head = (f'<header><strong>{_html.escape(event["trigger"]["text"])}</strong> · {_html.escape(" · ".join(facts))} '
            f'<small>{_html.escape(event["event_id"])}</small></header>')
    drawing = arcs.svg(event, names)
    if not event["arguments"] and not event["links"]:
        drawing += '<div class="none">no arguments, no links</div>'
    return f'<section class="card event" data-card="{_attr(event["event_id"])}">{head}{drawing}</section>'


def _stance_card(stance: dict[str, Any], names: Names) -> str:
    holder, target = names.entity(stance["holder"]), names.target(stance["target"], stance["target_kind"])
    colour = palette.polarity_text(stance["polarity"])
    return (f'<section class="card stance" data-card="{_attr(stance["stance_id"])}" data-holder="{_attr(stance["holder"])}" '
            f'data-target="{_attr(stance["target"])}" data-polarity="{_attr(stance["polarity"])}">'
            f'<header><strong>{_html.escape(holder)}</strong> '
            f'<strong style="color:{colour}">{_html.escape(stance["polarity"])}</strong> → '
            f'<strong>{_html.escape(target)}</strong> <small>{_html.escape(stance["stance_id"])}</small></header>'
            f'<div>“{_html.escape(stance["evidence"]["text"])}”</div></section>')


def _panel(records: "DocRecords") -> str:
    names = Names(records)
    events = "".join(_event_card(ev, names) for ev in records.events) or '<p class="none">no events</p>'
    stances = "".join(_stance_card(st, names) for st in records.stances) or '<p class="none">no stances</p>'
    return (f'<aside class="panel"><h2>Events ({len(records.events)})</h2>{events}'
            f'<h2>Stances ({len(records.stances)})</h2>{stances}</aside>')


# --- the page ---------------------------------------------------------------------------------

def _legend(types: list[str], pols: list[str]) -> str:
    node = schemas()["entity"]["$defs"]["entity_type"]
    described = node.get("x-label-descriptions", {})
    items = [f'<span class="m mention mention-{t}" title="{_attr(described.get(t, t))}">{t}</span> '
             f'<small>{_html.escape(described.get(t, ""))}</small>' for t in types]
    items.append('<span class="m time">time</span> <small>(its type after it)</small>')
    items.append('<span class="m trigger">event trigger</span> <small>(event type after it)</small>')
    items.append('<span class="m argument">argument</span> <small>(a span that is no mention)</small>')
    items += [f'<span class="m evidence first evidence-{p}">stance evidence: {p}</span>' for p in pols]
    return ('<div class="legend"><strong>Legend</strong> · hover a mark for its id and details; hover a card to light up '
            'the spans it connects<br>' + " &nbsp; ".join(items) + "</div>")


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_html.escape(h)}</th>" for h in header)
    rows_html = "".join("<tr>" + "".join(f"<td>{_html.escape('' if c is None else str(c))}</td>" for c in row) + "</tr>"
                        for row in rows)
    return f"<table><tr>{head}</tr>{rows_html}</table>"


def render(doc_id: str, text: str, records: "DocRecords | None", doc_marks: list[Mark],
           dropped: "list[Dropped] | tuple[()]" = ()) -> str:
    """One self-contained HTML page: inline CSS and SVG, no script, no external resource."""
    types, pols = palette.entity_types(), palette.polarities()
    style = _css(types, pols) + ("\n" + _light_css(records) if records is not None else "")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>GeoSignal · {_html.escape(doc_id)}</title>",
        f"<style>\n{style}\n</style></head><body>",
        f"<h1>GeoSignal · {_html.escape(doc_id)}</h1>",
        _legend(types, pols),
        '<div class="layout">',
        f'<div class="doc">{body(text, doc_marks, dropped)}</div>',
        _panel(records) if records is not None else "",
        "</div>",
    ]
    if records is not None:
        parts.append("<h2>Entities</h2>" + _table(
            ["id", "type", "name", "Wikidata", "mentions"],
            [[e["entity_id"], e["type"], e["name"], e["kb_id"], len(e["mentions"])] for e in records.entities]))
        parts.append("<h2>Time expressions</h2>" + _table(
            ["id", "type", "text", "value", "value from"],
            [[t["time_id"], t["type"], t["text"], t["value"], t["value_source"]] for t in records.times]))
    parts.append("</body></html>\n")
    return "\n".join(parts)
