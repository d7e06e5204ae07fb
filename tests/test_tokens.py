"""Sentences from the Doc's arrays in one pass give what spaCy's sentencizer and the paragraph rule,
run over Token objects, gave (builders/dataset/tokens.py)."""

from __future__ import annotations

import random
import sys
from functools import cache

from hypothesis import given, settings, strategies as st

from builders.dataset import tokens

from conftest import REPO

REFERENCE = "geosignal_test_paragraph_breaks"


def _paragraph_breaks(doc):
    """The paragraph rule as it ran before, token by token: white space never starts a sentence,
    the first word after a line end does; other tokens are left to the sentencizer."""
    after_break = False
    for token in list(doc)[1:]:
        if token.is_space:
            token.is_sent_start = False
            after_break = after_break or "\n" in token.text
        elif after_break:
            token.is_sent_start = True
            after_break = False
    return doc


@cache
def reference():
    """The same tokenizer, then the rule above and spaCy's own sentencizer as pipeline components."""
    import spacy
    from spacy.language import Language

    if not Language.has_factory(REFERENCE):
        Language.component(REFERENCE, func=_paragraph_breaks)
    nlp = spacy.blank("en")
    nlp.tokenizer = tokens.pipeline().tokenizer
    nlp.max_length = tokens.pipeline().max_length
    nlp.add_pipe(REFERENCE)
    nlp.add_pipe("sentencizer")
    return nlp


def reference_sentences(text: str) -> list[tokens.Sentence]:
    out, current = [], []
    for token in reference()(text):
        if token.is_sent_start and current:
            out.append(tokens.Sentence(current[0].start, current[-1].end, tuple(current)))
            current = []
        if not token.is_space:
            current.append(tokens.Token(token.text, token.idx, token.idx + len(token.text)))
    if current:
        out.append(tokens.Sentence(current[0].start, current[-1].end, tuple(current)))
    return out


def assert_same(text: str) -> None:
    assert tokens.sentences(text) == reference_sentences(text), repr(text)
    ours, theirs = tokens.doc(text), reference()(text)
    assert [t.is_sent_start for t in ours] == [t.is_sent_start for t in theirs], repr(text)
    assert ours.text == text


EDGES = ["", " ", "\n", "A.  B", "  Hello. World", "\n\nX. y", "Hello!! World", '"Yes." He said. "No!" she said.',
         "U.S.-Japan ties.", "a\n", "... and then", "Done\u3002Next", "Wow\uff01ok", "A.\n\nB\n \nC", "Title\nBody text. More.",
         "x . . y", "(a.) b", "a.) B", 'A." B', "One.\tTwo", "E.g. this", "\n A", " \n\n", ". A", "!A", "?"]


def test_edge_cases_split_as_spacy_splits_them():
    for text in EDGES:
        assert_same(text)


_PIECES = ["a", "B", ".", "!", "?", " ", "  ", "\n", "\n\n", " \n ", '"', "'", ")", "(", "-", "U.S.", "\u3002", "\t", "x",
           "Mr.", "3.5", "...", "\u2014", "Tokyo", "\u00a0"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_random_layouts_split_as_spacy_splits_them(text):
    assert_same(text)


def test_generated_articles_and_statements_split_as_spacy_splits_them(tmp_path):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import SHAPES, generate

    from builders.source.clean import clean
    from builders.annotation.yamlio import parse_yaml

    for shape in SHAPES:
        corpus = generate(tmp_path / shape, 3, seed=11, shape=shape)
        for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
            meta = parse_yaml((folder / "annotation.yaml").read_text(encoding="utf-8")).data["document"]
            text = clean((folder / "source.txt").read_text(encoding="utf-8"), meta["publisher"], meta["source_format"]).text
            assert_same(text)
            assert_same(text.replace(". ", ".  ").replace("\n", "\n \n"))  # white-space tokens inside and between


def test_token_columns_hold_the_sentences():
    text = "Seoul protested.\nTokyo  agreed. Beijing did not!"
    cols = tokens.tokenize(text)
    sentences = tokens.sentences(text)
    assert cols.bounds.tolist() == [0, 3, 6, 10]
    assert cols.sentence_spans() == [(s.start, s.end) for s in sentences]
    assert [t for s in sentences for t in s.tokens] == list(zip(cols.texts, cols.starts.tolist(), cols.ends.tolist()))
    assert all(text[a:b] == t for t, a, b in zip(cols.texts, cols.starts.tolist(), cols.ends.tolist()))


def test_random_documents_of_real_length():
    rng = random.Random(5)
    for _ in range(20):
        assert_same("".join(rng.choice(_PIECES) for _ in range(rng.randint(200, 2000))))
