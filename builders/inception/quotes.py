"""Offsets -> the span reference a person would write: a quote, made unique as briefly as possible.

In order of preference: the bare quote when it occurs once; the quote with the shortest
``context`` (whole words around it, on one line) that occurs once; the quote with its
``occurrence``; explicit ``start``/``end`` only when no quote resolves to the span (a span that
starts or ends inside a word). Every candidate is checked by resolving it as ``validate`` will.
"""

from __future__ import annotations

from typing import Any

from builders.annotation.resolve import SpanError, occurrences, resolve

MAX_CONTEXT = 80  # characters: a longer context is harder to read than an occurrence number


def _resolves(text: str, ref: str | dict[str, Any], start: int, end: int) -> bool:
    try:
        span = resolve(text, ref)
    except SpanError:
        return False
    return (span.start, span.end) == (start, end)


def _word_steps(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Windows around [start, end) growing one word at a time, alternately right and left, within a line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    a, b, out, turn = start, end, [], 0
    while (a > line_start or b < line_end) and b - a <= MAX_CONTEXT:
        if (turn % 2 == 0 and b < line_end) or a <= line_start:
            b = _next_word_end(text, b, line_end)
        else:
            a = _prev_word_start(text, a, line_start)
        turn += 1
        out.append((a, b))
    return out


def _next_word_end(text: str, i: int, limit: int) -> int:
    while i < limit and text[i].isspace():
        i += 1
    while i < limit and not text[i].isspace():
        i += 1
    return i


def _prev_word_start(text: str, i: int, limit: int) -> int:
    while i > limit and text[i - 1].isspace():
        i -= 1
    while i > limit and not text[i - 1].isspace():
        i -= 1
    return i


def quote_ref(text: str, start: int, end: int) -> str | dict[str, Any]:
    """The shortest reference that resolves to exactly ``text[start:end]``."""
    quote = text[start:end]
    if _resolves(text, quote, start, end):
        return quote
    if start in occurrences(text, quote):
        for a, b in _word_steps(text, start, end):
            context = text[a:b]
            if b - a <= MAX_CONTEXT and _resolves(text, {"text": quote, "context": context}, start, end):
                return {"text": quote, "context": context}
        n = occurrences(text, quote).index(start) + 1
        return {"text": quote, "occurrence": n}
    return {"text": quote, "start": start, "end": end}
