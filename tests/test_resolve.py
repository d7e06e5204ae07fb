from __future__ import annotations

import pytest

from builders.annotation.resolve import Span, SpanError, occurrences, resolve

TEXT = "Japan and the Japanese navy met near Japan. The Sea of Japan was calm; Japan said so."


def test_whole_words_only():
    assert occurrences(TEXT, "Japan") == [0, 37, 55, 71]
    assert occurrences("U.S.-Japan", "U.S.") == [0]


def test_unique_quote_resolves():
    assert resolve(TEXT, "Japanese navy") == Span(14, 27, "Japanese navy")


def test_occurrence_and_context():
    assert resolve(TEXT, {"text": "Japan", "occurrence": 2}).start == 37
    assert resolve(TEXT, {"text": "Japan", "context": "Sea of Japan"}).start == 55


def test_explicit_offsets_are_checked():
    assert resolve(TEXT, {"text": "Japan", "start": 0, "end": 5}) == Span(0, 5, "Japan")
    with pytest.raises(SpanError) as info:
        resolve(TEXT, {"text": "Japan", "start": 1, "end": 6})
    assert info.value.code == "offsets-mismatch"
    with pytest.raises(SpanError) as info:
        resolve(TEXT, {"text": "Japan", "start": 80, "end": 900})
    assert info.value.code == "offsets-out-of-range"


@pytest.mark.parametrize(
    "ref, code, hint_part",
    [
        ("Japn", "quote-not-found", "did you mean"),
        ("japanese navy", "quote-not-found", "case differs"),
        ("Japan", "quote-ambiguous", "occurrence"),
        ({"text": "Japan", "occurrence": 9}, "occurrence-out-of-range", "1 to 4"),
        ({"text": "Japan", "context": "Sea of Jpan"}, "context-not-found", "did you mean 'Sea of Japan'"),
        ({"text": "navy", "context": "Sea of Japan"}, "quote-not-in-context", "exactly once"),
    ],
)
def test_errors_say_what_to_do(ref, code, hint_part):
    with pytest.raises(SpanError) as info:
        resolve(TEXT, ref)
    assert info.value.code == code
    assert hint_part in info.value.hint
