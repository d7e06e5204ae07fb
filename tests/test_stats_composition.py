"""The datasheet's composition figures (documents per source, year and type of item) come from the
documents' metadata, computed and merged like every other count."""

from __future__ import annotations

from builders.dataset.stats import combine, compute, item_type, merge, to_markdown


def doc(publisher, title=None, published=None, repository=None, note=None, spdx="CC0-1.0"):
    return {"text": "x", "publisher": publisher, "title": title, "published": published,
            "provenance": {"repository": repository} if repository else None,
            "license": {"spdx": spdx, "redistributable": True, "note": note}, "annotation_status": "gold"}


WH = "The White House"
DOCS = [
    doc(WH, "Statement by the Press Secretary on a Launch", "2022-03-24", "org/briefings"),
    doc(WH, "Readout of a Call", "2023-12-13", "org/briefings"),
    doc(WH, "Leaders' Statement", "2024-04-14", "org/briefings", note="A joint statement issued with the Governments of X and Y."),
    doc(WH, "NSAs' Press Statement", "2021-04-02", "org/briefings", note="A joint press statement issued with Japan."),
    doc("Wikinews", "Something happens", "2020-01-06", "org/wikinews", spdx="CC-BY-2.5"),
    doc("A News Site", None, None),
]


def test_item_types_from_metadata():
    assert [item_type(d) for d in DOCS] == ["statement", "readout", "joint statement", "joint statement",
                                             "news report", "news report"]


def test_composition_counts_and_merge():
    stats = compute({"documents": DOCS})
    assert stats["documents_by_source"] == {"A News Site": 1, "org/briefings": 4, "org/wikinews": 1}
    assert stats["documents_by_year"] == {"2020": 1, "2021": 1, "2022": 1, "2023": 1, "2024": 1, "unknown": 1}
    assert stats["documents_by_item_type"] == {"joint statement": 2, "news report": 2, "readout": 1, "statement": 1}
    # per-document counts summed (as `geosignal stats` does over a corpus) give the same figures
    total = None
    for d in DOCS:
        total = merge(total, compute({"documents": [d]}))
    assert total["documents_by_item_type"] == stats["documents_by_item_type"]
    assert total["documents_by_year"] == stats["documents_by_year"]
    md = to_markdown(stats)
    assert "**Documents by type of item**" in md and "| joint statement | 2 |" in md and "| 2024 | 1 |" in md


def test_tokens_counted_as_the_matches_of_the_token_pattern():
    """compute counts tokens from each character's class (stats.token_count), not with the token
    pattern: the count is findall's of the pattern, on random texts of word characters, joiners,
    punctuation, white space of every kind (runs, leading, final) and non-Latin letters."""
    import random

    from builders.dataset import stats

    rng = random.Random(19)
    pieces = ["a", "B", "7", "_", "-", "'", "\u2019", ".", " ", "\n", ",", "é", "\u0663", "--", "..", "!", "\t", "x-y", "U.S.",
              "\u00a0", "\u2028", "\u3000", "\x1c", "\x85", "\r\n", "   ", "\u200b", "\U0001d400", "#"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        doc = {"text": text, "license": {"spdx": "CC-BY-4.0", "redistributable": True}, "annotation_status": "draft"}
        assert stats.compute({"documents": [doc]})["tokens"] == len(stats._TOKEN.findall(text)), repr(text)


def test_token_count_equals_the_pattern_on_any_text():
    """token_count classes characters (numpy) instead of running _TOKEN: the same count as findall
    of _TOKEN on any text, every plane of Unicode, lone surrogates, and long texts of the
    characters where the two could part (joiners between, before and after word characters)."""
    from hypothesis import given, settings, strategies as st

    from builders.dataset import stats

    tricky = st.sampled_from(list("aZ9_-'\u2019.,!\u2013 \n\t\u00a0\u3000\x1c\x85\u00e9\u0663\u0301\u00b2\u2160"
                                  "\U0001d400\U0001f600\ud800"))

    @settings(max_examples=600, deadline=None, derandomize=True)
    @given(st.one_of(st.text(), st.text(alphabet=tricky, max_size=300),
                     st.lists(st.text(alphabet=tricky, max_size=5), max_size=60).map("".join)))
    def same(text: str) -> None:
        assert stats.token_count(text) == len(stats._TOKEN.findall(text)), repr(text)

    same()


def test_a_chunk_counted_at_once_equals_its_documents_counted_and_summed():
    """The runner counts a chunk's records at once (runner.count): the same counts, the order of
    open-ended keys included, as each document's counts merged in document order (how a run
    counted before), on fixture documents and metadata-only documents of other sources, years and
    kinds, in random orders and subsets."""
    import json
    import random

    from builders.annotation.records import DocRecords
    from builders.check.document import check
    from builders.dataset.stats import empty
    from builders.run.runner import count
    from builders.schema import CONFIGS
    from builders.source.corpus import discover, read

    from conftest import CORPUS

    records = [r for r in (check(read(f)).records for f in discover([CORPUS])[0]) if r is not None]
    assert records
    docs = records + [DocRecords(f"x{i}", documents=[d]) for i, d in enumerate(DOCS)]
    rng = random.Random(3)
    for _ in range(20):
        chunk = rng.sample(docs, k=rng.randint(1, len(docs)))
        total = None
        for r in chunk:
            total = merge(total, compute({c: r.config(c) for c in CONFIGS}))
        assert json.dumps(count(chunk)) == json.dumps(total)
        # counted split by split, the total summed from the splits (as a run with splits does)
        cuts = sorted(rng.sample(range(1, len(chunk)), k=min(2, len(chunk) - 1)))
        parts = [chunk[a:b] for a, b in zip([0, *cuts], [*cuts, len(chunk)])]
        rng.shuffle(parts)
        rows = [d for r in chunk for d in r.documents]
        assert json.dumps(combine([count(p) for p in parts], rows)) == json.dumps(total)
    assert json.dumps(count([])) == json.dumps(empty()) == json.dumps(combine([], []))
