"""Marks -> rich Text for the terminal, readable with colour or without.

Every mark is written out with brackets and its label, so a piped or ``NO_COLOR`` view says as
much as a coloured one:

    [United States military|ORG] {deployed|MOBILIZE} ... [this week|DATE]
    «wary of Chinese and Russian military posturing»(South Korea: oppose → posturing)

Colour only doubles the labels: mentions on a tint of Paul Tol's colour-blind-safe light scheme,
triggers bold and underlined, evidence in italics with its label in the polarity's colour.
Brackets nest as the spans do; spans that cross keep each its own brackets. Lines the cleaner
dropped are shown dim and struck through, where they were. The console wraps at spaces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from builders.present import palette
from builders.present.marks import Dropped, Mark, nesting

if TYPE_CHECKING:
    from rich.text import Text

SHOWN = ("evidence", "trigger", "mention", "time")  # argument spans are drawn on the HTML page only
# sky blue, orange, grey: Okabe & Ito's colours that stay legible on dark and light terminals
POLARITY = ("#56B4E9", "#E69F00", "#999999", "#CC79A7")
TRIGGER_LABEL = "bold magenta"


def opening(mark: Mark) -> str:
    return {"evidence": "«", "trigger": "{"}.get(mark.kind, "[")


def closing(mark: Mark) -> str:
    if mark.kind == "evidence":
        return f"»({mark.attr('holder', '?')}: {mark.label} → {mark.attr('target', '?')})"
    return f"|{mark.label}{'}' if mark.kind == 'trigger' else ']'}"


def style(mark: Mark) -> str:
    """The style of the mark's text (and, bolder, of its brackets and label)."""
    if mark.kind == "mention":
        return f"{palette.INK} on {palette.entity_colour(mark.label)}"
    if mark.kind == "time":
        return f"{palette.INK} on {palette.TIME}"
    if mark.kind == "trigger":
        return "bold underline"
    return "italic"


def label_style(mark: Mark) -> str:
    if mark.kind == "trigger":
        return TRIGGER_LABEL
    if mark.kind == "evidence":
        return f"italic {palette.pick(POLARITY, palette.polarities(), mark.label)}"
    return f"bold {style(mark)}"


def render(text: str, doc_marks: list[Mark], dropped: "list[Dropped] | tuple[()]" = ()) -> "Text":
    """The clean text with every mark bracketed and labelled, styled for a colour terminal."""
    from rich.style import Style
    from rich.text import Text

    shown = sorted((m for m in doc_marks if m.kind in SHOWN), key=nesting)
    opens: dict[int, list[Mark]] = {}
    closes: dict[int, list[Mark]] = {}
    for m in shown:
        opens.setdefault(m.start, []).append(m)
        closes.setdefault(m.end, []).append(m)
    notes: dict[int, list[Dropped]] = {}
    for d in dropped:
        notes.setdefault(d.at, []).append(d)
    cuts = sorted({0, len(text)} | opens.keys() | closes.keys() | notes.keys())
    out, active = Text(), []

    def current() -> Style:
        return sum((Style.parse(style(m)) for m in active), Style())

    for i, at in enumerate(cuts):
        for m in sorted(closes.get(at, ()), key=lambda m: active.index(m), reverse=True):  # innermost first
            active.remove(m)
            out.append(closing(m), current() + Style.parse(label_style(m)))
        for d in notes.get(at, ()):
            if out.plain and not out.plain.endswith("\n"):
                out.append("\n")
            out.append(f"[dropped · {d.rule}] ", "dim").append(d.text, "dim strike")
            if at < len(text):
                out.append("\n")
        for m in opens.get(at, ()):  # outermost first
            active.append(m)
            out.append(opening(m), current() + Style.parse(label_style(m)))
        if i + 1 < len(cuts):
            out.append(text[at:cuts[i + 1]], current())
    return out


def legend() -> "Text":
    """One line per kind of mark: how it is written, with every label in its colour."""
    from rich.text import Text

    out = Text("mentions: ")
    for name in palette.entity_types():
        m = Mark(0, 0, "mention", name, "", "")
        out.append(f"[…|{name}]", label_style(m)).append(" ")
    out.append("\ntimes: ").append("[…|DATE]", label_style(Mark(0, 0, "time", "DATE", "", "")))
    out.append(" · event triggers: ").append("{…|", "bold underline").append("EVENT TYPE", TRIGGER_LABEL).append("}", "bold underline")
    out.append("\nstance evidence: ")
    for name in palette.polarities():
        out.append(f"«…»(holder: {name} → target)", label_style(Mark(0, 0, "evidence", name, "", ""))).append(" ")
    return out
