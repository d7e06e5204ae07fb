"""An annotator's corrections of the cleaner (``document.cleaning``): which raw lines they name.

Each ``keep``/``drop`` entry is a text that must occur in exactly one line of the raw source, so
that a correction never silently hits a second line or none after the source or the cleaner
changes. Entries are compared with white space collapsed (a no-break space in the source matches a
space in the entry) and against the line as written or with its HTML entities decoded, so an
annotator can quote either the raw source or what `geosignal show` prints. Pure.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from builders.source.clean import clean
from builders.source import segments
from builders.source.segments import NO_CORRECTIONS, Cleaned, Corrections

_INVISIBLE = dict.fromkeys(map(ord, segments.INVISIBLE))


@dataclass(frozen=True)
class Problem:
    """An entry that names no line, several lines, or a line also named in the other list."""

    section: str  # "keep" or "drop"
    index: int
    code: str
    message: str
    hint: str


def _norm(s: str) -> str:
    return " ".join(s.translate(_INVISIBLE).split())


def match(raw: str, cleaning: Any) -> tuple[Corrections, list[Problem]]:
    """The raw line starts named by ``cleaning`` ({keep: [...], drop: [...]}) and the problems found."""
    if not isinstance(cleaning, dict):
        return NO_CORRECTIONS, []
    lines = [(start, _norm(line), _norm(html.unescape(line))) for start, line in segments.lines(raw)]
    chosen: dict[str, dict[int, int]] = {"keep": {}, "drop": {}}
    problems: list[Problem] = []
    for section in ("keep", "drop"):
        entries = cleaning.get(section)
        for i, entry in enumerate(entries if isinstance(entries, list) else ()):
            if not isinstance(entry, str):
                continue
            needle = _norm(entry)
            hits = [start for start, plain, decoded in lines if needle and (needle in plain or needle in decoded)]
            if len(hits) == 1:
                chosen[section][hits[0]] = i
            elif not hits:
                problems.append(Problem(section, i, "cleaning-no-line", f"cleaning.{section} entry {entry!r} matches no line of source.txt",
                                        "quote a text from one line of source.txt (or of `geosignal show`), or remove the entry"))
            else:
                problems.append(Problem(section, i, "cleaning-ambiguous", f"cleaning.{section} entry {entry!r} matches {len(hits)} lines of source.txt",
                                        "quote more of the line so that the text occurs in exactly one line"))
    for start in sorted(chosen["keep"].keys() & chosen["drop"].keys()):
        i = chosen["drop"].pop(start)
        chosen["keep"].pop(start)
        problems.append(Problem("drop", i, "cleaning-conflict", "a line is listed under both cleaning.keep and cleaning.drop",
                                "keep the line or drop it, not both: remove one of the two entries"))
    return Corrections(frozenset(chosen["keep"]), frozenset(chosen["drop"])), problems


def clean_document(raw: str, meta: dict[str, Any]) -> tuple[Cleaned, list[Problem]]:
    """Clean a document's raw text as its annotation's ``document`` block says (shape, publisher,
    language, corrections)."""
    corrections, problems = match(raw, meta.get("cleaning"))
    publisher = meta.get("publisher")
    language = meta.get("language")
    cleaned = clean(raw, publisher if isinstance(publisher, str) else None, meta.get("source_format") or "text",
                    corrections, language if isinstance(language, str) else "en")
    return cleaned, problems
