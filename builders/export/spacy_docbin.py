"""spaCy DocBin: ``<split>.spacy``, one ``Doc`` per document, tokenized as the token views are.

``doc.text`` is ``documents.text``; ``doc.user_data["doc_id"]`` names the document. Entities are
``doc.ents`` (the mentions the ``ner`` config tags: spaCy's entities cannot overlap either), with
the entity id as ``ent_id_`` and the Wikidata id as ``kb_id_``. Span groups hold what may
overlap: ``mentions`` (every mention on token boundaries), ``events`` (triggers labelled with
the event type, ``id_`` the event id) and ``stances`` (evidence labelled with the polarity,
``id_`` the stance id). A span off token boundaries is left out and reported, never shifted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from builders.findings import Finding
from builders.annotation.records import DocRecords
from builders.dataset.tokens import doc as make_doc
from builders.dataset.views import doc_views, tag, Labeled


def to_doc(records: DocRecords, file: str) -> tuple["object", list[Finding]]:
    from spacy.tokens import Span

    views = doc_views(records, file)
    doc = make_doc(records.documents[0]["text"])
    doc.user_data["doc_id"] = records.doc_id
    entities = {e["entity_id"]: e for e in records.entities}
    by_span = {}
    for e in records.entities:
        for m in e["mentions"]:
            by_span.setdefault((m["start"], m["end"], e["type"]), e)

    def span(start: int, end: int, label: str, span_id: str = "", kb_id: str = "") -> Span:
        return doc.char_span(start, end, label=label, kb_id=kb_id or "", span_id=span_id)

    ents = []
    for labeled, *_ in views.entities.kept:
        ent = by_span[(labeled.start, labeled.end, labeled.label)]
        ents.append(span(labeled.start, labeled.end, labeled.label, ent["entity_id"], ent["kb_id"]))
    doc.ents = ents
    mentions = [span(m["start"], m["end"], e["type"], e["entity_id"], e["kb_id"])
                for e in entities.values() for m in e["mentions"]]
    doc.spans["mentions"] = [s for s in mentions if s is not None]
    triggers = [span(ev["trigger"]["start"], ev["trigger"]["end"], ev["type"], ev["event_id"]) for ev in records.events]
    doc.spans["events"] = [s for s in triggers if s is not None]
    evidence = [(st, span(st["evidence"]["start"], st["evidence"]["end"], st["polarity"], st["stance_id"]))
                for st in records.stances]
    doc.spans["stances"] = [s for _, s in evidence if s is not None]
    off = [Labeled(st["evidence"]["start"], st["evidence"]["end"], st["polarity"], f"stance {st['stance_id']!r} evidence")
           for st, s in evidence if s is None]
    findings = views.findings + tag(views.tokens, off, file).findings
    return doc, findings


def write(corpus, out: Path, source: Callable[[str], str]) -> list[Finding]:
    from spacy.tokens import DocBin

    findings: list[Finding] = []
    for split, docs in corpus.by_split().items():
        docbin = DocBin(store_user_data=True)
        for records in docs:
            doc, doc_findings = to_doc(records, source(records.doc_id))
            docbin.add(doc)
            findings.extend(doc_findings)
        (out / f"{split}.spacy").write_bytes(docbin.to_bytes())
    return findings
