"""Raw scrape -> clean article text, with a map from every clean character back to the raw source.

The corpus keeps the raw source byte-for-byte; cleaning happens here, in code, so that it can be
changed and re-run, and every record stays traceable to the raw bytes. The rules, in order:

1. line endings: CRLF and CR become LF;
2. ``image-markup``: a line holding only Markdown images (``![alt](src)``) and table pipes is
   dropped; an inline image is cut out of its line;
3. ``caption-row``: a Markdown table row (``| ... |``) or a bare ``Foto:``/``Photo:`` credit line
   is dropped;
4. ``publisher-prefix``: the publisher's name glued to the first sentence
   (``SITE.COM,In a move...``) is cut, whether it is the publisher named in the metadata or a
   domain-like name;
5. ``bullet``: a list marker at the start of a line (``·``, ``•``, ``*``, ``-`` ...) is cut; the
   item stays its own paragraph;
6. ``whitespace``: leading and trailing white space is cut, inner runs (tabs, no-break spaces)
   become one space, zero-width characters and soft hyphens are dropped, blank lines are dropped;
7. ``nfc``: text is put in Unicode NFC;
8. paragraphs are joined with a single LF.

A ``text`` source is a web page's text: before the rules above, whole lines of boilerplate are
dropped by the rules of builders/boilerplate.py (navigation, bylines, share rows, footers ... and
the jusText-style ``boilerplate`` classifier), and ``entity``: HTML entities are decoded
(``&amp;`` -> ``&``, ``&nbsp;`` -> a space). In every shape, ``annotator-drop``: a line listed
under ``document.cleaning.drop`` is dropped, and a line under ``cleaning.keep`` escapes every
line-dropping rule (builders/corrections.py finds the lines).

Offsets are code points. ``Cleaned.segments`` lists runs copied verbatim from the raw text;
clean characters outside every segment were written by a rule (a space, an LF, an NFC form).
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass

RULES = ("image-markup", "caption-row", "publisher-prefix", "bullet", "whitespace", "nfc", "entity", "annotator-drop")

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_IMAGE_LINE = re.compile(r"^[\s|]*(?:!\[[^\]\n]*\]\([^)\n]*\)[\s|]*)+$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CREDIT_LINE = re.compile(r"^\s*\(?(?:foto|photo|image|gambar|caption|credit|source)\s*:.*$", re.I)
_BULLET = re.compile(r"^[ \t\u00a0]*[\u00b7\u2022\u2023\u25aa\u25cf\u25e6\u2043\u2219*\-][ \t\u00a0]+")
_DOMAIN = r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_PREFIX_TAIL = r"[ \t\u00a0]*(?:[,:|\u2013\u2014-][ \t\u00a0]*)+"
_SPACE = "[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
_INVISIBLE = "[\u00ad\u200b\u200c\u200d\u2060\ufeff]"
_ENTITY = r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
_INVISIBLE_SET = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_SLOW = re.compile(rf"!\[|{_INVISIBLE}|{_ENTITY}")  # lines that need the run-by-run path
_ODD_SPACE = re.compile(r"\s{2,}|[^\S ]")  # white space that is not one plain space
_RUNS = re.compile(rf"(?P<space>{_SPACE}+)|(?P<invisible>{_INVISIBLE}+)|(?P<entity>{_ENTITY})|"
                   rf"(?P<text>(?:(?!{_ENTITY})[^\s\u00ad\u200b-\u200d\u2060\ufeff])+)|(?P<other>\s+)")


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


class _Writer:
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


def _lines(raw: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for m in _LINE_BREAK.finditer(raw):
        out.append((pos, raw[pos : m.start()]))
        pos = m.end()
    if pos < len(raw):
        out.append((pos, raw[pos:]))
    return out


def _drop_rule(line: str) -> str | None:
    if _IMAGE_LINE.match(line):
        return "image-markup"
    if _TABLE_ROW.match(line) or _TABLE_RULE.match(line) or _CREDIT_LINE.match(line):
        return "caption-row"
    return None


def _prefix_pattern(publisher: str | None) -> re.Pattern[str]:
    names = [_DOMAIN]
    if publisher and publisher.strip():
        names.insert(0, re.escape(publisher.strip()))
    return re.compile(rf"^[ \t\u00a0]*(?:{'|'.join(names)}){_PREFIX_TAIL}(?=\S)", re.I)


SOURCE_FORMATS = ("text", "markdown", "csv-field")


@dataclass(frozen=True)
class Corrections:
    """An annotator's corrections of the line decisions (``document.cleaning``), as raw line starts."""

    keep: frozenset[int] = frozenset()
    drop: frozenset[int] = frozenset()


NO_CORRECTIONS = Corrections()


def clean(raw: str, publisher: str | None = None, source_format: str = "text",
          corrections: Corrections = NO_CORRECTIONS, language: str | None = "en") -> Cleaned:
    """Clean one raw article in its shape (``document.source_format``). Pure: the same raw text,
    publisher, shape, corrections and language give the same result. ``markdown`` and ``csv-field``
    are read as paragraphs (builders/shapes.py); ``text`` line by line, as below."""
    if source_format in ("markdown", "csv-field"):
        from builders.source.shapes import clean_shaped

        return clean_shaped(raw, source_format, corrections)
    from builders.source.boilerplate import classify

    w = _Writer()
    prefix = _prefix_pattern(publisher)
    first = True
    lines = _lines(raw)
    fixed = {i: rule for i, (_, line) in enumerate(lines) if (rule := _drop_rule(line))}
    decisions = classify([line for _, line in lines], language, fixed)
    for (line_start, line), rule in zip(lines, decisions):
        if line_start in corrections.drop:
            w.remove("annotator-drop", line_start, line_start + len(line))
            continue
        if rule and line_start not in corrections.keep:
            w.remove(rule, line_start, line_start + len(line))
            continue
        cut = 0
        if first and (m := prefix.match(line)):
            w.remove("publisher-prefix", line_start, line_start + m.end())
            cut = m.end()
        if m := _BULLET.match(line, cut):
            w.remove("bullet", line_start + cut, line_start + m.end())
            cut = m.end()
        if not _SLOW.search(line, cut):
            if _write_plain_line(w, line_start, line, cut, first):
                first = False
            continue
        pieces = _inline_pieces(line, cut)
        if not any(kind in ("text", "entity") for kind, _, _, _ in pieces):
            for kind, s, e, _ in pieces:
                rule = "image-markup" if kind == "image" else "entity" if kind.startswith("entity") else "whitespace"
                w.remove(rule, line_start + s, line_start + e)
            continue
        if not first:
            w.write("\n")
        first = False
        _write_line(w, line_start, line, pieces)
    return Cleaned("".join(w.parts), tuple(w.segments), tuple(sorted(w.removals, key=lambda r: (r.raw_start, r.rule))))


def _write_plain_line(w: _Writer, line_start: int, line: str, cut: int, first: bool) -> bool:
    """The common case (no images, no invisible characters): copy whole runs between odd spaces."""
    body = line[cut:]
    start = cut + len(body) - len(body.lstrip())
    end = len(line.rstrip())
    if start >= end:
        w.remove("whitespace", line_start + cut, line_start + len(line))
        return False
    w.remove("whitespace", line_start + cut, line_start + start)
    if not first:
        w.write("\n")
    pos = start
    for m in _ODD_SPACE.finditer(line, start, end):
        w.copy(line_start + pos, line[pos : m.start()])
        w.remove("whitespace", line_start + m.start(), line_start + m.end())
        w.write(" ")
        pos = m.end()
    w.copy(line_start + pos, line[pos:end])
    w.remove("whitespace", line_start + end, line_start + len(line))
    return True


def _inline_pieces(line: str, cut: int) -> list[tuple[str, int, int, str]]:
    """Split a line into (kind, start, end, output) runs: text, space, invisible, image, and entities
    (``entity`` decoded to text, ``entity-space``, ``entity-invisible``)."""
    pieces: list[tuple[str, int, int, str]] = []
    pos = cut
    for img in list(_IMAGE.finditer(line, cut)) + [None]:
        stop = img.start() if img else len(line)
        for m in _RUNS.finditer(line, pos, stop):
            kind, raw = m.lastgroup, m.group()
            if kind == "entity":
                out = html.unescape(raw)
                if out == raw:
                    kind = "text"
                elif out.isspace():
                    kind = "entity-space"
                elif all(ch in _INVISIBLE_SET for ch in out):
                    kind = "entity-invisible"
                else:
                    kind = "entity"
                pieces.append((kind, m.start(), m.end(), out))
                continue
            pieces.append(("space" if kind == "other" else kind, m.start(), m.end(), raw))
        if img:
            pieces.append(("image", img.start(), img.end(), ""))
            pos = img.end()
    return pieces


def _write_line(w: _Writer, line_start: int, line: str, pieces: list[tuple[str, int, int, str]]) -> None:
    texts = [i for i, p in enumerate(pieces) if p[0] in ("text", "entity")]
    first_text, last_text = texts[0], texts[-1]
    pending: list[tuple[str, int, int]] = []  # a run of space pieces between words
    for i, (kind, s, e, out) in enumerate(pieces):
        if kind in ("text", "entity"):
            if pending and i > first_text:
                if len(pending) == 1 and pending[0][0] == "space" and line[pending[0][1]:pending[0][2]] == " ":
                    w.copy(line_start + pending[0][1], " ")
                else:
                    for k, ps, pe in pending:
                        w.remove("entity" if k == "entity-space" else "whitespace", line_start + ps, line_start + pe)
                    w.write(" ")
            pending = []
            if kind == "text":
                w.copy(line_start + s, line[s:e])
            else:
                w.remove("entity", line_start + s, line_start + e)
                w.write(unicodedata.normalize("NFC", out))
        elif kind == "image":
            w.remove("image-markup", line_start + s, line_start + e)
        elif kind in ("invisible", "entity-invisible"):
            w.remove("entity" if kind == "entity-invisible" else "whitespace", line_start + s, line_start + e)
        elif i < first_text or i > last_text:
            w.remove("entity" if kind == "entity-space" else "whitespace", line_start + s, line_start + e)
        else:
            pending.append((kind, s, e))
