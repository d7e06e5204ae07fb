"""Span records -> the training views: ``ner``, ``event_triggers`` (token rows) and ``stance_pairs``.

Pure: one document's records in, rows and findings out. The span configs stay the source of
truth; a view loses only what BIO tags cannot say, and says what it lost:

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
from typing import Any

from builders.findings import Finding, Severity
from builders.annotation.records import DocRecords
from builders.dataset.tokens import Sentence, sentences as split_sentences

HINT_BOUNDARY = ("the span views keep it; the token views (ner, event_triggers) and the spaCy export leave it out. "
                 "If the quote cuts a word, quote the whole word; if the tokenizer is wrong here, report it")
HINT_OVERLAP = "nothing to fix: the span views keep both; BIO tags can hold one of overlapping spans, the longest"


@dataclass(frozen=True)
class Labeled:
    """A span to tag: offsets, its label, and what it is (for findings)."""

    start: int
    end: int
    label: str
    what: str


@dataclass
class Tagged:
    """BIO tags per sentence, the spans they hold, and the findings about the others."""

    tags: list[list[str]]
    kept: list[tuple[Labeled, int, int, int]]  # span, sentence index, first token, end token
    findings: list[Finding] = field(default_factory=list)


@dataclass
class DocViews:
    sentences: list[Sentence]
    entities: Tagged
    triggers: Tagged
    rows: dict[str, list[dict[str, Any]]]

    @property
    def findings(self) -> list[Finding]:
        return self.entities.findings + self.triggers.findings


def _warning(file: str, code: str, message: str, hint: str) -> Finding:
    return Finding(file, None, code, message, hint, Severity.WARNING, level=4)


def _describe(span: Labeled) -> str:
    return f"{span.what} {span.label} {span.start}..{span.end}"


def token_index(sentences: list[Sentence]) -> tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]]:
    """Where tokens start and end: offset -> (sentence, token)."""
    starts = {tok.start: (s, i) for s, sent in enumerate(sentences) for i, tok in enumerate(sent.tokens)}
    ends = {tok.end: (s, i) for s, sent in enumerate(sentences) for i, tok in enumerate(sent.tokens)}
    return starts, ends


def tag(sentences: list[Sentence], spans: list[Labeled], file: str,
        index: tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]] | None = None) -> Tagged:
    """BIO-tag spans over the sentences' tokens by the rules in the module docstring."""
    starts, ends = index or token_index(sentences)
    findings: list[Finding] = []
    aligned: list[tuple[Labeled, int, int, int]] = []
    for span in spans:
        first, last = starts.get(span.start), ends.get(span.end)
        if first is None or last is None:
            cut = [t.text for sent in sentences for t in sent.tokens if t.start < span.end and span.start < t.end]
            findings.append(_warning(file, "span-off-token-boundary",
                                     f"{_describe(span)} does not start and end on token boundaries (tokens {cut})",
                                     HINT_BOUNDARY))
        elif first[0] != last[0]:
            findings.append(_warning(file, "span-crosses-sentence",
                                     f"{_describe(span)} crosses a sentence boundary", HINT_BOUNDARY))
        else:
            aligned.append((span, first[0], first[1], last[1] + 1))
    order = sorted(range(len(aligned)), key=lambda k: (-(aligned[k][0].end - aligned[k][0].start), aligned[k][0].start, k))
    owner: dict[tuple[int, int], Labeled] = {}
    kept = []
    for k in order:
        span, s, i, j = aligned[k]
        taken = next((owner[(s, t)] for t in range(i, j) if (s, t) in owner), None)
        if taken is not None:
            findings.append(_warning(file, "span-overlap-dropped",
                                     f"{_describe(span)} overlaps {_describe(taken)}; the token views keep the latter",
                                     HINT_OVERLAP))
            continue
        owner.update({(s, t): span for t in range(i, j)})
        kept.append(aligned[k])
    kept.sort(key=lambda item: (item[1], item[2]))
    tags = [["O"] * len(sent.tokens) for sent in sentences]
    for span, s, i, j in kept:
        tags[s][i] = f"B-{span.label}"
        for t in range(i + 1, j):
            tags[s][t] = f"I-{span.label}"
    return Tagged(tags, kept, findings)


def entity_spans(records: DocRecords) -> list[Labeled]:
    return [Labeled(m["start"], m["end"], e["type"], f"entity {e['entity_id']!r} mention {m['text']!r}")
            for e in records.entities for m in e["mentions"]]


def trigger_spans(records: DocRecords) -> list[Labeled]:
    return [Labeled(ev["trigger"]["start"], ev["trigger"]["end"], ev["type"],
                    f"event {ev['event_id']!r} trigger {ev['trigger']['text']!r}") for ev in records.events]


def _token_rows(doc_id: str, sentences: list[Sentence], tags: list[list[str]], column: str) -> list[dict[str, Any]]:
    return [{
        "doc_id": doc_id,
        "sentence_id": k,
        "tokens": [t.text for t in sent.tokens],
        "token_offsets": [{"start": t.start, "end": t.end} for t in sent.tokens],
        column: tags[k],
    } for k, sent in enumerate(sentences)]


def evidence_sentence(text: str, sentences: list[Sentence], start: int, end: int) -> dict[str, Any]:
    """The sentence, or run of sentences, that holds a span."""
    touched = [s for s in sentences if s.start < end and start < s.end] or [Sentence(start, end, ())]
    a, b = min(touched[0].start, start), max(touched[-1].end, end)
    return {"start": a, "end": b, "text": text[a:b]}


def stance_pairs(records: DocRecords, sentences: list[Sentence]) -> list[dict[str, Any]]:
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
    sentences = split_sentences(records.documents[0]["text"])
    index = token_index(sentences)
    entities = tag(sentences, entity_spans(records), file, index)
    triggers = tag(sentences, trigger_spans(records), file, index)
    rows = {
        "ner": _token_rows(records.doc_id, sentences, entities.tags, "ner_tags"),
        "event_triggers": _token_rows(records.doc_id, sentences, triggers.tags, "trigger_tags"),
        "stance_pairs": stance_pairs(records, sentences),
    }
    return DocViews(sentences, entities, triggers, rows)
