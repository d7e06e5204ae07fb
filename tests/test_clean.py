"""Cleaning rules, first on the seed's real scrape artifacts, then on made-up edge cases."""

from __future__ import annotations

import unicodedata

import pytest

from builders.clean import clean

from conftest import SEED_RAW


@pytest.fixture(scope="module")
def seed():
    raw = SEED_RAW.read_text(encoding="utf-8")
    return raw, clean(raw, "VISTORBELITUNG.COM")


def removed(raw, cleaned, rule):
    return [raw[r.raw_start : r.raw_end] for r in cleaned.removals if r.rule == rule]


def test_seed_image_markup_and_caption_row_are_dropped(seed):
    raw, c = seed
    assert removed(raw, c, "image-markup") == ["![]() |"]
    assert removed(raw, c, "caption-row") == ["| Foto:-52 Stratofortress bombers |"]
    assert "![" not in c.text and "Foto:" not in c.text and "|" not in c.text


def test_seed_publisher_prefix_is_split_off(seed):
    raw, c = seed
    assert removed(raw, c, "publisher-prefix") == ["VISTORBELITUNG.COM,"]
    assert c.text.startswith("In a move underscoring")
    assert "VISTORBELITUNG" not in c.text


def test_seed_bullets_are_normalised(seed):
    raw, c = seed
    assert removed(raw, c, "bullet") == ["\u00b7 "] * 3
    paragraphs = c.text.split("\n")
    for start in ("Seoul, while", "Beijing and Moscow have", "Tokyo, facing"):
        assert any(p.startswith(start) for p in paragraphs), start
    assert "\u00b7" not in c.text


def test_seed_text_is_nfc_lf_and_trimmed(seed):
    _, c = seed
    assert unicodedata.is_normalized("NFC", c.text)
    assert "\r" not in c.text and "\n\n" not in c.text
    assert all(p == p.strip() and "  " not in p for p in c.text.split("\n"))
    assert c.text.endswith("signaling strategic intent.")


def test_seed_offset_map_reproduces_raw_text(seed):
    raw, c = seed
    covered = 0
    for s in c.segments:
        assert c.text[s.clean_start : s.clean_start + s.length] == raw[s.raw_start : s.raw_start + s.length]
        covered += s.length
    # only the paragraph separators were written by the cleaner
    assert covered == len(c.text) - c.text.count("\n")


def test_to_raw_maps_spans_back(seed):
    raw, c = seed
    for quote in ("In a move", "Seoul", "Dr. Sarah Jenkins", "canvas for signaling strategic intent."):
        start = c.text.index(quote)
        a, b = c.to_raw(start, start + len(quote))
        assert raw[a:b] == quote
    # a span across a paragraph break maps to raw text that differs only in the break
    start = c.text.index("prior.")
    end = c.text.index("The flight of")+3
    a, b = c.to_raw(start, end)
    assert raw[a:b] == c.text[start:end]


def test_crlf_and_cr_become_lf():
    c = clean("One.\r\nTwo.\rThree.\n")
    assert c.text == "One.\nTwo.\nThree."


def test_whitespace_runs_and_invisible_characters():
    raw = "  A\u00a0\u00a0b\tc \u200bd\u00ad e  \n\n\n  \nNext"
    c = clean(raw)
    assert c.text == "A b c d e\nNext"
    rules = {r.rule for r in c.removals}
    assert rules == {"whitespace"}


def test_nfd_input_is_composed_and_still_mapped():
    raw = "Cafe\u0301 in Seoul"
    c = clean(raw)
    assert c.text == "Caf\u00e9 in Seoul"
    a, b = c.to_raw(c.text.index("Seoul"), len(c.text))
    assert raw[a:b] == "Seoul"
    # a span ending on the composed character widens to the whole decomposed raw text
    a, b = c.to_raw(0, 4)
    assert raw[a:b] == "Cafe\u0301"
    a, b = c.to_raw(3, 4)
    assert raw[a:b] == "e\u0301"


def test_inline_image_and_generic_domain_prefix():
    raw = "EXAMPLE-NEWS.CO.UK \u2014 Ships sailed ![map](x.png) east.\n| Photo: AP |\n* Item one"
    c = clean(raw)
    assert c.text == "Ships sailed east.\nItem one"


def test_prefix_only_on_the_first_line_and_not_on_ordinary_sentences():
    raw = "U.S. forces, said officials, moved.\nSITE.COM, not a prefix here"
    c = clean(raw, "SITE.COM")
    assert c.text == raw


def test_cleaning_is_deterministic(seed):
    raw, c = seed
    assert clean(raw, "VISTORBELITUNG.COM") == c


def test_plain_line_fast_path_equals_the_general_path():
    """The cleaner's fast path for ordinary lines gives the same text and map as the general one."""
    import re

    from hypothesis import given, settings, strategies as st

    import builders.clean as module

    pieces = st.sampled_from(["a", "Bb", " ", "  ", "\t", "\u00a0", "\u2003", "x.", "\u00e9", "e\u0301", "\x0b", "-", "|"])

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(st.lists(pieces, max_size=10).map("".join), min_size=1, max_size=4))
    def check(lines):
        raw = "\n".join(lines)
        fast = module.clean(raw)
        saved = module._SLOW
        module._SLOW = re.compile("")  # matches everywhere: every line takes the general path
        try:
            general = module.clean(raw)
        finally:
            module._SLOW = saved
        assert fast.text == general.text
        for s in fast.segments:
            assert fast.text[s.clean_start : s.clean_start + s.length] == raw[s.raw_start : s.raw_start + s.length]

    check()
