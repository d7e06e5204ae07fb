"""Annotations made visible: the clean text with mentions, triggers and stance evidence marked.

Annotators and reviewers should look at annotations, not read offsets. ``marks`` turns a
document's records into marks; ``terminal`` renders them with rich for the terminal, ``html``
as one self-contained page in the spirit of spaCy's displaCy (inline CSS, no script, nothing
fetched). Both are pure. ``load`` is the one I/O edge: it validates a document folder and, when
the annotation has errors, still returns the clean text so that quotes can be fixed.

Spans may nest or cross (a mention inside stance evidence, a name inside a nominal mention).
The HTML stays well-formed: each mark becomes one or more elements sharing its data attributes,
split where another mark's boundary crosses it.
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from builders.findings import Finding
from builders.schema import labels, schemas

if TYPE_CHECKING:
    from rich.text import Text

    from builders.source.clean import Cleaned
    from builders.source.corpus import DocFolder
    from builders.annotation.records import DocRecords

# outermost first when two marks cover the same span
KINDS = ("evidence", "trigger", "mention")
# cosmetic palettes, assigned in the order of the schema's enums (labels are never listed here)
_ENTITY_HTML = ("#7aecec", "#feca74", "#ffb8b8", "#bfeeb7", "#c887fb", "#9cc9cc", "#e4e7d2", "#ddd4ff", "#f0d0e6")
_ENTITY_TERM = ("cyan", "yellow", "red", "green", "magenta", "blue", "bright_black", "bright_cyan", "bright_magenta")
_POLARITY_HTML = ("#d8f3dc", "#ffd6d6", "#e6e6e6", "#fff3bf")
_POLARITY_TERM = ("on dark_green", "on dark_red", "on grey30", "on grey23")
_TRIGGER_HTML = "#b5179e"


@dataclass(frozen=True, order=True)
class Mark:
    """One highlighted span: a mention (label: entity type), a trigger (event type) or evidence (polarity)."""

    start: int
    end: int
    kind: str
    label: str
    ref: str
    title: str


def entity_types() -> list[str]:
    return labels(schemas()["entity"]["$defs"]["entity_type"]) or []


def polarities() -> list[str]:
    return labels(schemas()["stance"]["$defs"]["polarity"]) or []


def _colour(palette: tuple[str, ...], names: list[str], name: str) -> str:
    return palette[names.index(name) % len(palette)] if name in names else palette[-1]


def _arguments(event: dict[str, Any]) -> str:
    parts = [f"{a['role']}: {a['entity_id'] or a['text']}" for a in event["arguments"]]
    parts += [f"{link['type']} {'' if link['doc_id'] == event['doc_id'] else link['doc_id'] + '#'}{link['event_id']}"
              for link in event["links"]]
    return "; ".join(parts)


def marks(records: "DocRecords") -> list[Mark]:
    """Every mention, trigger and evidence span of one document, outermost first."""
    out = []
    for e in records.entities:
        for m in e["mentions"]:
            title = f"{e['entity_id']} · {e['type']} {m['kind']} · {e['name']} · {e['kb_id'] or 'no QID'}"
            out.append(Mark(m["start"], m["end"], "mention", e["type"], e["entity_id"], title))
    for ev in records.events:
        t = ev["trigger"]
        realis = ev["realis"] + (f" ({ev['modality']})" if ev["modality"] else "")
        title = f"{ev['event_id']} · {ev['type']}{' ' + ev['cameo'] if ev['cameo'] else ''} · {realis}"
        if args := _arguments(ev):
            title += f" · {args}"
        out.append(Mark(t["start"], t["end"], "trigger", ev["type"], ev["event_id"], title))
    for st in records.stances:
        ev = st["evidence"]
        title = f"{st['stance_id']} · {st['holder']} {st['polarity']} {st['target']} ({st['target_kind']})"
        out.append(Mark(ev["start"], ev["end"], "evidence", st["polarity"], st["stance_id"], title))
    return sorted(out, key=_nesting)


def _nesting(mark: Mark) -> tuple:
    return (mark.start, -mark.end, KINDS.index(mark.kind), mark.ref)


@dataclass(frozen=True)
class Dropped:
    """A whole raw line the cleaner dropped, shown at ``at`` (a line start of the clean text)."""

    at: int
    rule: str
    text: str


_UNSHOWN = ("whitespace", "front-matter", "end-mark")  # blank lines; a shape's own markup, never the article


def dropped_lines(raw: str, cleaned: "Cleaned") -> list[Dropped]:
    """Every whole line a rule dropped (boilerplate, image rows, annotator drops ...), where it was."""
    out = []
    for r in cleaned.removals:
        whole = (r.raw_start == 0 or raw[r.raw_start - 1] in "\r\n") and (r.raw_end == len(raw) or raw[r.raw_end] in "\r\n")
        if r.rule in _UNSHOWN or not whole:
            continue
        after = next((s.clean_start for s in cleaned.segments if s.raw_start >= r.raw_end), None)
        at = len(cleaned.text) if after is None else cleaned.text.rfind("\n", 0, after) + 1
        out.append(Dropped(at, r.rule, " ".join(raw[r.raw_start:r.raw_end].split())))
    return sorted(out, key=lambda d: d.at)


# --- terminal -------------------------------------------------------------------------------

def terminal(text: str, doc_marks: list[Mark], dropped: "list[Dropped] | tuple[()]" = ()) -> "Text":
    """The clean text as rich Text: mentions coloured by type, triggers bold underlined, evidence shaded;
    each dropped line as a dim struck ``[dropped · rule]`` line where it was."""
    from rich.text import Text

    types, pols = entity_types(), polarities()
    out = Text(text)
    for m in doc_marks:  # outermost first, so inner marks win where styles conflict
        if m.kind == "evidence":
            out.stylize(_colour(_POLARITY_TERM, pols, m.label), m.start, m.end)
        elif m.kind == "trigger":
            out.stylize("bold underline", m.start, m.end)
        else:
            out.stylize(f"bold {_colour(_ENTITY_TERM, types, m.label)}", m.start, m.end)
    if not dropped:
        return out
    shown, pos = Text(), 0
    for d in dropped:
        shown.append_text(out[pos:d.at])
        if d.at and not shown.plain.endswith("\n"):
            shown.append("\n")
        shown.append(f"[dropped · {d.rule}] ", style="dim").append(d.text, style="dim strike")
        if d.at < len(text):
            shown.append("\n")
        pos = d.at
    shown.append_text(out[pos:])
    return shown


def terminal_legend() -> "Text":
    from rich.text import Text

    types, pols = entity_types(), polarities()
    legend = Text("mentions: ")
    for name in types:
        legend.append(name, style=f"bold {_colour(_ENTITY_TERM, types, name)}").append(" ")
    legend.append("· ").append("event trigger", style="bold underline").append(" · evidence: ")
    for name in pols:
        legend.append(f" {name} ", style=_colour(_POLARITY_TERM, pols, name)).append(" ")
    return legend


# --- HTML -----------------------------------------------------------------------------------

def _attr(value: object) -> str:
    return _html.escape(str(value), quote=True)


def _open(mark: Mark, first: bool, last: bool) -> str:
    classes = ["m", mark.kind, f"{mark.kind}-{mark.label}"] + (["first"] if first else []) + (["last"] if last else [])
    return (f'<span class="{" ".join(classes)}" data-kind="{mark.kind}" data-label="{_attr(mark.label)}" '
            f'data-ref="{_attr(mark.ref)}" data-start="{mark.start}" data-end="{mark.end}" title="{_attr(mark.title)}">')


def _dropped_html(d: Dropped) -> str:
    return f'<span class="dropped" data-rule="{_attr(d.rule)}" title="dropped by the cleaner ({_attr(d.rule)})">{_html.escape(d.text, quote=False)}</span>'


def html_body(text: str, doc_marks: list[Mark], dropped: "list[Dropped] | tuple[()]" = ()) -> str:
    """The text with every mark as nested spans; a mark crossed by another is split into pieces.

    The text is cut at every mark boundary; each segment wants the stack of marks covering it,
    outermost first. Between segments the common prefix of the stacks stays open, the rest is
    closed and the new marks opened: crossing marks are thereby split, never mis-nested.
    """
    ordered = sorted(doc_marks, key=_nesting)
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


def _css(types: list[str], pols: list[str]) -> str:
    rules = [
        "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:2em auto;max-width:60em;"
        "padding:0 1em;color:#222;line-height:2.6}",
        "h1{font-size:1.3em;line-height:1.3} h2{font-size:1.1em;line-height:1.3;margin-top:2em}",
        ".doc{white-space:pre-wrap;font-size:1.05em}",
        ".m{position:relative}",
        ".mention{padding:0.15em 0.3em;border-radius:0.35em;box-decoration-break:clone;-webkit-box-decoration-break:clone}",
        ".mention.last::after{content:attr(data-label);font-size:0.6em;font-weight:bold;text-transform:uppercase;"
        "margin-left:0.4em;vertical-align:middle;opacity:0.75}",
        f".trigger{{border-bottom:0.2em solid {_TRIGGER_HTML};font-weight:600}}",
        f".trigger.last::after{{content:attr(data-label);font-size:0.55em;font-weight:bold;color:{_TRIGGER_HTML};"
        "vertical-align:super;margin-left:0.15em}",
        ".evidence{padding:0.1em 0;border-radius:0.2em;box-decoration-break:clone;-webkit-box-decoration-break:clone}",
        ".evidence.first{border-left:0.2em solid #888;padding-left:0.15em}",
        ".evidence.last::after{content:'\\2192\\00a0' attr(data-label);font-size:0.6em;font-style:italic;color:#555;"
        "margin-left:0.2em}",
        ".dropped{display:block;color:#999;background:#f3f3f3;text-decoration:line-through;font-size:0.85em;"
        "line-height:1.6;padding:0 0.4em;border-left:0.2em solid #ccc}",
        ".dropped::before{content:'dropped (' attr(data-rule) ') ';text-decoration:none;display:inline-block;"
        "margin-right:0.4em;font-style:italic}",
        ".legend{line-height:2.4;border:1px solid #ddd;border-radius:0.4em;padding:0.5em 1em;margin:1em 0}",
        ".legend .m::after{content:none}",
        "table{border-collapse:collapse;font-size:0.9em;line-height:1.4} td,th{border:1px solid #ddd;padding:0.25em 0.5em;"
        "text-align:left;vertical-align:top}",
    ]
    for name in types:
        rules.append(f".mention-{name}{{background:{_colour(_ENTITY_HTML, types, name)}}}")
    for name in pols:
        rules.append(f".evidence-{name}{{background:{_colour(_POLARITY_HTML, pols, name)}}}")
    return "\n".join(rules)


def _legend(types: list[str], pols: list[str]) -> str:
    node = schemas()["entity"]["$defs"]["entity_type"]
    described = node.get("x-label-descriptions", {})
    items = [f'<span class="m mention mention-{t}" title="{_attr(described.get(t, t))}">{t}</span> '
             f'<small>{_html.escape(described.get(t, ""))}</small>' for t in types]
    items.append('<span class="m trigger">event trigger</span> <small>(event type after it)</small>')
    items += [f'<span class="m evidence evidence-{p}">stance evidence: {p}</span>' for p in pols]
    return '<div class="legend"><strong>Legend</strong> · hover a mark for its id and details<br>' + " &nbsp; ".join(items) + "</div>"


def _table(header: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{_html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_html.escape('' if c is None else str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def html(doc_id: str, text: str, records: "DocRecords | None", doc_marks: list[Mark],
         dropped: "list[Dropped] | tuple[()]" = ()) -> str:
    """One self-contained HTML page: inline CSS, no script, no external resource."""
    types, pols = entity_types(), polarities()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>GeoSignal · {_html.escape(doc_id)}</title>",
        f"<style>\n{_css(types, pols)}\n</style></head><body>",
        f"<h1>GeoSignal · {_html.escape(doc_id)}</h1>",
        _legend(types, pols),
        f'<div class="doc">{html_body(text, doc_marks, dropped)}</div>',
    ]
    if records is not None:
        parts.append("<h2>Entities</h2>" + _table(
            ["id", "type", "name", "Wikidata", "mentions"],
            [[e["entity_id"], e["type"], e["name"], e["kb_id"], len(e["mentions"])] for e in records.entities]))
        parts.append("<h2>Events</h2>" + _table(
            ["id", "type", "trigger", "realis", "arguments and links"],
            [[e["event_id"], e["type"], e["trigger"]["text"],
              e["realis"] + (f" ({e['modality']})" if e["modality"] else ""), _arguments(e)] for e in records.events]))
        parts.append("<h2>Stances</h2>" + _table(
            ["id", "holder", "polarity", "target", "evidence"],
            [[s["stance_id"], s["holder"], s["polarity"], s["target"], s["evidence"]["text"]] for s in records.stances]))
    parts.append("</body></html>\n")
    return "\n".join(parts)


# --- loading (the I/O edge) -----------------------------------------------------------------

@dataclass
class Shown:
    """What `geosignal show` has to show for one document."""

    doc_id: str
    text: str | None
    records: "DocRecords | None"
    findings: list[Finding] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)


def load(folder: "DocFolder") -> Shown:
    """Validate the folder; without records (errors), fall back to the clean text alone. Either way
    the lines the cleaner dropped come along, so that they can be seen (and kept if wrong)."""
    from builders.source import corpus as corpus_io
    from builders.source.corrections import clean_document
    from builders.check.validate import check_document
    from builders.annotation.yamlio import YamlProblem, parse_yaml

    checked = check_document(folder)
    doc, _ = corpus_io.read(folder)
    if doc is None:
        return Shown(folder.doc_id, None, None, checked.findings)
    try:
        data = parse_yaml(doc.annotation_text).data
        meta = data.get("document") if isinstance(data, dict) else None
    except YamlProblem:
        meta = None
    meta = dict(meta) if isinstance(meta, dict) else {}
    from builders.source.clean import SOURCE_FORMATS

    if meta.get("source_format") not in SOURCE_FORMATS:
        meta["source_format"] = "text"
    cleaned, _ = clean_document(doc.raw_text, meta)
    dropped = dropped_lines(doc.raw_text, cleaned)
    if checked.records is not None:
        return Shown(folder.doc_id, checked.records.documents[0]["text"], checked.records, checked.findings, dropped)
    return Shown(folder.doc_id, cleaned.text, None, checked.findings, dropped)
