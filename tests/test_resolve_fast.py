"""The fast paths of quote resolution agree with straightforward references on generated inputs.

``occurrences`` (whole-word test hoisted out of its loop) against the plain per-hit test; a
reference with keys resolve does not read (records pass an argument or time dict itself), or
a plain string, against its locators alone, failures, hints and the near-miss budget included;
``resolve``'s Span against ``locate``'s tuple.
"""

from __future__ import annotations

import random

import pytest

from builders.annotation import resolve as R

ALPHABET = ["a", "b", "ab", "ba", " ", " ", ".", "-", "_", "é", "²", "٣", "'", "’", "\u201c", "\n", "A1"]


def _reference_occurrences(text: str, quote: str) -> list[int]:
    """The whole-word test as first written: both ends checked at every hit."""
    found, i = [], text.find(quote)
    while i != -1:
        end = i + len(quote)
        left_ok = not (quote[0].isalnum() and i > 0 and text[i - 1].isalnum())
        right_ok = not (quote[-1].isalnum() and end < len(text) and text[end].isalnum())
        if left_ok and right_ok:
            found.append(i)
        i = text.find(quote, i + 1)
    return found


def _text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def test_occurrences_agree_with_the_plain_test():
    rng = random.Random(19)
    for _ in range(3000):
        text = _text(rng, rng.randrange(0, 40))
        if text and rng.random() < 0.7:
            i = rng.randrange(len(text))
            quote = text[i:i + rng.randrange(1, 6)]
        else:
            quote = _text(rng, rng.randrange(1, 3))
        assert R.occurrences(text, quote) == _reference_occurrences(text, quote), (text, quote)
    assert R.occurrences("aa", "aa") == [0] and R.occurrences("a.a.a", ".a.") == [1]
    with pytest.raises(IndexError):  # as before: an empty quote is not a quote (resolve refuses it first)
        R.occurrences("abc", "")


LOCATORS = ("text", "occurrence", "context", "start", "end")


def _outcome(index: R.QuoteIndex, ref) -> tuple:
    try:
        span = R.resolve(index, ref)
    except R.SpanError as exc:
        return ("error", exc.code, exc.message, exc.hint)
    except Exception as exc:  # noqa: BLE001 - a crash must stay the same crash
        return ("crash", type(exc).__name__)
    assert tuple(span) == R.locate(R.QuoteIndex(index.text), ref) and type(span) is R.Span
    return ("span", span)


def _ref(rng: random.Random, text: str):
    words = text.split() or ["x"]
    quote = rng.choice(words + ["Japan", "Tokio", "“Seoul”", "...", " "])
    kind = rng.randrange(6)
    if kind == 0:
        return quote
    ref = {"text": quote, "kind": "PRO", "role": "actor", "entity": "e1", "id": "t1"}  # keys resolve does not read
    if kind == 1:
        ref["occurrence"] = rng.choice([1, 2, 3, 9])
    elif kind == 2:
        i = text.find(quote)
        ref["context"] = text[max(0, i - rng.randrange(4)):i + len(quote) + rng.randrange(6)] if i != -1 else quote + " x"
    elif kind == 3:
        i = max(0, text.find(quote))
        ref["start"], ref["end"] = i + rng.choice([0, 0, 1]), i + len(quote)
    elif kind == 4:
        i = max(0, text.find(quote))
        ref.update(start=i, end=i + len(quote), context=text[max(0, i - 3):i + len(quote) + 2], occurrence=rng.choice([1, 2]))
    return ref


def test_a_reference_resolves_as_its_locators_alone():
    """Records pass an argument or time dict itself (other keys ride along); a plain string is {text: it}."""
    rng = random.Random(7)
    base = ("Japan and the Japanese navy met near Japan. The Sea of Japan was calm; Japan said so. "
            "Seoul’s envoy met Tokyo’s; “Seoul” and Seoul. ")
    outcomes = set()
    for _ in range(60):
        words = base.split()
        rng.shuffle(words)
        text = " ".join(words[: rng.randrange(3, len(words))])
        given, plain = R.QuoteIndex(text), R.QuoteIndex(text)  # one each: the near-miss budget is spent alike
        for ref in (_ref(rng, text) for _ in range(40)):
            bare = {"text": ref} if isinstance(ref, str) else {k: v for k, v in ref.items() if k in LOCATORS}
            got = _outcome(given, ref)
            assert got == _outcome(plain, bare), (text, ref)
            outcomes.add(got[0] if got[0] != "error" else got[1])
        assert given.near_misses_left == plain.near_misses_left
    assert {"span", "quote-not-found", "quote-ambiguous", "offsets-mismatch", "span-not-a-word"} <= outcomes
