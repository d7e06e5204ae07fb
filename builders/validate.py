"""Validation in levels, as Universal Dependencies' validate.py does it.

1. files and encoding, YAML syntax; 2. the annotation schema; 3. spans, references, source
sha256, duplicate ids and documents, and every record against its record schema; 4. guideline
lints (warnings). Every document is checked and every finding reported: one bad document never
hides another.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from . import corpus as corpus_io
from .findings import Finding, sort_findings
from .records import DocRecords, make_records, sha256
from .schema import CONFIGS, checker
from .yamlio import Parsed, YamlProblem, parse_yaml

LEVELS = (1, 2, 3, 4)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


@dataclass
class Checked:
    """One document after validation: its records when it had no errors."""

    doc_id: str
    records: DocRecords | None
    findings: list[Finding]
    source_sha256: str | None = None


def check_document(folder: corpus_io.DocFolder, level: int = 4) -> Checked:
    """All checks of one document folder up to ``level``."""
    doc, findings = corpus_io.read(folder)
    if doc is None:
        return Checked(folder.doc_id, None, findings)
    file = corpus_io.display(folder.annotation)
    try:
        parsed = parse_yaml(doc.annotation_text)
    except YamlProblem as exc:
        findings.append(Finding(file, exc.line, exc.code, exc.message, exc.hint, level=1))
        return Checked(folder.doc_id, None, findings)
    if level < 2:
        return Checked(folder.doc_id, None, findings)
    schema_findings = schema_findings_for(parsed, file)
    findings.extend(schema_findings)
    if schema_findings or level < 3:
        return Checked(folder.doc_id, None, findings)
    records, record_findings, _ = make_records(folder.doc_id, doc.source_bytes, doc.raw_text, parsed.data, parsed, file)
    findings.extend(record_findings)
    if records is not None:
        findings.extend(record_schema_findings(records, file))
    if level >= 4 and records is not None:
        from .lint import lint

        findings.extend(lint(records, parsed, file))
    ok = records is not None and not any(f.is_error for f in findings)
    return Checked(folder.doc_id, records if ok else None, findings, sha256(doc.source_bytes))


def validate(paths: list[Path], level: int = 4, workers: int | None = None) -> Report:
    """Validate every document under the paths; never raises for bad input.

    Documents are checked on ``workers`` processes (default: the machine's cores); the report
    keeps findings only, so memory stays flat however large the corpus.
    """
    from .pipeline import process

    folders, findings = corpus_io.discover(paths)
    report = Report(findings=list(findings))
    checked = []
    for chunk in process(folders, level, workers):
        for doc in chunk.docs:
            report.findings.extend(doc.findings)
            checked.append(Checked(doc.doc_id, None, [], doc.source_sha256))
    report.checked = len(checked)
    if level >= 3:
        report.findings.extend(_corpus_findings(folders, checked))
    report.findings = sort_findings(report.findings)
    return report


def load_records(paths: list[Path]) -> list[DocRecords]:
    """The records of every valid document, in memory: for one document or a small corpus."""
    folders, _ = corpus_io.discover(paths)
    return [c.records for c in (check_document(f) for f in folders) if c.records is not None]


def _corpus_findings(folders: list[corpus_io.DocFolder], checked: list[Checked]) -> list[Finding]:
    """Checks across documents: the same id twice, the same source under two ids."""
    out: list[Finding] = []
    by_id: dict[str, corpus_io.DocFolder] = {}
    for folder in folders:
        if folder.doc_id in by_id:
            out.append(Finding(corpus_io.display(folder.path), None, "duplicate-doc-id",
                               f"document id {folder.doc_id!r} is used by two folders (also {corpus_io.display(by_id[folder.doc_id].path)})",
                               "validate one corpus at a time, or rename one folder", level=3))
        by_id.setdefault(folder.doc_id, folder)
    by_sha: dict[str, str] = {}
    for folder, item in zip(folders, checked):
        if item.source_sha256 is None:
            continue
        if item.source_sha256 in by_sha:
            out.append(Finding(corpus_io.display(folder.source), None, "duplicate-document",
                               f"this source is byte-identical to the source of {by_sha[item.source_sha256]!r}",
                               "the article is already in the corpus: remove this copy and add annotations to the existing document",
                               level=3))
        else:
            by_sha[item.source_sha256] = folder.doc_id
    return out


def schema_findings_for(parsed: Parsed, file: str) -> list[Finding]:
    """Level 2: every annotation-schema violation, each at its line with a hint."""
    if not isinstance(parsed.data, dict):
        return [Finding(file, 1, "schema", "the annotation file must be a mapping with 'format', 'document', 'entities', 'events' and 'stances'",
                        "start from the template that `geosignal new` writes", level=2)]
    out = []
    for error in checker("annotation").iter_errors(parsed.data):
        leaf = _leaf(error)
        out.append(Finding(file, parsed.line_of(tuple(leaf.absolute_path)), _code(leaf), _message(leaf), _hint(leaf), level=2))
    return out


def record_schema_findings(records: DocRecords, file: str) -> list[Finding]:
    """Every record against its record schema, before anything is written."""
    out = []
    for config, name in CONFIGS.items():
        for record in records.config(config):
            for error in checker(name).iter_errors(record):
                where = "/".join(str(p) for p in error.absolute_path)
                out.append(Finding(file, None, "record-schema", f"{config} record {where or '(root)'}: {error.message}",
                                   "this record breaks schema/" + name + ".schema.json; fix the annotation it comes from", level=3))
    return out


def _leaf(error: ValidationError) -> ValidationError:
    """The most specific error under oneOf/anyOf, which otherwise say only 'not valid under any'."""
    while error.context:
        error = best_match(error.context)
    return error


def _code(error: ValidationError) -> str:
    return {"enum": "unknown-label", "const": "unknown-label", "required": "missing-field",
            "additionalProperties": "unknown-field", "unevaluatedProperties": "unknown-field",
            "type": "wrong-type"}.get(str(error.validator), "schema")


def _where(error: ValidationError) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
    return path or "the file"


def _message(error: ValidationError) -> str:
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"{_where(error)}: unknown field(s) {', '.join(map(repr, extra))}"
    return f"{_where(error)}: {error.message}"


def _hint(error: ValidationError) -> str:
    schema: Any = error.schema
    if error.validator == "enum":
        options = [v for v in schema["enum"] if v is not None]
        close = difflib.get_close_matches(str(error.instance), [str(o) for o in options], n=1, cutoff=0.5)
        return (f"did you mean {close[0]!r}? " if close else "") + f"use one of: {', '.join(map(str, options))} (see ANNOTATION.md)"
    if error.validator == "const":
        return f"write {schema['const']!r}"
    if error.validator == "required":
        return "add the missing field (see the template that `geosignal new` writes)"
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        allowed = sorted(schema.get("properties", {}))
        return f"remove or rename it; allowed here: {', '.join(allowed)}" if allowed else "remove it"
    if error.validator == "type":
        return f"write a value of type {error.validator_value}"
    if error.validator == "pattern":
        return f"the value must match the pattern {error.validator_value}"
    if error.validator in ("minimum", "minItems", "minLength"):
        return f"the smallest allowed is {error.validator_value}"
    return "see schema/annotation.schema.json for what is allowed here"
