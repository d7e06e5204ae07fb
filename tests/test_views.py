"""The training views: token rows with BIO tags (ner, event_triggers) and stance pairs.

They are derived from the span configs; these tests check that they say the same thing, and that
whatever the BIO tags cannot hold is reported by the build.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import datasets
import pytest
import yaml
from seqeval.metrics.sequence_labeling import get_entities
from hypothesis import given, settings, strategies as st

from builders import schema
from builders.run.build import build
from builders.dataset.read import read_dataset
from builders.dataset.tokens import sentences

from conftest import CORPUS, SEED_ID, annotation, load_dataset

TAGS = {"ner": ("ner_tags", "entity", "entity_type"), "event_triggers": ("trigger_tags", "event", "event_type")}


def enum(name: str, key: str) -> list[str]:
    return [v for v in schema.schemas()[name]["$defs"][key]["enum"] if v is not None]


@pytest.mark.parametrize("config", list(TAGS))
def test_token_configs_load_with_bio_class_labels_over_exactly_the_schema_types(built, config):
    column, name, key = TAGS[config]
    ds = load_dataset(built, config)
    feature = ds["train"].features[column]
    assert isinstance(feature, datasets.List) and isinstance(feature.feature, datasets.ClassLabel)
    names = feature.feature.names
    types = enum(name, key)
    assert names[0] == "O" and len(names) == 1 + 2 * len(types)
    assert names[1:] == [f"{p}-{t}" for t in types for p in "BI"]
    assert ds["train"].features["token_offsets"] == datasets.List({"start": datasets.Value("int64"), "end": datasets.Value("int64")})


def test_stance_pairs_load_with_a_class_label_polarity(built):
    pairs = load_dataset(built, "stance_pairs", split="train")
    polarity = pairs.features["polarity"]
    assert isinstance(polarity, datasets.ClassLabel) and polarity.names == enum("stance", "polarity")
    rows = read_dataset(built)
    stances = {(s["doc_id"], s["stance_id"]): s for s in rows["stances"]}
    entities = {(e["doc_id"], e["entity_id"]): e for e in rows["entities"]}
    assert pairs.num_rows == len(stances) > 0  # one row per annotated stance, nothing sampled
    for row in pairs:
        stance = stances[(row["doc_id"], row["stance_id"])]
        holder = entities[(row["doc_id"], row["holder_id"])]
        assert polarity.int2str(row["polarity"]) == stance["polarity"]
        assert (row["holder_id"], row["target_id"]) == (stance["holder"], stance["target"])
        assert (row["holder_name"], pairs.features["holder_type"].int2str(row["holder_type"])) == (holder["name"], holder["type"])
        assert row["evidence"] == stance["evidence"]
        s, e = row["sentence"], row["evidence"]
        assert s["start"] <= e["start"] and e["end"] <= s["end"] and e["text"] in s["text"]
        assert (row["target_entity_type"] is None) != (row["target_event_type"] is None)


def test_every_token_row_matches_the_text_and_its_schema(built):
    rows = read_dataset(built)
    texts = {d["doc_id"]: d["text"] for d in rows["documents"]}
    for config in ("ner", "event_triggers"):
        assert rows[config]
        for row in rows[config]:
            assert not list(schema.validator(schema.VIEWS[config]).iter_errors(row))
            assert [texts[row["doc_id"]][o["start"]:o["end"]] for o in row["token_offsets"]] == row["tokens"]
    for row in rows["stance_pairs"]:
        assert not list(schema.validator("stance_pairs").iter_errors(row))


def test_the_bio_validator_refuses_a_tag_outside_the_types():
    row = {"doc_id": "abc", "sentence_id": 0, "tokens": ["Seoul"], "token_offsets": [{"start": 0, "end": 5}],
           "ner_tags": ["B-CITY"]}
    errors = list(schema.validator("ner").iter_errors(row))
    assert len(errors) == 1 and "B-CITY" in errors[0].message
    assert not list(schema.validator("ner").iter_errors({**row, "ner_tags": ["B-GPE"]}))


SPAN = re.compile(r"^entity '([^']+)' mention .* (\w+) (\d+)\.\.(\d+) ")


def decoded_mentions(folder: Path) -> Counter:
    """(doc, start, end, type) of every entity the ner config's BIO tags hold, read with seqeval."""
    ner = load_dataset(folder, "ner", split="train")
    names = ner.features["ner_tags"].feature.names
    out: Counter = Counter()
    for row in ner:
        for label, i, j in get_entities([names[t] for t in row["ner_tags"]]):
            out[(row["doc_id"], row["token_offsets"][i]["start"], row["token_offsets"][j]["end"], label)] += 1
    return out


def check_token_view_reproduces_mentions(folder: Path, findings) -> list:
    """Every mention is decoded from the BIO tags, or the build reported why not; returns the reported."""
    mentions = Counter((e["doc_id"], m["start"], m["end"], e["type"]) for e in read_dataset(folder)["entities"] for m in e["mentions"])
    decoded = decoded_mentions(folder)
    reported = []
    for f in findings:
        match = SPAN.match(f.message)
        if f.code.startswith("span-") and match:
            doc = Path(f.file).parent.name
            reported.append((doc, int(match[3]), int(match[4]), match[2]))
    assert not decoded - mentions, "the token view invents mentions"
    assert decoded + Counter(reported) == mentions, "a mention is neither in the token view nor reported"
    return reported


def test_bio_decoding_gives_back_every_mention_of_the_real_corpus(tmp_path):
    result = build(CORPUS, tmp_path / "dist")
    assert result.written
    check_token_view_reproduces_mentions(tmp_path / "dist", result.report.findings)


def test_spans_the_tags_cannot_hold_are_reported_never_shifted(corpus_copy, tmp_path):
    """A mention inside a token, one across sentences and a nested one: each is left out and reported."""
    path = annotation(corpus_copy)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["entities"] += [
        {"id": "t_tu", "name": "Tu", "type": "VEH", "kb_id": None, "mentions": [{"text": "Tu", "context": "Russian Tu-95MS"}]},
        {"id": "t_cross", "name": "cross", "type": "LOC", "kb_id": None, "mentions": [{"text": "prior.\nThe flight"}]},
        {"id": "t_outer", "name": "outer", "type": "ORG", "kb_id": None,
         "mentions": [{"text": "Japan Air Self-Defense Force (JASDF)"}]},
        {"id": "t_inner", "name": "inner", "type": "GPE", "kb_id": None, "mentions": [{"text": "Japan", "context": "the Japan Air"}]},
    ]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = build(corpus_copy, tmp_path / "dist")
    assert result.written, result.report.findings
    reported = check_token_view_reproduces_mentions(tmp_path / "dist", result.report.findings)
    codes = {f.code for f in result.report.findings if f.message.startswith("entity 't_")}
    assert codes == {"span-off-token-boundary", "span-crosses-sentence", "span-overlap-dropped"}
    text = read_dataset(tmp_path / "dist")["documents"][0]["text"]
    inner = text.index("the Japan Air") + 4
    assert (SEED_ID, inner, inner + 5, "GPE") in reported
    outer = text.index("Japan Air Self-Defense Force (JASDF)")
    decoded = decoded_mentions(tmp_path / "dist")
    assert decoded[(SEED_ID, outer, outer + len("Japan Air Self-Defense Force (JASDF)"), "ORG")] == 1


def test_sentences_break_at_line_ends_and_keep_offsets():
    text = "Regional Reactions\nSeoul is wary. The U.S.-Japan flight  went on."
    sents = sentences(text)
    assert [[t.text for t in s.tokens] for s in sents] == [
        ["Regional", "Reactions"], ["Seoul", "is", "wary", "."], ["The", "U.S.", "-", "Japan", "flight", "went", "on", "."]]
    assert all(text[t.start:t.end] == t.text for s in sents for t in s.tokens)


def test_token_views_built_as_columns_equal_the_rows(tmp_path):
    """The build makes the ner and event_triggers tables from the token arrays; they hold what the
    rows (exports, readers) say, encoded as the writer encodes rows."""
    import sys

    import pyarrow as pa

    from builders import load_corpus
    from builders.dataset.views import TAG_COLUMNS, doc_views, token_table
    from builders.dataset.write import encode_rows
    from conftest import REPO

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    records = [*load_corpus([CORPUS])[0].docs, *load_corpus([generate(tmp_path / "gen", 6, seed=2, shape="statement")])[0].docs]
    docs = [doc_views(r, r.doc_id) for r in records]
    for config in TAG_COLUMNS:
        schema = schema_of(config)
        rows = [row for d in docs for row in d.rows[config]]
        assert token_table(config, docs, schema).equals(pa.Table.from_pylist(encode_rows(config, rows), schema=schema))
        assert token_table(config, [], schema).num_rows == 0


def schema_of(config: str):
    return schema.arrow_schema(config).remove_metadata()


def test_spans_placed_by_sorted_search_as_by_the_offset_dicts():
    """tag places spans on tokens by a sorted search over the token arrays; the offset dicts
    (token_index) answer the same: tags, kept spans and findings alike, on random spans
    (on, off and across token and sentence boundaries, overlapping, nested, empty lists)."""
    import random

    from builders.dataset.tokens import tokenize
    from builders.dataset.views import Labeled, tag, token_index

    rng = random.Random(19)
    texts = ["", "One.", "The U.S. Indo-Pacific Command met. Then it rained!\n\nA new day; co-operation ends.",
             "Mr. Smith   said: 'no'.\nWe met in Washington, D.C. on 3 May.  Done?  Yes."]
    for text in texts + [" ".join(rng.choice(["We", "met", "U.S.", "co-op", ".", "!", "\n\n", "x", "  "])
                                  for _ in range(rng.randint(1, 60))) for _ in range(200)]:
        tokens = tokenize(text)
        bounds = sorted({0, len(text), *tokens.starts.tolist(), *tokens.ends.tolist()})
        for _ in range(3):
            spans = []
            for k in range(rng.randint(0, 12)):
                a = rng.choice(bounds) if rng.random() < 0.8 else rng.randint(0, len(text))
                b = rng.choice([x for x in bounds if x > a] or [a + 1]) if rng.random() < 0.8 else a + rng.randint(1, 5)
                spans.append(Labeled(a, b, rng.choice(["PER", "ORG", "GPE"]), f"span {k}"))
            fast, slow = tag(tokens, spans, "f.yaml"), tag(tokens, spans, "f.yaml", token_index(tokens))
            assert fast.labels == slow.labels and fast.codes.tolist() == slow.codes.tolist()
            assert fast.kept == slow.kept and fast.findings == slow.findings


def _random_text(rng, most: int) -> str:
    """Up to ``most`` pieces, with abbreviations, hyphens, punctuation, paragraph breaks, runs of spaces."""
    return " ".join(rng.choice(["We", "met", "U.S.", "co-op", ".", "!", "\n\n", "x", "  ", "New York"])
                    for _ in range(rng.randint(1, most)))


def test_tag_equals_the_tag_before_perf5():
    """tag's overlap and code loops (keys compared in C, any() over the owners, one B/I pair per
    label) give what they gave before: labels, codes, kept spans and findings, on random spans
    (on and off token and sentence boundaries, overlapping, nested, of equal lengths, several labels)."""
    import random

    from builders.dataset.tokens import tokenize
    from builders.dataset.views import Labeled, tag

    rng = random.Random(5)
    overlaps = 0
    for _ in range(300):
        text = _random_text(rng, 60)
        tokens = tokenize(text)
        bounds = sorted({0, len(text), *tokens.starts.tolist(), *tokens.ends.tolist()})
        for _ in range(3):
            spans = []
            for k in range(rng.randint(0, 16)):
                a = rng.choice(bounds) if rng.random() < 0.85 else rng.randint(0, len(text))
                b = rng.choice([x for x in bounds if x > a][:4] or [a + 1]) if rng.random() < 0.85 else a + rng.randint(1, 5)
                spans.append(Labeled(a, b, rng.choice(["PER", "ORG", "GPE", "LOC"]), f"span {k}"))
            new, old = tag(tokens, spans, "f.yaml"), _tag_before_perf5(tokens, spans, "f.yaml")
            assert new.labels == old.labels and new.codes.tolist() == old.codes.tolist()
            assert new.kept == old.kept and new.findings == old.findings
            overlaps += sum(f.code == "span-overlap-dropped" for f in old.findings)
    assert overlaps > 50  # the overlap path was exercised


def test_tag_without_overlaps_equals_the_tag_before_perf5(monkeypatch):
    """Spans that neither overlap nor are empty are kept as they are, in the order of their tokens,
    without the longest-first loop (views._claim); labels, codes, kept spans and findings are what the
    loop gave, on many random documents with many such spans (multi-token, several labels, in any
    order), some off token boundaries or across sentences."""
    import random

    from builders.dataset import views
    from builders.dataset.tokens import tokenize
    from builders.dataset.views import Labeled, tag

    claimed = []
    loop = views._claim
    monkeypatch.setattr(views, "_claim", lambda *a: claimed.append(1) or loop(*a))
    rng = random.Random(7)
    calls = 0
    for _ in range(300):
        text = _random_text(rng, 80)
        tokens = tokenize(text)
        starts, ends = tokens.starts.tolist(), tokens.ends.tolist()
        spans, t = [], 0
        while t < len(starts):  # disjoint runs of tokens, some left untagged
            n = rng.randint(1, 4)
            if rng.random() < 0.6:
                a, b = starts[t], ends[min(t + n, len(starts)) - 1]
                if rng.random() < 0.1 and b > a + 1:  # off a token boundary (and not empty)
                    a += 1
                spans.append(Labeled(a, b, rng.choice(["PER", "ORG", "GPE", "LOC"]), f"span {len(spans)}"))
            t += n
        rng.shuffle(spans)
        new, old = tag(tokens, spans, "f.yaml"), _tag_before_perf5(tokens, spans, "f.yaml")
        assert new.labels == old.labels and new.codes.tolist() == old.codes.tolist()
        assert new.kept == old.kept and new.findings == old.findings
        calls += 1
    assert calls == 300 and not claimed  # every document went the way without the loop


# views.tag as main had it before perf5 (859e307), kept verbatim as the reference for the cheaper loops
from builders.dataset.views import HINT_BOUNDARY, HINT_OVERLAP, Tagged, _describe, _warning  # noqa: E402
from builders.findings import Finding, Severity  # noqa: E402


def _tag_before_perf5(tokens: Tokens, spans: list[Labeled], file: str,
        index: tuple[dict[int, int], dict[int, int]] | None = None) -> Tagged:
    """views.tag as it was on main before perf5 (the reference its cheaper overlap and code loops must equal).

    Spans are placed on tokens with one sorted search over the token arrays (token starts and
    ends only grow); ``index`` (token_index's dicts) is accepted for callers that have it and
    answers the same."""
    import numpy

    bounds = tokens.bounds
    n_tokens = len(tokens.texts)
    findings: list[Finding] = []
    aligned: list[tuple[Labeled, int, int, int]] = []  # span, sentence, first token, end token (document indexes)
    if spans:
        if index is not None:
            starts, ends = index
            firsts = [starts.get(span.start, -1) for span in spans]
            lasts = [ends.get(span.end, -1) for span in spans]
        else:  # the last token starting (ending) at the offset, as the dicts of token_index keep it
            wanted_starts = numpy.fromiter((span.start for span in spans), dtype="int64", count=len(spans))
            wanted_ends = numpy.fromiter((span.end for span in spans), dtype="int64", count=len(spans))
            first = numpy.searchsorted(tokens.starts, wanted_starts, side="right") - 1
            last = numpy.searchsorted(tokens.ends, wanted_ends, side="right") - 1
            found_first = (first >= 0) & (tokens.starts[first.clip(0)] == wanted_starts) if n_tokens else first < -1
            found_last = (last >= 0) & (tokens.ends[last.clip(0)] == wanted_ends) if n_tokens else last < -1
            firsts = numpy.where(found_first, first, -1).tolist()
            lasts = numpy.where(found_last, last, -1).tolist()
        # the sentence of a token: the last sentence starting at or before it
        sentence_of = (numpy.searchsorted(bounds, numpy.array([firsts, lasts], dtype="int64"), side="right") - 1).tolist()
        for k, span in enumerate(spans):
            first_k, last_k = firsts[k], lasts[k]
            if first_k < 0 or last_k < 0:
                cut = [tokens.texts[t] for t in numpy.flatnonzero((tokens.starts < span.end) & (span.start < tokens.ends)).tolist()]
                findings.append(_warning(file, "span-off-token-boundary",
                                         f"{_describe(span)} does not start and end on token boundaries (tokens {cut})",
                                         HINT_BOUNDARY))
            elif sentence_of[0][k] != sentence_of[1][k]:
                findings.append(_warning(file, "span-crosses-sentence",
                                         f"{_describe(span)} crosses a sentence boundary", HINT_BOUNDARY))
            else:
                aligned.append((span, sentence_of[0][k], first_k, last_k + 1))
    order = sorted(range(len(aligned)), key=lambda k: (-(aligned[k][0].end - aligned[k][0].start), aligned[k][0].start, k))
    owner: list[Labeled | None] = [None] * n_tokens  # the span each token went to
    kept = []
    for k in order:
        span, s, i, j = aligned[k]
        taken = next((o for o in owner[i:j] if o is not None), None)
        if taken is not None:
            findings.append(_warning(file, "span-overlap-dropped",
                                     f"{_describe(span)} overlaps {_describe(taken)}; the token views keep the latter",
                                     HINT_OVERLAP, Severity.NOTE))  # by design: nothing to fix
            continue
        owner[i:j] = [span] * (j - i)
        kept.append(aligned[k])
    kept.sort(key=lambda item: (item[1], item[2]))
    labels, code = ["O"], {"O": 0}
    codes = numpy.zeros(n_tokens, dtype="int64")
    for span, s, i, j in kept:
        for prefix, a, z in (("B", i, i + 1), ("I", i + 1, j)):
            name = f"{prefix}-{span.label}"
            if name not in code:
                code[name] = len(labels)
                labels.append(name)
            codes[a:z] = code[name]
    first_of = bounds.tolist()
    local = [(span, s, i - first_of[s], j - first_of[s]) for span, s, i, j in kept]
    return Tagged(labels, codes, bounds, local, findings)


_PIECES = ["We", "met", "U.S.", ".", "!", "\n\n", " ", "  ", "caf\u00e9", "\u00e9t\u00e9", "\u4e1c\u4eac", "\u3002",
           "\U0001F600", "\U00011047", "e\u0301", "\u00a0", "\r\n", "\u2014", "\u201cQuote\u201d", "x"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), max_size=4))
def test_token_strings_from_the_bytes_equal_the_token_texts(texts):
    """token_strings gathers the tokens' UTF-8 bytes from each text; it holds the token texts (tokens.texts,
    a slice of the text per token), for ASCII and other texts (two-, three- and four-byte characters),
    several documents and none, as string and large_string."""
    import pyarrow as pa

    from builders.dataset.tokens import tokenize
    from builders.dataset.views import token_strings

    documents = [tokenize(text) for text in texts]
    for string_type in (pa.string(), pa.large_string()):
        made = token_strings(documents, string_type)
        made.validate(full=True)
        assert made.equals(pa.array([t for tokens in documents for t in tokens.texts], string_type))
