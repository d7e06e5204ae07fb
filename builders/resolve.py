"""Quoted spans -> offsets into the clean text.

Annotators write a span as the text it covers. A quote matches only whole words (``Japan``
does not match inside ``Japanese``), and must be unique unless it is disambiguated:

- ``"Seoul"``: the quote occurs exactly once;
- ``{text: Japan, occurrence: 2}``: the second occurrence (1-based);
- ``{text: Japan, context: "Sea of Japan this week"}``: the one inside a context that occurs once;
- ``{text: Japan, start: 120, end: 125}``: explicit offsets, checked against the quote.

A quote that differs from the text only in straight vs. curly quotes or apostrophes (``'`` ``’``
``‘``, ``"`` ``“`` ``”``) still resolves; the span then holds the text as the source has it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


class SpanError(Exception):
    def __init__(self, code: str, message: str, hint: str):
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every whole-word occurrence of quote in text."""
    found, i = [], text.find(quote)
    while i != -1:
        end = i + len(quote)
        left_ok = not (quote[0].isalnum() and i > 0 and text[i - 1].isalnum())
        right_ok = not (quote[-1].isalnum() and end < len(text) and text[end].isalnum())
        if left_ok and right_ok:
            found.append(i)
        i = text.find(quote, i + 1)
    return found


# straight and curly quote marks -> one form each; one code point for one, so offsets carry over
_QUOTE_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_FOLDED = set("\u2019\u2018\u201c\u201d'\"")


def fold_quotes(text: str) -> str:
    """``text`` with curly quotes and apostrophes made straight (the same length, the same offsets)."""
    return text.translate(_QUOTE_FOLD)


def resolve(text: str, ref: str | dict[str, Any]) -> Span:
    """Resolve one span reference, or raise SpanError saying what to write instead.

    When the quote (or its context) is not found as written but is found with quote marks folded
    (``fold_quotes``), that span is returned with the exact text of the source.
    """
    try:
        return _resolve(text, ref)
    except SpanError as exc:
        written = ref if isinstance(ref, str) else f"{ref.get('text', '')}{ref.get('context', '')}"
        if exc.code not in ("quote-not-found", "context-not-found", "offsets-mismatch") or not _FOLDED & set(written):
            raise
        folded_ref = fold_quotes(ref) if isinstance(ref, str) else {
            k: fold_quotes(v) if k in ("text", "context") else v for k, v in ref.items()}
        try:
            span = _resolve(fold_quotes(text), folded_ref)
        except SpanError as folded:
            raise (exc if folded.code == exc.code else folded) from None
        return Span(span.start, span.end, text[span.start:span.end])


def _resolve(text: str, ref: str | dict[str, Any]) -> Span:
    if isinstance(ref, str):
        ref = {"text": ref}
    quote = ref["text"]
    if "start" in ref or "end" in ref:
        return _explicit(text, quote, ref.get("start"), ref.get("end"))
    if "context" in ref:
        return _in_context(text, quote, ref["context"])
    found = occurrences(text, quote)
    if not found:
        raise SpanError("quote-not-found", f"the quote {quote!r} does not occur in the clean text", _near_miss(text, quote))
    if "occurrence" in ref:
        n = ref["occurrence"]
        if not 1 <= n <= len(found):
            raise SpanError(
                "occurrence-out-of-range",
                f"occurrence {n} of {quote!r} was asked for, but it occurs {len(found)} time(s)",
                f"use an occurrence from 1 to {len(found)}",
            )
        return Span(found[n - 1], found[n - 1] + len(quote), quote)
    if len(found) > 1:
        shown = "; ".join(f"{k}: …{_around(text, i, len(quote))}…" for k, i in enumerate(found[:5], 1))
        raise SpanError(
            "quote-ambiguous",
            f"the quote {quote!r} occurs {len(found)} times ({shown})",
            "add 'occurrence: N' or a 'context:' of a few surrounding words that occurs once",
        )
    return Span(found[0], found[0] + len(quote), quote)


def _explicit(text: str, quote: str, start: int, end: int) -> Span:
    if not (0 <= start < end <= len(text)):
        raise SpanError(
            "offsets-out-of-range",
            f"offsets {start}..{end} are outside the clean text (length {len(text)})",
            "offsets are code points into the clean text; drop start/end and let the quote locate the span",
        )
    if text[start:end] != quote:
        found = occurrences(text, quote)
        where = f"; the quote occurs at {found[:5]}" if found else ""
        raise SpanError(
            "offsets-mismatch",
            f"text[{start}:{end}] is {text[start:end]!r}, not the quote {quote!r}{where}",
            "fix the offsets or drop start/end and let the quote locate the span",
        )
    return Span(start, end, quote)


def _in_context(text: str, quote: str, context: str) -> Span:
    found = text.count(context) if context else 0
    if found == 0:
        raise SpanError(
            "context-not-found",
            f"the context {context!r} does not occur in the clean text",
            _near_miss(text, context),
        )
    if found > 1:
        raise SpanError(
            "context-ambiguous",
            f"the context {context!r} occurs {found} times",
            "lengthen the context until it occurs once, or use 'occurrence: N'",
        )
    inner = occurrences(context, quote)
    if len(inner) != 1:
        raise SpanError(
            "quote-not-in-context" if not inner else "quote-ambiguous",
            f"the quote {quote!r} occurs {len(inner)} times as a whole word inside its context {context!r}",
            "the context must contain the quote exactly once",
        )
    start = text.find(context) + inner[0]
    return Span(start, start + len(quote), quote)


def _around(text: str, i: int, n: int, width: int = 20) -> str:
    return text[max(0, i - width) : i + n + width].replace("\n", " ")


def _near_miss(text: str, quote: str) -> str:
    lower = text.lower().find(quote.lower())
    if lower != -1:
        return f"the text has {text[lower:lower + len(quote)]!r} (case differs); quote the text exactly"
    words = re.findall(r"\S+", text)
    n = max(1, len(quote.split()))
    candidates = {" ".join(words[i : i + n]).strip(".,;:\"'()") for i in range(len(words) - n + 1)}
    close = difflib.get_close_matches(quote, sorted(candidates), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}? Quote the clean text exactly (see `geosignal show`)"
    return "copy the quote from the clean text (the source without scrape artifacts); check spelling and spacing"
