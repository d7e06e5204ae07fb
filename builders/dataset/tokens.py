"""Clean text -> sentences of tokens, each token with its offsets into ``documents.text``.

spaCy's rule-based English tokenizer does the work (a blank pipeline: nothing is downloaded),
and sentences are split by the rule of spaCy's ``sentencizer``, with two additions, both about
layout the tokenizer cannot see:

- a paragraph break (a white-space token holding a line end) always ends a sentence, so a
  headline without a full stop is not glued to the next paragraph;
- a hyphen between an abbreviation's final period and a letter is split off (``U.S.-Japan`` ->
  ``U.S.`` ``-`` ``Japan``), as spaCy already does between two letters (``China-Russia``).

White-space tokens are kept in the spaCy ``Doc`` (so ``doc.text`` is the document text) but
dropped from the token rows, as in CoNLL files.

The sentence rule runs in one pass over the ``Doc``'s attribute arrays (numpy), not as the
``sentencizer`` and a paragraph component over spaCy ``Token`` objects: a Python object per token
cost more than the tokenizer itself. It gives the boundaries those two components gave, quirks
included (tests/test_tokens.py compares them on generated and hand-made texts).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, NamedTuple

from builders.source.corpus import MAX_SOURCE_BYTES

if TYPE_CHECKING:
    import numpy
    from spacy.language import Language
    from spacy.tokens import Doc


class Token(NamedTuple):  # a tuple: documents have tens of thousands of tokens
    text: str
    start: int
    end: int


class Sentence(NamedTuple):
    start: int
    end: int
    tokens: tuple[Token, ...]


@dataclass(eq=False)
class Tokens:
    """One document's non-space tokens as columns, and where its sentences start."""

    text: str  # the document text the offsets point into
    starts: "numpy.ndarray"  # int64 code-point offsets into the text
    ends: "numpy.ndarray"
    bounds: "numpy.ndarray"  # int64: the first token of each sentence, then the number of tokens

    @cached_property
    def texts(self) -> list[str]:
        """The tokens' texts, made when first asked for: the build writes them straight from the
        text's bytes (views.token_strings), a Python string per token cost more than the rest."""
        return [self.text[a:b] for a, b in zip(self.starts.tolist(), self.ends.tolist())]

    def sentences(self) -> list[Sentence]:
        """The same tokens as Sentence and Token tuples (for code that walks them one by one)."""
        tokens = [Token(*t) for t in zip(self.texts, self.starts.tolist(), self.ends.tolist())]
        b = self.bounds.tolist()
        return [Sentence(tokens[a].start, tokens[z - 1].end, tuple(tokens[a:z])) for a, z in zip(b, b[1:])]

    def sentence_spans(self) -> list[tuple[int, int]]:
        """(start, end) offsets of each sentence."""
        first, last = self.bounds[:-1], self.bounds[1:] - 1
        return list(zip(self.starts[first].tolist(), self.ends[last].tolist()))


@cache
def pipeline() -> "Language":
    """The blank English pipeline with the hyphen rule above (the tokenizer); built once per process."""
    import spacy
    from spacy.lang.char_classes import ALPHA, HYPHENS
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("en")
    # spaCy refuses texts over 1,000,000 characters by default (a guard for its memory-hungry
    # parsers, which this pipeline does not have); whatever `validate` accepts must tokenize,
    # and a clean text is never longer than its source's limit (the cleaner only removes and
    # normalises; NFC lengthens a character at most threefold).
    nlp.max_length = 4 * MAX_SOURCE_BYTES
    infixes = list(nlp.Defaults.infixes) + [rf"(?<=[{ALPHA}]\.)(?:{HYPHENS})(?=[{ALPHA}])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp


@cache
def _sentence_punct() -> frozenset[str]:
    """The sentencizer's sentence-final characters (its default ``punct_chars``, one character each)."""
    from spacy.pipeline import Sentencizer

    return frozenset(Sentencizer.default_punct_chars)


def _tokenized(text: str) -> tuple["Doc", "numpy.ndarray", "numpy.ndarray", "numpy.ndarray", "numpy.ndarray"]:
    """The Doc, and per token: start offset, length, is white space, starts a sentence."""
    import numpy
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH

    parsed = pipeline().make_doc(text)
    cols = parsed.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT])
    n = len(cols)
    idx, length = cols[:, 0].astype("int64"), cols[:, 1].astype("int64")
    space = cols[:, 2].astype(bool)
    starts = numpy.zeros(n, dtype=bool)
    if n == 0:
        return parsed, idx, length, space, starts
    # The sentencizer: a "word" (neither punctuation nor a sentence-final character; white space
    # counts as a word) starts a sentence when a sentence-final character came after the word
    # before it. The first token always starts one.
    final = numpy.zeros(n, dtype=bool)  # a token's text is the text at its offset: a one-character token is that character
    punct = _sentence_punct()
    single = numpy.flatnonzero(length == 1).tolist()
    final[[k for k, c in zip(single, idx[single].tolist()) if text[c] in punct]] = True
    word = ~(cols[:, 3].astype(bool) | final)
    seen = numpy.cumsum(final)
    words = numpy.flatnonzero(word)
    before = numpy.concatenate(([0], seen[words[:-1]]))
    starts[words[seen[words] > before]] = True
    starts[0] = True
    # The paragraph rule, which wins over the sentencizer after the first token: white space never
    # starts a sentence; the first non-space token after white space holding a line end does.
    starts[1:][space[1:]] = False
    breaks = [j for j in numpy.flatnonzero(space[1:]).tolist() if "\n" in text[idx[j + 1]: idx[j + 1] + length[j + 1]]]
    if breaks:
        solid = numpy.flatnonzero(~space)
        after = numpy.searchsorted(solid, numpy.array(breaks) + 1)
        starts[solid[after[after < len(solid)]]] = True
    return parsed, idx, length, space, starts


def tokenize(text: str) -> Tokens:
    """Non-space tokens with code-point offsets into ``text``, and their sentences."""
    import numpy

    _, idx, length, space, starts = _tokenized(text)
    solid = ~space
    first, end = idx[solid], idx[solid] + length[solid]
    bounds = numpy.flatnonzero(starts[solid])
    if len(first) and (not len(bounds) or bounds[0] != 0):  # the first token opens the first sentence
        bounds = numpy.concatenate(([0], bounds))
    bounds = numpy.concatenate((bounds, [len(first)])).astype("int64")
    return Tokens(text, first, end, bounds)


def doc(text: str) -> "Doc":
    """The spaCy Doc of a document text (white space included: ``doc.text == text``), its
    sentence starts set by the rule above."""
    import numpy
    from spacy.attrs import SENT_START

    parsed, _, _, _, starts = _tokenized(text)
    if len(parsed):
        values = numpy.where(starts, 1, -1).astype("int64").astype("uint64").reshape(-1, 1)
        parsed.from_array([SENT_START], values)
    return parsed


def sentences(text: str) -> list[Sentence]:
    """Sentences of non-space tokens with code-point offsets into ``text``."""
    return tokenize(text).sentences()
