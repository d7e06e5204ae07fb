"""The clean text and its map back to the raw text, which every shape's cleaner writes the same way.

``Writer`` accumulates clean text, copying runs of the raw text (``Segment``: exact offsets) and
writing what a rule put in their place, and records what each rule removed (``Removal``); the
result is a ``Cleaned``, whose ``to_raw`` maps any clean span back to raw offsets. ``Corrections``
are an annotator's line decisions (``document.cleaning``). The line and character classes that
every shape shares live here too: the text cleaner (clean.py) and the paragraph shapes
(shapes.py) both build on this module, and neither on the other.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

LINE_BREAK = re.compile(r"\r\n|\r|\n")
BULLET = re.compile(r"^[ \t\u00a0]*[\u00b7\u2022\u2023\u25aa\u25cf\u25e6\u2043\u2219*\-][ \t\u00a0]+")
ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"  # an HTML entity, named or numeric
INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")  # soft hyphen, zero-width characters, BOM


@dataclass(frozen=True)
class Segment:
    """text[clean_start:clean_start+length] == raw[raw_start:raw_start+length]."""

    clean_start: int
    raw_start: int
    length: int


@dataclass(frozen=True)
class Removal:
    """Raw text a rule removed or replaced."""

    rule: str
    raw_start: int
    raw_end: int


@dataclass(frozen=True)
class Cleaned:
    text: str
    segments: tuple[Segment, ...]
    removals: tuple[Removal, ...]

    def to_raw(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean span [start, end) to raw code-point offsets.

        Exact inside copied segments. Text the cleaner wrote (a space, an NFC form) sits in a gap
        between segments and maps to the raw gap between the same segments: a boundary inside it
        widens to the whole raw text that was replaced.
        """
        segs = self.segments
        starts = [s.clean_start for s in segs]
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and start < segs[i].clean_start + segs[i].length:
            raw_start = segs[i].raw_start + start - segs[i].clean_start
        else:  # in a gap: the raw gap starts where the previous segment ends
            raw_start = segs[i].raw_start + segs[i].length if i >= 0 else 0
        j = bisect.bisect_left(starts, end) - 1
        if j >= 0 and end <= segs[j].clean_start + segs[j].length:
            raw_end = segs[j].raw_start + end - segs[j].clean_start
        elif j + 1 < len(segs):  # in a gap: the raw gap ends where the next segment starts
            raw_end = segs[j + 1].raw_start
        else:
            raw_end = segs[-1].raw_start + segs[-1].length if segs else 0
        return raw_start, max(raw_start, raw_end)


class Writer:
    """Accumulates clean text and the segments it copied from the raw text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.segments: list[Segment] = []
        self.removals: list[Removal] = []

    def copy(self, raw_start: int, s: str) -> None:
        if not s:
            return
        if unicodedata.is_normalized("NFC", s):
            self._copy(raw_start, s)
            return
        chunks = _starter_chunks(s)
        if "".join(unicodedata.normalize("NFC", c) for c in chunks) != unicodedata.normalize("NFC", s):
            self.removals.append(Removal("nfc", raw_start, raw_start + len(s)))
            self.write(unicodedata.normalize("NFC", s))
            return
        offset = raw_start
        for chunk in chunks:
            if unicodedata.is_normalized("NFC", chunk):
                self._copy(offset, chunk)
            else:
                self.removals.append(Removal("nfc", offset, offset + len(chunk)))
                self.write(unicodedata.normalize("NFC", chunk))
            offset += len(chunk)

    def _copy(self, raw_start: int, s: str) -> None:
        last = self.segments[-1] if self.segments else None
        if last and last.clean_start + last.length == self.pos and last.raw_start + last.length == raw_start:
            self.segments[-1] = Segment(last.clean_start, last.raw_start, last.length + len(s))
        else:
            self.segments.append(Segment(self.pos, raw_start, len(s)))
        self.parts.append(s)
        self.pos += len(s)

    def write(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def remove(self, rule: str, raw_start: int, raw_end: int) -> None:
        if raw_end > raw_start:
            self.removals.append(Removal(rule, raw_start, raw_end))


def _starter_chunks(s: str) -> list[str]:
    chunks: list[str] = []
    for ch in s:
        if chunks and unicodedata.combining(ch):
            chunks[-1] += ch
        else:
            chunks.append(ch)
    return chunks


@dataclass(frozen=True)
class Corrections:
    """An annotator's corrections of the line decisions (``document.cleaning``), as raw line starts."""

    keep: frozenset[int] = frozenset()
    drop: frozenset[int] = frozenset()


NO_CORRECTIONS = Corrections()


def lines(raw: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for m in LINE_BREAK.finditer(raw):
        out.append((pos, raw[pos : m.start()]))
        pos = m.end()
    if pos < len(raw):
        out.append((pos, raw[pos:]))
    return out
