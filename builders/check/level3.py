"""Level 3: spans, offsets and references, within one document.

Quoted spans resolve in the clean text and explicit offsets match it (``annotation/resolve.py``),
references name what exists (a ``time`` argument a time expression, group members and the
author's entity), ids are unique, the source's sha256 is the one annotated
(``annotation/records.py``), and every record the document gives passes its record schema
before anything is written. The document's links to events of other documents are handed on
(``links``): only the corpus-level check (check/corpus.py) can see their targets, as it sees
duplicate ids and duplicate articles.
"""

from __future__ import annotations

from builders.annotation.links import CrossLink, of_annotation
from builders.annotation.records import DocRecords, make_records
from builders.annotation.yamlio import Parsed
from builders.findings import Finding
from builders.schema import CONFIGS, checker, records_valid

LEVEL = 3


def records(doc_id: str, source: tuple[bytes, str], parsed: Parsed, file: str) -> tuple[DocRecords | None, list[Finding]]:
    """The document's records (None when any error was found) and the findings of this level."""
    built, found = make_records(doc_id, source[0], source[1], parsed.data, parsed, file)
    if built is not None:
        found.extend(record_schema_findings(built, file))
    return built, found


def links(parsed: Parsed, file: str) -> list[CrossLink]:
    """The annotation's links to events of other documents, for the corpus-level check."""
    return of_annotation(parsed.data, file, parsed.line_of)


def record_schema_findings(records: DocRecords, file: str) -> list[Finding]:
    """Every record against its record schema, before anything is written."""
    valid = records_valid()
    if valid is not None and valid({config: records.config(config) for config in CONFIGS}):
        return []
    out = []
    for config, name in CONFIGS.items():
        for record in records.config(config):
            for error in checker(name).iter_errors(record):
                where = "/".join(str(p) for p in error.absolute_path)
                out.append(Finding(file, None, "record-schema", f"{config} record {where or '(root)'}: {error.message}",
                                   "this record breaks schema/" + name + ".schema.json; fix the annotation it comes from", level=LEVEL))
    return out
