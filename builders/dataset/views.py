"""Span records -> the training views: ``ner``, ``event_triggers`` (token rows) and ``stance_pairs``.

Pure: one document's records in, rows (or, for the build, Arrow columns made straight from the
token arrays) and findings out. The span configs stay the source of truth; a view loses only what BIO tags cannot say, and says what it lost:

- a span that does not start and end on token boundaries, or that crosses a sentence boundary,
  is left out of the token views (never shifted to the nearest token) and reported;
- of spans that overlap (a GPE inside an ORG name: ``U.S.`` in ``U.S. Indo-Pacific Command``),
  BIO can tag one: the longest is kept (the outermost of nested spans; of equal lengths, the one
  that starts first, then the one annotated first), the others are reported.

Every entity mention is tagged, whatever its kind (NAM, NOM, PRO), with its entity's type.
``stance_pairs`` has one row per annotated stance and no sampled pairs: stance annotation is not
exhaustive, so an unannotated (holder, target) pair is no evidence of "no stance".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from builders.findings import Finding, Severity
from builders.annotation.records import DocRecords
from builders.dataset.tokens import Sentence, Tokens, tokenize
from builders.schema import label_names

if TYPE_CHECKING:
    import pyarrow as pa

HINT_BOUNDARY = ("the span views keep it; the token views (ner, event_triggers) and the spaCy export leave it out. "
                 "If the quote cuts a word, quote the whole word; if the tokenizer is wrong here, report it")
HINT_OVERLAP = "nothing to fix: the span views keep both; BIO tags can hold one of overlapping spans, the longest"
TAG_COLUMNS = {"ner": "ner_tags", "event_triggers": "trigger_tags"}  # the token views and their tag column


class Labeled(NamedTuple):  # a tuple: a document has hundreds, made for every build
    """A span to tag: offsets, its label, and what it is (for findings)."""

    start: int
    end: int
    label: str
    what: str


@dataclass
class Tagged:
    """BIO tags of a document's tokens (codes into ``labels``), the spans they hold, and the
    findings about the others."""

    labels: list[str]  # "O", then the B- and I- tags used, in the order first used
    codes: Any  # numpy int64, one per token of the document
    bounds: Any  # the tokens' sentence bounds (Tokens.bounds)
    kept: list[tuple[Labeled, int, int, int]]  # span, sentence index, first token, end token (in the sentence)
    findings: list[Finding] = field(default_factory=list)

    @property
    def tags(self) -> list[list[str]]:
        """The tags as strings, sentence by sentence."""
        names, b = self.labels, self.bounds.tolist()
        codes = self.codes.tolist()
        return [[names[c] for c in codes[a:z]] for a, z in zip(b, b[1:])]


@dataclass
class DocViews:
    doc_id: str
    tokens: Tokens
    entities: Tagged
    triggers: Tagged
    stance_rows: list[dict[str, Any]]

    @property
    def findings(self) -> list[Finding]:
        return self.entities.findings + self.triggers.findings

    @cached_property
    def sentences(self) -> list[Sentence]:
        return self.tokens.sentences()

    def rows_of(self, config: str) -> list[dict[str, Any]]:
        """One view as rows of plain values (exports and readers; the build writes the token views
        as columns, token_table)."""
        if config == "stance_pairs":
            return self.stance_rows
        return _token_rows(self.doc_id, self.tokens, self.entities if config == "ner" else self.triggers, TAG_COLUMNS[config])

    @property
    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """The three views as rows."""
        return {config: self.rows_of(config) for config in ("ner", "event_triggers", "stance_pairs")}


def _warning(file: str, code: str, message: str, hint: str, severity: Severity = Severity.WARNING) -> Finding:
    return Finding(file, None, code, message, hint, severity, level=4)


def _describe(span: Labeled) -> str:
    return f"{span.what} {span.label} {span.start}..{span.end}"


def token_index(tokens: Tokens) -> tuple[dict[int, int], dict[int, int]]:
    """Where tokens start and end: offset -> token (its index in the document)."""
    n = range(len(tokens.starts))
    return dict(zip(tokens.starts.tolist(), n)), dict(zip(tokens.ends.tolist(), n))


def tag(tokens: Tokens, spans: list[Labeled], file: str,
        index: tuple[dict[int, int], dict[int, int]] | None = None) -> Tagged:
    """BIO-tag spans over the document's tokens by the rules in the module docstring.

    Spans are placed on tokens with one sorted search over the token arrays (token starts and
    ends only grow); ``index`` (token_index's dicts) is accepted for callers that have it and
    answers the same."""
    import numpy

    bounds = tokens.bounds
    n_tokens = len(tokens.starts)
    findings: list[Finding] = []
    aligned: list[tuple[Labeled, int, int, int]] = []  # span, sentence, first token, end token (document indexes)
    if spans:
        if index is not None:
            starts, ends = index
            firsts = [starts.get(span.start, -1) for span in spans]
            lasts = [ends.get(span.end, -1) for span in spans]
        else:  # the last token starting (ending) at the offset, as the dicts of token_index keep it
            span_starts, span_ends, *_ = zip(*spans)  # the spans' offsets as two columns
            wanted_starts, wanted_ends = numpy.array(span_starts, dtype="int64"), numpy.array(span_ends, dtype="int64")
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
                touched = (tokens.starts < span.end) & (span.start < tokens.ends)
                cut = [tokens.text[a:z] for a, z in zip(tokens.starts[touched].tolist(), tokens.ends[touched].tolist())]
                findings.append(_warning(file, "span-off-token-boundary",
                                         f"{_describe(span)} does not start and end on token boundaries (tokens {cut})",
                                         HINT_BOUNDARY))
            elif sentence_of[0][k] != sentence_of[1][k]:
                findings.append(_warning(file, "span-crosses-sentence",
                                         f"{_describe(span)} crosses a sentence boundary", HINT_BOUNDARY))
            else:
                aligned.append((span, sentence_of[0][k], first_k, last_k + 1))
    # in the order of their tokens (a sentence holds the tokens from its first to the next one's: by
    # first token is by sentence, then first token); ties keep the order they came in
    by_place = sorted(aligned, key=itemgetter(2))
    if (all(i < j for _, _, i, j in by_place)
            and all(before[3] <= after[2] for before, after in zip(by_place, by_place[1:]))):
        kept = by_place  # the usual case: no span is empty and none overlaps another, every one is kept
    else:
        kept = _claim(aligned, n_tokens, file, findings)
    labels = ["O"]
    pair: dict[str, tuple[int, int]] = {}  # label -> its B- and I- codes, both named when the label is first kept
    codes = numpy.zeros(n_tokens, dtype="int64")
    for span, s, i, j in kept:
        b_i = pair.get(span.label)
        if b_i is None:
            b_i = pair[span.label] = (len(labels), len(labels) + 1)
            labels += (f"B-{span.label}", f"I-{span.label}")
        codes[i] = b_i[0]
        if j > i + 1:
            codes[i + 1:j] = b_i[1]
    first_of = bounds.tolist()
    local = [(span, s, i - first_of[s], j - first_of[s]) for span, s, i, j in kept]
    return Tagged(labels, codes, bounds, local, findings)


def _claim(aligned: list[tuple[Labeled, int, int, int]], n_tokens: int, file: str, findings: list[Finding]
           ) -> list[tuple[Labeled, int, int, int]]:
    """The placed spans the token views keep, in the order of their tokens: longest first, then
    the first to start, then the first annotated; a span over tokens already taken is reported."""
    # keys made once, compared in C
    keys = [(span.start - span.end, span.start, k) for k, (span, _, _, _) in enumerate(aligned)]
    owner: list[Labeled | None] = [None] * n_tokens  # the span each token went to
    kept = []
    for k in sorted(range(len(aligned)), key=keys.__getitem__):
        span, s, i, j = aligned[k]
        if any(owner[i:j]):  # a Labeled is a non-empty tuple: true; None is false
            taken = next(o for o in owner[i:j] if o is not None)
            findings.append(_warning(file, "span-overlap-dropped",
                                     f"{_describe(span)} overlaps {_describe(taken)}; the token views keep the latter",
                                     HINT_OVERLAP, Severity.NOTE))  # by design: nothing to fix
            continue
        owner[i:j] = [span] * (j - i)
        kept.append(aligned[k])
    kept.sort(key=itemgetter(2))  # by first token: by sentence, then first token
    return kept


def entity_spans(records: DocRecords) -> list[Labeled]:
    return [Labeled(m["start"], m["end"], e["type"], f"entity {e['entity_id']!r} mention {m['text']!r}")
            for e in records.entities for m in e["mentions"]]


def trigger_spans(records: DocRecords) -> list[Labeled]:
    return [Labeled(ev["trigger"]["start"], ev["trigger"]["end"], ev["type"],
                    f"event {ev['event_id']!r} trigger {ev['trigger']['text']!r}") for ev in records.events]


def _token_rows(doc_id: str, tokens: Tokens, tagged: Tagged, column: str) -> list[dict[str, Any]]:
    starts, ends, b = tokens.starts.tolist(), tokens.ends.tolist(), tokens.bounds.tolist()
    return [{
        "doc_id": doc_id,
        "sentence_id": k,
        "tokens": tokens.texts[a:z],
        "token_offsets": [{"start": s, "end": e} for s, e in zip(starts[a:z], ends[a:z])],
        column: tags,
    } for k, (a, z, tags) in enumerate(zip(b, b[1:], tagged.tags))]


def evidence_sentence(text: str, sentences: list[tuple[int, int]], start: int, end: int) -> dict[str, Any]:
    """The sentence, or run of sentences, that holds a span (``sentences``: their offsets)."""
    touched = [s for s in sentences if s[0] < end and start < s[1]] or [(start, end)]
    a, b = min(touched[0][0], start), max(touched[-1][1], end)
    return {"start": a, "end": b, "text": text[a:b]}


def stance_pairs(records: DocRecords, sentences: list[tuple[int, int]]) -> list[dict[str, Any]]:
    text = records.documents[0]["text"]
    entities = {e["entity_id"]: e for e in records.entities}
    events = {e["event_id"]: e for e in records.events}
    rows = []
    for st in records.stances:
        holder = entities[st["holder"]]
        target_entity = entities.get(st["target"]) if st["target_kind"] == "entity" else None
        target_event = events.get(st["target"]) if st["target_kind"] == "event" else None
        ev = st["evidence"]
        rows.append({
            "doc_id": st["doc_id"],
            "stance_id": st["stance_id"],
            "holder_id": holder["entity_id"],
            "holder_name": holder["name"],
            "holder_type": holder["type"],
            "target_id": st["target"],
            "target_kind": st["target_kind"],
            "target_name": target_entity["name"] if target_entity else target_event["trigger"]["text"],
            "target_entity_type": target_entity["type"] if target_entity else None,
            "target_event_type": target_event["type"] if target_event else None,
            "sentence": evidence_sentence(text, sentences, ev["start"], ev["end"]),
            "evidence": dict(ev),
            "polarity": st["polarity"],
        })
    return rows


def doc_views(records: DocRecords, file: str) -> DocViews:
    """All three views of one document, with the findings about what the token views left out."""
    tokens = tokenize(records.documents[0]["text"])
    entities = tag(tokens, entity_spans(records), file)
    triggers = tag(tokens, trigger_spans(records), file)
    return DocViews(records.doc_id, tokens, entities, triggers, stance_pairs(records, tokens.sentence_spans()))


def token_table(config: str, docs: list[DocViews], schema: "pa.Schema", shared: dict | None = None) -> "pa.Table":
    """The ``ner`` or ``event_triggers`` rows of some documents as one Arrow table, built column by
    column from the token arrays (a dict per token and row cost more than the rest of the view).
    ``shared``: a dict kept across the two configs of the same documents, so that their common
    columns (doc ids, sentence ids, tokens, offsets) are built once."""
    import numpy
    import pyarrow as pa

    column = TAG_COLUMNS[config]
    ids = {name: i for i, name in enumerate(label_names(config, column))}
    types = {f.name: f.type for f in schema}
    key = tuple((name, types[name]) for name in ("doc_id", "sentence_id", "tokens", "token_offsets"))
    common = None if shared is None else shared.get(key)
    if common is None:
        common = _token_columns(docs, types)
        if shared is not None:
            shared[key] = common
    offsets_array, columns = common
    tags = [numpy.array([ids[name] for name in tagged.labels], dtype="int64")[tagged.codes]
            for tagged in (doc.entities if config == "ner" else doc.triggers for doc in docs)]
    columns = {**columns, column: pa.ListArray.from_arrays(
        offsets_array, pa.array(numpy.concatenate(tags or [numpy.zeros(0, "int64")]), types[column].value_type),
        type=types[column])}
    return pa.Table.from_arrays([columns[f.name] for f in schema], schema=schema)


def _token_columns(docs: list[DocViews], types: dict[str, "pa.DataType"]) -> tuple["pa.Array", dict[str, "pa.Array"]]:
    """The list offsets (one list per sentence) and the columns both token views share."""
    import numpy
    import pyarrow as pa

    doc_ids, sentence_ids, offsets, starts, ends = [], [], [numpy.zeros(1, dtype="int64")], [], []
    count = 0
    for doc in docs:
        n_sentences = len(doc.tokens.bounds) - 1
        doc_ids += [doc.doc_id] * n_sentences
        sentence_ids.append(numpy.arange(n_sentences, dtype="int64"))
        offsets.append(doc.tokens.bounds[1:] + count)
        count += len(doc.tokens.starts)
        starts.append(doc.tokens.starts)
        ends.append(doc.tokens.ends)
    offsets_array = pa.array(numpy.concatenate(offsets).astype("int32"))

    def listed(values: "pa.Array", name: str) -> "pa.Array":
        return pa.ListArray.from_arrays(offsets_array, values, type=types[name])

    offsets_type = types["token_offsets"].value_type
    spans = pa.StructArray.from_arrays(
        [pa.array(numpy.concatenate(starts or [numpy.zeros(0, "int64")]), offsets_type.field("start").type),
         pa.array(numpy.concatenate(ends or [numpy.zeros(0, "int64")]), offsets_type.field("end").type)],
        fields=list(offsets_type))
    return offsets_array, {
        "doc_id": pa.array(doc_ids, types["doc_id"]),
        "sentence_id": pa.array(numpy.concatenate(sentence_ids or [numpy.zeros(0, "int64")]), types["sentence_id"]),
        "tokens": listed(token_strings([doc.tokens for doc in docs], types["tokens"].value_type), "tokens"),
        "token_offsets": listed(spans, "token_offsets"),
    }


def token_strings(documents: list[Tokens], string_type: "pa.DataType") -> "pa.Array":
    """The texts of the documents' tokens, in order, as one Arrow string array made from each
    text's UTF-8 bytes (their token slices gathered in numpy), not from a Python string per token;
    ``pa.array(texts)`` gives the same array."""
    import numpy
    import pyarrow as pa

    datas, byte_starts, byte_ends, base = [], [numpy.zeros(0, "int64")], [numpy.zeros(0, "int64")], 0
    for tokens in documents:
        data = tokens.text.encode("utf-8")
        at = _utf8_offsets(tokens.text) if len(data) != len(tokens.text) else None  # None: ASCII, offsets as they are
        byte_starts.append((tokens.starts if at is None else at[tokens.starts]) + base)
        byte_ends.append((tokens.ends if at is None else at[tokens.ends]) + base)
        datas.append(data)
        base += len(data)
    first, end = numpy.concatenate(byte_starts), numpy.concatenate(byte_ends)
    lengths = end - first
    offsets = numpy.concatenate(([0], numpy.cumsum(lengths)))
    large = pa.types.is_large_string(string_type)
    if not large and offsets[-1] >= 2**31:  # past what 32-bit offsets hold: Arrow's own conversion says how
        return pa.array([t for tokens in documents for t in tokens.texts], string_type)
    values = numpy.frombuffer(b"".join(datas), dtype="uint8")[
        numpy.repeat(first - offsets[:-1], lengths) + numpy.arange(offsets[-1])]
    return pa.Array.from_buffers(string_type, len(lengths), [
        None, pa.py_buffer(offsets.astype("int64" if large else "int32")), pa.py_buffer(values)])


def _utf8_offsets(text: str) -> "numpy.ndarray":
    """Code-point offset -> UTF-8 byte offset, for every offset of ``text`` (its length included)."""
    import numpy

    points = numpy.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    width = 1 + (points >= 0x80).astype("int64") + (points >= 0x800) + (points >= 0x10000)
    return numpy.concatenate(([0], numpy.cumsum(width)))
