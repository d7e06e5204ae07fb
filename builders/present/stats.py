"""Corpus statistics for the terminal: one compact table per layer, a column per split.

``geosignal stats`` used to print some hundred lines, one two-column table under the other.
Here each layer (documents, entities, mentions, time expressions, events, event links, stances)
is one table: its totals first, then its labels, with a column for every split and the total.
Labels that no document uses are left out (the markdown and JSON formats keep every label).
The tables stand side by side as far as the terminal's width allows (rich's ``Columns``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import RenderableType

Stats = dict[str, Any]
Row = tuple[str, Callable[[Stats], int]]


def _at(*path: str) -> Callable[[Stats], int]:
    def get(stats: Stats) -> int:
        value: Any = stats
        for key in path:
            value = value.get(key, 0) if isinstance(value, dict) else 0
        return int(value or 0)
    return get


def _labels(total: Stats, *path: str) -> list[Row]:
    """One row per label found under ``path`` in the totals, in the schema's order; zeros left out."""
    counts: Any = total
    for key in path:
        counts = counts.get(key, {})
    return [(name, _at(*path, name)) for name in counts if counts[name]]


# A layer: its title, its totals, then blocks of labels, each under a heading ("" for none: the
# labels say what they are, like PER or ASSAULT). Licences, sources and years of publication are
# left to --format markdown / json: open-ended, and long.
def layers(total: Stats) -> list[tuple[str, list[Row], list[tuple[str, list[Row]]]]]:
    """(title, totals, [(heading, label rows)]) of every layer."""
    return [
        ("Documents", [("documents", _at("documents")), ("characters", _at("characters")), ("tokens", _at("tokens")),
                       ("may be redistributed", _at("documents_redistributable"))],
         [("annotation status", _labels(total, "documents_by_status"))]),
        ("Entities", [("entities", _at("entities", "total")), ("linked to Wikidata", _at("entities_linked"))],
         [("", _labels(total, "entities", "by_type"))]),
        ("Mentions", [("mentions", _at("mentions", "total"))],
         [("", _labels(total, "mentions", "by_type")), ("kind", _labels(total, "mentions", "by_kind"))]),
        ("Time expressions", [("time expressions", _at("times", "total")), ("values normalised", _at("times", "normalised"))],
         [("", _labels(total, "times", "by_type"))]),
        ("Events", [("events", _at("events", "total")), ("with a date", _at("events_dated"))],
         [("", _labels(total, "events", "by_type")), ("realis", _labels(total, "events", "by_realis")),
          ("modality (realis other)", _labels(total, "events", "by_modality"))]),
        ("Event links", [("event links", _at("event_links", "total")), ("across documents", _at("event_links", "across_documents"))],
         [("", _labels(total, "event_links", "by_type"))]),
        ("Stances", [("stances", _at("stances", "total"))], [("", _labels(total, "stances", "by_polarity"))]),
    ]


def grid(total: Stats, splits: dict[str, Stats]) -> list[tuple[str, list[str], list[list[str]]]]:
    """Every layer as (title, header, text rows): the figures formatted, label rows indented under
    their heading (a heading is a row with empty figures), no styling."""
    header = ["", *splits, "total"]
    out = []
    for title, totals, blocks in layers(total):
        def row(name: str, get: Callable[[Stats], int]) -> list[str]:
            return [name, *(f"{get(s):,}" for s in splits.values()), f"{get(total):,}"]

        rows = [row(name, get) for name, get in totals]
        for heading, labels in blocks:
            if labels and heading:
                rows.append([heading] + [""] * (len(header) - 1))
            rows += [row("  " + name, get) for name, get in labels]
        out.append((title, header, rows))
    return out


def tables(total: Stats, splits: dict[str, Stats]) -> "RenderableType":
    """The layers as rich tables, side by side where the console is wide enough."""
    from rich import box
    from rich.columns import Columns
    from rich.table import Table

    rendered = []
    for title, header, rows in grid(total, splits):
        table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False,
                      show_edge=False)
        table.add_column(header[0])
        for name in header[1:]:
            table.add_column(name, justify="right", style="bold" if name == "total" else None)
        for cells in rows:
            heading = not any(cells[1:])
            table.add_row(*cells, style="italic dim" if heading else None)
        rendered.append(table)
    return Columns(rendered, padding=(1, 4))
