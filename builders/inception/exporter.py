"""``geosignal export --format inception``: a validated corpus -> XMIs, type system, project zip.

It reads the annotation files themselves, not only the records: ids of times, notes, origins
and group members are there, and the import compares against the same files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from builders.source.corpus import ANNOTATION
from builders.findings import Finding, Severity
from builders.annotation.yamlio import parse_yaml
from builders.inception import project
from builders.inception.model import Doc, from_annotation
from builders.inception.to_xmi import document_xmi

# what INCEpTION trims off an annotation (TrimUtils.trimChar): besides Java's whitespace, NBSP and
# the zero-width and direction marks
_TRIMMED = frozenset("\u00a0\u2007\u202f\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                     + "".join(map(chr, range(0x2060, 0x2070))))


def _trimmed(c: str) -> bool:
    return c.isspace() or c in _TRIMMED


def write(corpus, out: Path, source: Callable[[str], str], corpus_dir: Path | None = None) -> list[Finding]:
    if corpus_dir is None:
        raise ValueError("the INCEpTION export reads the corpus, not a built dataset")
    xmis, findings = {}, []
    for doc in corpus.docs:
        text = doc.documents[0]["text"]
        ann = parse_yaml((corpus_dir / doc.doc_id / ANNOTATION).read_text(encoding="utf-8")).data
        findings.extend(edge_findings(source(doc.doc_id), text, from_annotation(text, ann)))
        xmis[doc.doc_id] = document_xmi(doc.doc_id, text, ann)
    project.write(out, xmis)
    return findings


def edge_findings(file: str, text: str, model: Doc) -> list[Finding]:
    """Spans INCEpTION refuses: its import check (CAS doctor, fatal for XMI) rejects a document
    with an annotation that starts or ends with whitespace. GeoSignal accepts such a span, so
    the document is exported, with a warning."""
    spans = [(f"a mention of entity {e.id!r}", s) for e in model.entities.values() for s in e.mentions]
    spans += [(f"time {t.id!r}", t.span) for t in model.times.values()]
    spans += [(f"the trigger of event {ev.id!r}", ev.trigger) for ev in model.events.values()]
    spans += [(f"a {a.role} argument of event {ev.id!r}", a.span) for ev in model.events.values()
              for a in ev.arguments if a.span is not None]
    spans += [(f"the evidence of stance {st.id!r}", st.evidence) for st in model.stances.values()]
    out = []
    for what, (start, end) in spans:
        if _trimmed(text[start]) or _trimmed(text[end - 1]):
            out.append(Finding(file, None, "inception-whitespace-edge",
                               f"{what}, {text[start:end]!r}, starts or ends with whitespace: INCEpTION refuses to import "
                               "the document (its import check)",
                               "quote the span without the surrounding whitespace", Severity.WARNING))
    return out
