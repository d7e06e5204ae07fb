"""Colours for marks, chosen to be told apart and to be readable.

Entity types take Paul Tol's "light" qualitative scheme (designed for coloured backgrounds under
black text and distinct under the common colour-vision deficiencies); polarities take Okabe and
Ito's blue / vermillion / grey. Colours are assigned in the order of the schema's enums, so no
label is listed here. ``contrast`` is the WCAG 2 contrast ratio: every small label the HTML page
draws is checked against the background it sits on (a test asks for at least 4.5:1).
"""

from __future__ import annotations

from builders.schema import labels, schemas

# Paul Tol, "light" scheme (https://personal.sron.nl/~pault/): light blue, orange, light yellow,
# pink, light cyan, mint, pear, olive; pale grey is kept for time expressions.
ENTITY = ("#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00")
TIME = "#DDDDDD"
# Okabe & Ito: support blue, oppose vermillion, neutral grey (and a spare for a fourth polarity)
POLARITY = ("#0072B2", "#D55E00", "#6E6E6E", "#CC79A7")
# evidence is shaded with a pale tint of its polarity colour, mentions inside it keep their own
POLARITY_TINT = ("#E3EEF8", "#FBE6DA", "#EEEEEE", "#F7E6EF")
# polarity colours darkened for small labels on their own tint (contrast above 4.5:1)
POLARITY_TEXT = ("#00568A", "#A34000", "#505050", "#8A3468")
TRIGGER = "#7A1F6E"  # a dark reddish purple: underline and label of event triggers
INK = "#1A1A1A"  # text and labels on every light background
PAPER = "#FFFFFF"
LINK = "#5B3A8C"  # event-link arcs and their labels
ARGUMENT = "#3A3A3A"  # argument arcs and their labels


def entity_types() -> list[str]:
    return labels(schemas()["entity"]["$defs"]["entity_type"]) or []


def polarities() -> list[str]:
    return labels(schemas()["stance"]["$defs"]["polarity"]) or []


def pick(palette: tuple[str, ...], names: list[str], name: str) -> str:
    """The colour of ``name``: by its place among ``names`` (the schema's order), the last one if unknown."""
    return palette[names.index(name) % len(palette)] if name in names else palette[-1]


def entity_colour(name: str) -> str:
    return pick(ENTITY, entity_types(), name)


def polarity_colour(name: str) -> str:
    return pick(POLARITY, polarities(), name)


def polarity_tint(name: str) -> str:
    return pick(POLARITY_TINT, polarities(), name)


def polarity_text(name: str) -> str:
    return pick(POLARITY_TEXT, polarities(), name)


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#RRGGBB`` colour."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)
