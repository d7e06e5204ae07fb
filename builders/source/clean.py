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
dropped by the rules of source/boilerplate.py (navigation, bylines, share rows, footers ... and
the jusText-style ``boilerplate`` classifier), and ``entity``: HTML entities are decoded
(``&amp;`` -> ``&``, ``&nbsp;`` -> a space). In every shape, ``annotator-drop``: a line listed
under ``document.cleaning.drop`` is dropped, and a line under ``cleaning.keep`` escapes every
line-dropping rule (source/corrections.py finds the lines).

Offsets are code points. ``Cleaned.segments`` lists runs copied verbatim from the raw text;
clean characters outside every segment were written by a rule (a space, an LF, an NFC form).
"""

from __future__ import annotations

import html
import re
import unicodedata

from builders.source.boilerplate import classify
from builders.source.segments import BULLET, ENTITY, INVISIBLE, NO_CORRECTIONS, Cleaned, Corrections, Writer, lines
from builders.source.shapes import clean_shaped

RULES = ("image-markup", "caption-row", "publisher-prefix", "bullet", "whitespace", "nfc", "entity", "annotator-drop")

_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_IMAGE_LINE = re.compile(r"^[\s|]*(?:!\[[^\]\n]*\]\([^)\n]*\)[\s|]*)+$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CREDIT_LINE = re.compile(r"^\s*\(?(?:foto|photo|image|gambar|caption|credit|source)\s*:.*$", re.I)
_DOMAIN = r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_PREFIX_TAIL = r"[ \t\u00a0]*(?:[,:|\u2013\u2014-][ \t\u00a0]*)+"
_SPACE = "[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
_INVISIBLE = "[\u00ad\u200b\u200c\u200d\u2060\ufeff]"
_SLOW = re.compile(rf"!\[|{_INVISIBLE}|{ENTITY}")  # lines that need the run-by-run path
_ODD_SPACE = re.compile(r"\s{2,}|[^\S ]")  # white space that is not one plain space
_RUNS = re.compile(rf"(?P<space>{_SPACE}+)|(?P<invisible>{_INVISIBLE}+)|(?P<entity>{ENTITY})|"
                   rf"(?P<text>(?:(?!{ENTITY})[^\s\u00ad\u200b-\u200d\u2060\ufeff])+)|(?P<other>\s+)")


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


def clean(raw: str, publisher: str | None = None, source_format: str = "text",
          corrections: Corrections = NO_CORRECTIONS, language: str | None = "en") -> Cleaned:
    """Clean one raw article in its shape (``document.source_format``). Pure: the same raw text,
    publisher, shape, corrections and language give the same result. ``markdown`` and ``csv-field``
    are read as paragraphs (builders/shapes.py); ``text`` line by line, as below."""
    if source_format in ("markdown", "csv-field"):
        return clean_shaped(raw, source_format, corrections)
    w = Writer()
    prefix = _prefix_pattern(publisher)
    first = True
    raw_lines = lines(raw)
    fixed = {i: rule for i, (_, line) in enumerate(raw_lines) if (rule := _drop_rule(line))}
    decisions = classify([line for _, line in raw_lines], language, fixed)
    for (line_start, line), rule in zip(raw_lines, decisions):
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
        if m := BULLET.match(line, cut):
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


def _write_plain_line(w: Writer, line_start: int, line: str, cut: int, first: bool) -> bool:
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
                elif all(ch in INVISIBLE for ch in out):
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


def _write_line(w: Writer, line_start: int, line: str, pieces: list[tuple[str, int, int, str]]) -> None:
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
