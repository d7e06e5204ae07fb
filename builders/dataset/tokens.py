"""Clean text -> sentences of tokens, each token with its offsets into ``documents.text``.

spaCy's rule-based English tokenizer and sentencizer do the work (a blank pipeline: nothing is
downloaded). Two additions, both about layout the tokenizer cannot see:

- a paragraph break (a white-space token holding a line end) always ends a sentence, so a
  headline without a full stop is not glued to the next paragraph;
- a hyphen between an abbreviation's final period and a letter is split off (``U.S.-Japan`` ->
  ``U.S.`` ``-`` ``Japan``), as spaCy already does between two letters (``China-Russia``).

White-space tokens are kept in the spaCy ``Doc`` (so ``doc.text`` is the document text) but
dropped from the token rows, as in CoNLL files.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PARAGRAPH_BREAKS = "geosignal_paragraph_breaks"


class Token(NamedTuple):  # a tuple: documents have tens of thousands of tokens
    text: str
    start: int
    end: int


class Sentence(NamedTuple):
    start: int
    end: int
    tokens: tuple[Token, ...]


def _paragraph_breaks(doc: "Doc") -> "Doc":
    """The first word after a line end starts a sentence; white space never starts one.

    Other tokens are left unset for the sentencizer, which fills only unset tokens. Read and
    written as attribute arrays: a spaCy Token object per token would cost more than the rule.
    """
    import numpy
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    text = doc.text
    rows = doc.to_array([IDX, LENGTH, IS_SPACE]).tolist()
    starts = [0] * len(rows)  # 0 unset, 1 starts a sentence, -1 does not
    after_break = False
    for i, (idx, length, space) in enumerate(rows[1:], 1):
        if space:
            starts[i] = -1
            after_break = after_break or "\n" in text[idx : idx + length]
        elif after_break:
            starts[i] = 1
            after_break = False
    doc.from_array([SENT_START], numpy.array(starts, dtype="int64").astype("uint64").reshape(-1, 1))
    return doc


@cache
def pipeline() -> "Language":
    """The blank English pipeline with the two additions above; built once per process."""
    import spacy
    from spacy.lang.char_classes import ALPHA, HYPHENS
    from spacy.language import Language
    from spacy.util import compile_infix_regex

    if not Language.has_factory(PARAGRAPH_BREAKS):
        Language.component(PARAGRAPH_BREAKS, func=_paragraph_breaks)
    from builders.source.corpus import MAX_SOURCE_BYTES

    nlp = spacy.blank("en")
    # spaCy refuses texts over 1,000,000 characters by default (a guard for its memory-hungry
    # parsers, which this pipeline does not have); whatever `validate` accepts must tokenize,
    # and a clean text is never longer than its source's limit (the cleaner only removes and
    # normalises; NFC lengthens a character at most threefold).
    nlp.max_length = 4 * MAX_SOURCE_BYTES
    infixes = list(nlp.Defaults.infixes) + [rf"(?<=[{ALPHA}]\.)(?:{HYPHENS})(?=[{ALPHA}])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe(PARAGRAPH_BREAKS)
    nlp.add_pipe("sentencizer")
    return nlp


def doc(text: str) -> "Doc":
    """The spaCy Doc of a document text (white space included: ``doc.text == text``)."""
    return pipeline()(text)


def sentences(text: str) -> list[Sentence]:
    """Sentences of non-space tokens with code-point offsets into ``text``.

    Read from the Doc's attribute arrays, not token by token: a spaCy Token object per token
    costs more than the tokenizer itself.
    """
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    parsed = doc(text)
    out: list[Sentence] = []
    current: list[Token] = []
    for idx, length, space, sent_start in parsed.to_array([IDX, LENGTH, IS_SPACE, SENT_START]).tolist():
        if sent_start == 1 and current:
            out.append(Sentence(current[0].start, current[-1].end, tuple(current)))
            current = []
        if not space:
            current.append(Token(text[idx : idx + length], idx, idx + length))
    if current:
        out.append(Sentence(current[0].start, current[-1].end, tuple(current)))
    return out
