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

import re
from bisect import bisect_left
from typing import Any, NamedTuple


class Span(NamedTuple):
    """A resolved span: offsets into the clean text and the text they cover (a tuple: cheap to make)."""

    start: int
    end: int
    text: str


class SpanError(Exception):
    def __init__(self, code: str, message: str, hint: str):
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


MAX_SHOWN = 80  # characters of a quote or context repeated in a message
NEAR_MISS_BUDGET = 20  # quotes per document that get a "did you mean" search; later ones get the plain hint
VOCABULARY_SCAN = 20000  # distinct words compared with a missed quote's first word, at most


def short(value: str, limit: int = MAX_SHOWN) -> str:
    """A quote as shown in a message: repr, cut to ``limit`` characters (a quote can be a page long)."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"… ({len(value):,} characters)"


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every whole-word occurrence of quote in text."""
    find = text.find
    i = find(quote)
    if i == -1:
        return []
    # the whole-word test applies only at an end of the quote that is a letter or digit
    head, tail, n, size = quote[0].isalnum(), quote[-1].isalnum(), len(quote), len(text)
    found = []
    while i != -1:
        if not (head and i and text[i - 1].isalnum()) and not (tail and i + n < size and text[i + n].isalnum()):
            found.append(i)
        i = find(quote, i + 1)
    return found


# straight and curly quote marks -> one form each; one code point for one, so offsets carry over
_QUOTE_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_FOLDED = set("\u2019\u2018\u201c\u201d'\"")


def fold_quotes(text: str) -> str:
    """``text`` with curly quotes and apostrophes made straight (the same length, the same offsets)."""
    return text.translate(_QUOTE_FOLD)


class QuoteIndex:
    """One document's clean text, indexed once for all its quotes.

    Each distinct quote (or context) is searched once, however many spans use it, so a
    document with thousands of ``occurrence: k`` mentions costs one scan per distinct quote,
    not one per mention. The words used for "did you mean" are collected once, and that search
    is bounded (``NEAR_MISS_BUDGET`` per document, ``VOCABULARY_SCAN`` words each), so a wrong
    source with hundreds of missing quotes fails fast.
    """

    def __init__(self, text: str):
        self.text = text
        self._found: dict[str, list[int]] = {}
        self._counts: dict[str, list[int]] = {}
        self._lower: str | None = None
        self._words: dict[str, list[int]] | None = None  # distinct word -> its indexes in _word_list
        self._word_list: list[str] = []
        self.near_misses_left = NEAR_MISS_BUDGET
        self._folded: QuoteIndex | None = None

    def folded(self) -> "QuoteIndex":
        """The index of the text with quote marks folded (``fold_quotes``): same length, same offsets."""
        if self._folded is None:
            self._folded = QuoteIndex(fold_quotes(self.text))
        return self._folded

    def occurrences(self, quote: str) -> list[int]:
        found = self._found.get(quote)
        if found is None:
            found = self._found[quote] = occurrences(self.text, quote)
        return found

    def substring_starts(self, value: str) -> list[int]:
        """Every start of ``value`` (not only whole words), overlapping ones included."""
        if value not in self._counts:
            starts, i = [], self.text.find(value)
            while i != -1:
                starts.append(i)
                i = self.text.find(value, i + 1)
            self._counts[value] = starts
        return self._counts[value]

    def near_miss(self, quote: str) -> str:
        """A hint for a quote that does not occur: the same text in other case, or a close match."""
        plain = "copy the quote from the clean text (the source without scrape artifacts); check spelling and spacing"
        if self.near_misses_left <= 0:
            return plain
        self.near_misses_left -= 1
        if self._lower is None:
            self._lower = self.text.lower()
        lower = self._lower.find(quote.lower()) if len(self._lower) == len(self.text) else -1
        if lower != -1:
            return f"the text has {short(self.text[lower:lower + len(quote)])} (case differs); quote the text exactly"
        close = self._close(quote)
        if close:
            return f"did you mean {short(close)}? Quote the clean text exactly (see `geosignal show`)"
        return plain

    def _close(self, quote: str) -> str | None:
        import difflib

        if self._words is None:
            self._word_list = re.findall(r"\S+", self.text)
            self._words = {}
            for i, word in enumerate(self._word_list):
                self._words.setdefault(word, []).append(i)
        parts = quote.split()
        if not parts or len(quote) > 500:
            return None
        n = len(parts)
        vocabulary = list(self._words)[:VOCABULARY_SCAN]
        firsts = difflib.get_close_matches(parts[0], vocabulary, n=3, cutoff=0.6)
        if parts[0] in self._words:
            firsts.insert(0, parts[0])
        candidates = set()
        for first in firsts:
            for i in self._words[first][:50]:
                candidates.add(" ".join(self._word_list[i:i + n]).strip(".,;:\"'()"))
        close = difflib.get_close_matches(quote, sorted(candidates), n=1, cutoff=0.6)
        return close[0] if close else None


def resolve(text: str | QuoteIndex, ref: str | dict[str, Any]) -> Span:
    """Resolve one span reference, or raise SpanError saying what to write instead.

    ``text`` is the clean text, or its QuoteIndex (pass one index for all spans of a document).
    A span must cover a word (a letter or a digit), and every locator it gives must agree: the
    span is located by its offsets, else its context, else its occurrence, and any further
    locator is checked against that result rather than ignored. When the quote (or its context)
    is not found as written but is found with quote marks folded (``fold_quotes``), that span is
    returned with the exact text of the source.
    """
    return Span(*locate(text, ref))


def locate(text: str | QuoteIndex, ref: str | dict[str, Any]) -> tuple[int, int, str]:
    """``resolve``'s span as a plain ``(start, end, text)`` tuple: records need no object per span."""
    index = text if isinstance(text, QuoteIndex) else QuoteIndex(text)
    try:
        return _resolve(index, ref)
    except SpanError as exc:
        written = ref if isinstance(ref, str) else f"{ref.get('text', '')}{ref.get('context', '')}"
        if exc.code not in ("quote-not-found", "context-not-found", "offsets-mismatch") or not _FOLDED & set(written):
            raise
        folded_ref = fold_quotes(ref) if isinstance(ref, str) else {
            k: fold_quotes(v) if k in ("text", "context") else v for k, v in ref.items()}
        try:
            span = _resolve(index.folded(), folded_ref)
        except SpanError as folded:
            raise (exc if folded.code == exc.code else folded) from None
        return span[0], span[1], index.text[span[0]:span[1]]


def _resolve(index: QuoteIndex, ref: str | dict[str, Any]) -> tuple[int, int, str]:
    if isinstance(ref, str):
        if not ref[:1].isalnum():
            _check_word(ref)
        return _by_occurrence(index, ref, None)
    quote = ref["text"]
    if not quote[:1].isalnum():  # most quotes start with a word
        _check_word(quote)
    if "start" in ref or "end" in ref:
        span = _explicit(index, quote, ref.get("start"), ref.get("end"))
    elif "context" in ref:
        span = _in_context(index, quote, ref["context"])
    else:
        span = _by_occurrence(index, quote, ref.get("occurrence"))
    if "context" in ref and ("start" in ref or "end" in ref):
        _check_context(index, span, ref["context"])
    if "occurrence" in ref and ("context" in ref or "start" in ref or "end" in ref):
        k = ref["occurrence"]
        found = index.occurrences(quote)
        at = bisect_left(found, span[0])
        actual = at + 1 if at < len(found) and found[at] == span[0] else None
        if actual != k:
            raise SpanError(
                "locators-disagree",
                f"occurrence {k} of {short(quote)} was given, but the span's "
                f"{'offsets' if 'start' in ref else 'context'} locate occurrence {actual} (at {span[0]})",
                "give one locator (occurrence, context or start/end), or make them agree"
                + (f": occurrence: {actual}" if actual else ""),
            )
    return span


def _check_word(quote: str) -> None:
    if not any(c.isalnum() for c in quote):
        raise SpanError(
            "span-not-a-word", f"the span {short(quote)} holds no letter or digit (only white space or punctuation)",
            "a span covers words: quote the words themselves, not the space or punctuation around them",
        )


def _by_occurrence(index: QuoteIndex, quote: str, n: int | None) -> tuple[int, int, str]:
    found = index.occurrences(quote)
    if not found:
        raise SpanError("quote-not-found", f"the quote {short(quote)} does not occur in the clean text", index.near_miss(quote))
    if n is not None:
        if not 1 <= n <= len(found):
            raise SpanError(
                "occurrence-out-of-range",
                f"occurrence {n} of {short(quote)} was asked for, but it occurs {len(found)} time(s)",
                f"use an occurrence from 1 to {len(found)}",
            )
        return found[n - 1], found[n - 1] + len(quote), quote
    if len(found) > 1:
        shown = "; ".join(f"{k}: …{_around(index.text, i, min(len(quote), MAX_SHOWN))}…" for k, i in enumerate(found[:5], 1))
        raise SpanError(
            "quote-ambiguous",
            f"the quote {short(quote)} occurs {len(found)} times ({shown})",
            "add 'occurrence: N' or a 'context:' of a few surrounding words that occurs once",
        )
    return found[0], found[0] + len(quote), quote


def _check_context(index: QuoteIndex, span: tuple[int, int, str], context: str) -> None:
    """With explicit offsets, a context must occur and hold the span where the offsets put it."""
    starts = index.substring_starts(context) if context else []
    if not starts:
        raise SpanError("context-not-found", f"the context {short(context)} does not occur in the clean text",
                        "drop the context (the offsets locate the span) or copy it from the clean text")
    start, end = span[0], span[1]
    if not any(c <= start and end <= c + len(context) for c in starts):
        raise SpanError(
            "locators-disagree",
            f"the context {short(context)} does not contain the span at {start}..{end}",
            "give one locator (context or start/end), or make them agree",
        )
def _explicit(index: QuoteIndex, quote: str, start: int, end: int) -> tuple[int, int, str]:
    text = index.text
    if not (0 <= start < end <= len(text)):
        raise SpanError(
            "offsets-out-of-range",
            f"offsets {start}..{end} are outside the clean text (length {len(text)})",
            "offsets are code points into the clean text; drop start/end and let the quote locate the span",
        )
    if text[start:end] != quote:
        found = index.occurrences(quote)
        where = f"; the quote occurs at {found[:5]}" if found else ""
        raise SpanError(
            "offsets-mismatch",
            f"text[{start}:{end}] is {short(text[start:end])}, not the quote {short(quote)}{where}",
            "fix the offsets or drop start/end and let the quote locate the span",
        )
    return start, end, quote


def _in_context(index: QuoteIndex, quote: str, context: str) -> tuple[int, int, str]:
    text = index.text
    at = text.find(context) if context else -1
    if at == -1:
        raise SpanError(
            "context-not-found",
            f"the context {short(context)} does not occur in the clean text",
            index.near_miss(context),
        )
    if text.find(context, at + len(context)) != -1:  # a second occurrence that does not overlap the first
        raise SpanError(
            "context-ambiguous",
            f"the context {short(context)} occurs {text.count(context)} times",
            "lengthen the context until it occurs once, or use 'occurrence: N'",
        )
    inner = occurrences(context, quote)
    if len(inner) != 1:
        raise SpanError(
            "quote-not-in-context" if not inner else "quote-ambiguous",
            f"the quote {short(quote)} occurs {len(inner)} times as a whole word inside its context {short(context)}",
            "the context must contain the quote exactly once",
        )
    start = at + inner[0]
    return start, start + len(quote), quote


def _around(text: str, i: int, n: int, width: int = 20) -> str:
    return text[max(0, i - width) : i + n + width].replace("\n", " ")
