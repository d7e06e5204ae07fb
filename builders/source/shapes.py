"""Cleaning of the paragraph shapes: ``markdown`` (front matter + wrapped body) and ``csv-field``.

Both are read as blocks separated by blank lines; each block becomes one line of the clean text.
Markdown markup is removed on top (``markdown`` only). Every raw character is either copied into a
segment, removed by a named rule, or a line break: the offset map stays exact.

The rules, in order (rule names as in ``Cleaned.removals``):

1. ``front-matter`` (markdown): the YAML block ``---`` ... ``---`` (or ``...``) at the start;
2. paragraphs: blocks of lines separated by blank (white-space-only) lines; in markdown a heading,
   a list item and an end-mark line also start a block of their own;
3. ``end-mark`` (markdown): a block that is only ``###``, ``\\###``, ``# # #`` or ``-30-``;
4. ``markdown-escape``: the backslash of ``\\*``, ``\\#``, ``\\[`` ... (the character stays);
5. ``markdown``: heading markers, emphasis markers around words, link brackets and URLs;
   ``image-markup``: ``![alt](src)``; ``bullet``: a list marker at the start of a block;
6. ``html-tag``: inline tags and comments (their content stays; ``<br>`` becomes a space);
7. ``entity``: HTML entities decoded (``&amp;`` -> ``&``), in both shapes;
8. ``whitespace``: line breaks inside a block, odd and repeated spaces become one space, zero-width
   characters dropped, each block trimmed;
9. ``nfc``: as in the plain-text cleaner.

``annotator-drop``: a line listed under ``document.cleaning.drop`` is dropped and ends its block
(as a blank line would); a block holding a line under ``cleaning.keep`` is never an end mark.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata

from builders.source.segments import BULLET, ENTITY, INVISIBLE, LINE_BREAK, NO_CORRECTIONS, Cleaned, Corrections, Removal, Writer

_FENCE = re.compile(r"^\ufeff?---[ \t]*$")
_FENCE_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$")
_END_MARK = re.compile(r"^[\s\\]*(?:#[\s\\#]*|-\s*30\s*-)$")
_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})(?:[ \t]+|$)")
_HEADING_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>")
_EMPHASIS = re.compile(r"(?<![\w\\*])(\*{1,3})(?=\S)(.+?)(?<=\S)\1(?![\w*])|(?<![\w\\])(_{1,3})(?=\S)(.+?)(?<=\S)\3(?!\w)", re.S)
_ENTITY = re.compile(ENTITY)

COPY = None  # an atom copied from the raw text has no rule


class _Atom:
    """One raw character (or a CRLF pair) of a block, and what the clean text holds for it."""

    __slots__ = ("out", "start", "end", "rule", "literal")

    def __init__(self, out: str, start: int, end: int, rule: str | None) -> None:
        self.out, self.start, self.end, self.rule, self.literal = out, start, end, rule, False


def clean_shaped(raw: str, source_format: str, corrections: Corrections = NO_CORRECTIONS) -> Cleaned:
    """Clean a ``markdown`` or ``csv-field`` source. Pure."""
    markdown = source_format == "markdown"
    w = Writer()
    lines = _lines(raw)
    if markdown:
        lines = _skip_front_matter(w, raw, lines)
    first = True
    for block in _blocks(w, lines, markdown, corrections.drop):
        text = " ".join(line[1] for line in block)  # what the atoms hold: a line break is one space
        if markdown and not any(line[0] in corrections.keep for line in block) and _END_MARK.match(text):
            w.remove("end-mark", block[0][0], block[-1][0] + len(block[-1][1]))
            continue
        if _plain(text, markdown):
            if _emit_plain(w, block, text, first):
                first = False
            continue
        atoms = _atoms(raw, block)
        if markdown:
            _markdown(atoms)
        _entities(atoms)
        if _emit(w, atoms, first):
            first = False
    return Cleaned("".join(w.parts), tuple(w.segments), _merged(w.removals))


# a character some rule may act on: markup (markdown), an entity, an invisible character
_SPECIAL = re.compile("[&" + "".join(sorted(INVISIBLE)) + "]")
_SPECIAL_MARKDOWN = re.compile(r"[\\\[<*_&" + "".join(sorted(INVISIBLE)) + "]")
_RUNS = re.compile(r"\S+(?: \S+)*|\s+")  # words joined by single spaces, or white space
_PIECES = re.compile(r"\S+| ")


def _plain(text: str, markdown: bool) -> bool:
    """Whether no rule but white space can act on a block: no character any other rule looks for
    (markdown's rules all need one of ``\\ [ < * _`` but the heading and the bullet, checked
    here), no entity, no invisible character. Such a block is most blocks, and is emitted from
    its text (``_emit_plain``) without an atom per character."""
    if markdown:
        return _SPECIAL_MARKDOWN.search(text) is None and not _HEADING.match(text) and not BULLET.match(text)
    return _SPECIAL.search(text) is None


def _emit_plain(w: Writer, block: list, text: str, first: bool) -> bool:
    """``_emit`` of a plain block (``_plain``), with the same text, segments and removals: every
    character is copied from the raw text but the line breaks (one space each, rule
    ``whitespace``); runs of white space become one space, the ends are trimmed. Words joined
    by single spaces are copied as one run (``Writer`` would merge their segments anyway)."""
    offsets, at = [], 0  # text offset of each line
    for _, line, _ in block:
        offsets.append(at)
        at += len(line) + 1
    lead, trail = len(text) - len(text.lstrip()), len(text.rstrip())
    if lead == len(text):
        for t in range(len(text)):
            _remove_space(w, block, offsets, t)
        return False
    if not first:
        w.write("\n")
    k = 0  # the line of the current run
    for m in _RUNS.finditer(text):
        i, j = m.span()
        while k + 1 < len(offsets) and offsets[k + 1] <= i:
            k += 1
        if not text[i].isspace():  # words and single spaces: copied, but the line breaks among them
            while True:
                start, line, end = block[k]
                stop = offsets[k] + len(line)  # where this line's break stands in the text
                if j <= stop:
                    _copy_words(w, start + i - offsets[k], text[i:j])
                    break
                _copy_words(w, start + i - offsets[k], text[i:stop])
                w.remove("whitespace", start + len(line), end)
                w.write(" ")
                i, k = stop + 1, k + 1
            continue
        inner = lead < i and j < trail
        if inner and j == i + 1 and text[i] == " " and i - offsets[k] < len(block[k][1]):
            w.copy(block[k][0] + i - offsets[k], " ")
            continue
        for t in range(i, j):
            _remove_space(w, block, offsets, t)
        if inner:
            w.write(" ")
    return True


def _copy_words(w: Writer, raw_start: int, s: str) -> None:
    """Copy words joined by single spaces as ``_emit`` copies them (word by word, space by
    space): in one piece when it is NFC (then each word is, a space composing with nothing),
    else piece by piece, each normalised as ``Writer.copy`` does."""
    if unicodedata.is_normalized("NFC", s):
        w.copy(raw_start, s)
        return
    for piece in _PIECES.findall(s):
        w.copy(raw_start, piece)
        raw_start += len(piece)


def _remove_space(w: Writer, block: list, offsets: list[int], t: int) -> None:
    """Remove the white-space character at text offset ``t``: a raw character, or a line break."""
    k = bisect.bisect_right(offsets, t) - 1
    start, line, end = block[k]
    if t - offsets[k] < len(line):
        w.remove("whitespace", start + t - offsets[k], start + t - offsets[k] + 1)
    else:
        w.remove("whitespace", start + len(line), end)


def _merged(removals: list[Removal]) -> tuple[Removal, ...]:
    """Removals of one rule that touch become one (the atoms record them character by character)."""
    out: list[Removal] = []
    for r in sorted(removals, key=lambda r: (r.raw_start, r.rule)):
        if out and out[-1].rule == r.rule and out[-1].raw_end == r.raw_start:
            out[-1] = Removal(r.rule, out[-1].raw_start, r.raw_end)
        else:
            out.append(r)
    return tuple(out)


def _lines(raw: str) -> list[tuple[int, str, int]]:
    """(start, text, end including the line break) of every line."""
    out, pos = [], 0
    for m in LINE_BREAK.finditer(raw):
        out.append((pos, raw[pos : m.start()], m.end()))
        pos = m.end()
    if pos < len(raw):
        out.append((pos, raw[pos:], len(raw)))
    return out


def _skip_front_matter(w: Writer, raw: str, lines: list) -> list:
    if not lines or not _FENCE.match(lines[0][1]):
        return lines
    for i in range(1, len(lines)):
        if _FENCE_END.match(lines[i][1]):
            w.remove("front-matter", 0, lines[i][0] + len(lines[i][1]))
            return lines[i + 1 :]
    return lines  # no closing fence: not front matter


def _blank(line: str) -> bool:
    return all(ch.isspace() or ch in INVISIBLE for ch in line)


def _own_block(line: str) -> bool:
    return bool(_HEADING.match(line) or BULLET.match(line) or _END_MARK.match(line))


def _blocks(w: Writer, lines: list, markdown: bool, drop: frozenset[int] = frozenset()) -> list[list]:
    """Blocks of non-blank lines; blank lines are removed (their white space, if any), and so are
    the lines an annotator dropped (``drop``: their starts)."""
    blocks: list[list] = []
    current: list = []
    for line in lines:
        start, text, _ = line
        if start in drop or _blank(text):
            w.remove("annotator-drop" if start in drop else "whitespace", start, start + len(text))
            if current:
                blocks.append(current)
            current = []
            continue
        if markdown and current and (_own_block(text) or _HEADING.match(current[-1][1]) or _END_MARK.match(current[-1][1])):
            blocks.append(current)
            current = []
        current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _atoms(raw: str, block: list) -> list[_Atom]:
    atoms: list[_Atom] = []
    for i, (start, text, end) in enumerate(block):
        atoms.extend(_Atom(ch, start + k, start + k + 1, COPY) for k, ch in enumerate(text))
        if i < len(block) - 1:  # a line break inside the block: one space
            atoms.append(_Atom(" ", start + len(text), end, "whitespace"))
    return atoms


def _free(atoms: list[_Atom], start: int, end: int) -> bool:
    return all(a.rule is COPY and not a.literal for a in atoms[start:end])


def _drop(atoms: list[_Atom], start: int, end: int, rule: str) -> None:
    for a in atoms[start:end]:
        a.out, a.rule = "", rule


def _markdown(atoms: list[_Atom]) -> None:
    text = "".join(a.out for a in atoms)  # one atom per character here
    if m := _HEADING.match(text):
        _drop(atoms, 0, m.end(), "markdown")
        if c := _HEADING_CLOSE.search(text, m.end()):
            _drop(atoms, c.start(), c.end(), "markdown")
    elif m := BULLET.match(text):
        _drop(atoms, 0, m.end(), "bullet")
    for m in _ESCAPE.finditer(text):
        if _free(atoms, m.start(), m.end()):
            _drop(atoms, m.start(), m.start() + 1, "markdown-escape")
            atoms[m.start() + 1].literal = True
    for m in _IMAGE.finditer(text):
        if _free(atoms, m.start(), m.end()):
            _drop(atoms, m.start(), m.end(), "image-markup")
    for m in _LINK.finditer(text):
        if _free(atoms, m.start(), m.start() + 1) and _free(atoms, m.end(1), m.end()):
            _drop(atoms, m.start(), m.start() + 1, "markdown")
            _drop(atoms, m.end(1), m.end(), "markdown")
    for m in _COMMENT.finditer(text):
        if _free(atoms, m.start(), m.end()):
            _drop(atoms, m.start(), m.end(), "html-tag")
    for m in _TAG.finditer(text):
        if _free(atoms, m.start(), m.end()):
            _drop(atoms, m.start(), m.end(), "html-tag")
            if m.group(1).lower() == "br":
                atoms[m.start()].out = " "
    for _ in range(2):  # nested emphasis: ***x*** is one match, **a *b* c** needs a second pass
        for m in _EMPHASIS.finditer(text):
            g = 1 if m.group(1) else 3
            open_end, close_start = m.end(g), m.start(g + 1) + len(m.group(g + 1))
            if _free(atoms, m.start(), open_end) and _free(atoms, close_start, m.end()):
                _drop(atoms, m.start(), open_end, "markdown")
                _drop(atoms, close_start, m.end(), "markdown")


def _entities(atoms: list[_Atom]) -> None:
    text = "".join(a.out if len(a.out) == 1 else "\0" for a in atoms)  # keep indices aligned
    for m in _ENTITY.finditer(text):
        if not _free(atoms, m.start(), m.end()):
            continue
        decoded = html.unescape(m.group())
        if decoded == m.group():
            continue
        _drop(atoms, m.start(), m.end(), "entity")
        atoms[m.start()].out = decoded


def _emit(w: Writer, atoms: list[_Atom], first: bool) -> bool:
    """Write one block as one line: white space runs -> one space, trimmed. False if nothing left."""
    kept: list[_Atom] = []
    for a in atoms:
        if a.out and a.out in INVISIBLE and a.rule is COPY:
            a.out, a.rule = "", "whitespace"
        if a.out:
            kept.append(a)
        else:
            w.remove(a.rule, a.start, a.end)
    words = [i for i, a in enumerate(kept) if not a.out.isspace()]
    if not words:
        for a in kept:
            w.remove("whitespace" if a.rule is COPY else a.rule, a.start, a.end)
        return False
    if not first:
        w.write("\n")
    i, n = 0, len(kept)
    while i < n:
        a = kept[i]
        if not a.out.isspace():
            if a.rule is COPY:
                j = i
                while j + 1 < n and kept[j + 1].rule is COPY and not kept[j + 1].out.isspace() and kept[j + 1].start == kept[j].end:
                    j += 1
                w.copy(a.start, "".join(k.out for k in kept[i : j + 1]))
                i = j + 1
            else:
                w.remove(a.rule, a.start, a.end)
                w.write(unicodedata.normalize("NFC", a.out))
                i += 1
            continue
        j = i
        while j + 1 < n and kept[j + 1].out.isspace():
            j += 1
        inner = words[0] < i and j < words[-1]
        if inner and i == j and a.rule is COPY and a.out == " ":
            w.copy(a.start, " ")
        else:
            for k in kept[i : j + 1]:
                w.remove("whitespace", k.start, k.end)
            if inner:
                w.write(" ")
        i = j + 1
    return True
