"""``geosignal export --format inception``: a validated corpus -> XMIs, type system, project zip.

It reads the annotation files themselves, not only the records: ids of times, notes, origins
and group members are there, and the import compares against the same files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from builders.source.corpus import ANNOTATION
from builders.findings import Finding
from builders.annotation.yamlio import parse_yaml
from builders.inception import project
from builders.inception.to_xmi import document_xmi


def write(corpus, out: Path, source: Callable[[str], str], corpus_dir: Path | None = None) -> list[Finding]:
    if corpus_dir is None:
        raise ValueError("the INCEpTION export reads the corpus, not a built dataset")
    xmis = {}
    for doc in corpus.docs:
        ann = parse_yaml((corpus_dir / doc.doc_id / ANNOTATION).read_text(encoding="utf-8")).data
        xmis[doc.doc_id] = document_xmi(doc.doc_id, doc.documents[0]["text"], ann)
    project.write(out, xmis)
    return []
