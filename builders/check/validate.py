"""Validation in levels, as Universal Dependencies' validate.py does it.

1. files and encoding, YAML syntax; 2. the annotation schema; 3. spans, references, source
sha256, duplicate ids and documents, and every record against its record schema; 4. guideline
lints (warnings). Every document is checked and every finding reported: one bad document never
hides another.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builders.source import corpus as corpus_io
from builders.check import duplicates
from builders.check.duplicates import Fingerprint, fingerprint
from builders.findings import Finding, sort_findings
from builders.annotation.links import CrossLink
from builders.annotation.records import DocRecords, make_records
from builders.schema import CONFIGS, checker
from builders.annotation.yamlio import Parsed, YamlProblem, parse_yaml

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

LEVELS = (1, 2, 3, 4)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    valid: list[str] = field(default_factory=list)  # ids of the documents that passed every check

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


@dataclass
class Checked:
    """One document after validation: its records when it had no errors."""

    doc_id: str
    records: DocRecords | None
    findings: list[Finding]
    fingerprint: Fingerprint | None = None
    links: list[CrossLink] = field(default_factory=list)  # to other documents: checked corpus-wide


def check_document(folder: corpus_io.DocFolder, level: int = 4) -> Checked:
    """All checks of one document folder up to ``level``.

    A check runs when the file it reads passed the levels below it: a missing source does not
    hide a YAML or schema error in the annotation, but spans are resolved only when both files
    and the schema are clean. A second annotation (``annotation.b.yaml``, for `geosignal agree`)
    gets the same checks; its records are never kept.
    """
    source, annotation_text, findings = corpus_io.read_parts(folder)
    fp = fingerprint(*source) if source else None
    done = Checked(folder.doc_id, None, findings, fp)
    if any(f.is_error for f in findings):  # spans are resolved only against a source that passed level 1
        source = None
    second, second_findings = corpus_io.read_second_annotation(folder)
    findings.extend(second_findings)
    if second is not None:
        file = corpus_io.display(folder.second_annotation)
        findings.extend(_check_annotation(folder, source, second, file, level)[0])
    if annotation_text is None:
        return done
    file = corpus_io.display(folder.annotation)
    own, records, links = _check_annotation(folder, source, annotation_text, file, level)
    findings.extend(own)
    done.links = links
    ok = records is not None and not any(f.is_error for f in findings)
    done.records = records if ok else None
    return done


def _check_annotation(folder: corpus_io.DocFolder, source: tuple[bytes, str] | None, text: str, file: str,
                      level: int) -> tuple[list[Finding], DocRecords | None, list[CrossLink]]:
    """Levels 1 (YAML) to 4 of one annotation file of a document: findings, records, cross-document links."""
    findings: list[Finding] = []
    try:
        parsed = parse_yaml(text)
    except YamlProblem as exc:
        return [Finding(file, exc.line, exc.code, exc.message, exc.hint, level=1)], None, []
    if level < 2:
        return findings, None, []
    findings.extend(schema_findings_for(parsed, file))
    if any(f.is_error for f in findings):
        return findings, None, []
    links: list[CrossLink] = []
    if level >= 3:
        from builders.annotation.links import of_annotation

        links = of_annotation(parsed.data, file, parsed.line_of)
    if level < 3 or source is None:
        return findings, None, links
    records, record_findings, _ = make_records(folder.doc_id, source[0], source[1], parsed.data, parsed, file)
    findings.extend(record_findings)
    if records is not None:
        findings.extend(record_schema_findings(records, file))
    if level >= 4 and records is not None:
        from builders.check.lint import lint
        from builders.new import unfilled

        findings.extend(lint(records, parsed, file))
        findings.extend(unfilled(parsed, file))
    return findings, records, links


def validate(paths: list[Path], level: int = 4, workers: int | None = None, cache_dir: Path | None = None) -> Report:
    """Validate every document under the paths; never raises for bad input.

    Documents are checked on ``workers`` processes (default: the machine's cores); the report
    keeps findings only, so memory stays flat however large the corpus. Documents named one by
    one are still compared with every document of their corpus for duplicates (their sources
    are hashed, not validated; with ``cache_dir``, the fingerprints of sources git holds
    unchanged are kept there by blob id).
    """
    from builders.run.pipeline import process

    folders, findings = corpus_io.discover(paths)
    report = Report(findings=list(findings))
    fingerprints = duplicates.Packed()  # one per folder, for the corpus-wide checks
    links: list[list[CrossLink]] = []  # one per folder, mostly empty
    for chunk in process(folders, level, workers):
        for doc in chunk.docs:
            report.findings.extend(doc.findings)
            fingerprints.append(doc.fingerprint)
            links.append(doc.links)
            if doc.valid:
                report.valid.append(doc.doc_id)
    report.checked = len(fingerprints)
    if level >= 3:
        report.findings.extend(corpus_findings(folders, fingerprints, cache_dir, links))
    report.findings = sort_findings(report.findings)
    return report


def load_records(paths: list[Path]) -> list[DocRecords]:
    """The records of every valid document, in memory: for one document or a small corpus."""
    folders, _ = corpus_io.discover(paths)
    return [c.records for c in (check_document(f) for f in folders) if c.records is not None]


def corpus_findings(folders: list[corpus_io.DocFolder], fingerprints: Iterable[Fingerprint | None],
                    cache_dir: Path | None = None, links: Iterable[list[CrossLink]] | None = None) -> list[Finding]:
    """Checks across documents: the same id twice, the same source under two ids (``fingerprints``
    holds one per folder; only they are kept of each document, so memory stays small), and event
    links to another document's event (``links``, one list per folder; links.py)."""
    out: list[Finding] = []
    by_id: dict[str, corpus_io.DocFolder] = {}
    for folder in folders:
        if folder.doc_id in by_id:
            out.append(Finding(corpus_io.display(folder.path), None, "duplicate-doc-id",
                               f"document id {folder.doc_id!r} is used by two folders (also {corpus_io.display(by_id[folder.doc_id].path)})",
                               "validate one corpus at a time, or rename one folder", level=3))
        by_id.setdefault(folder.doc_id, folder)
    memo: dict[Path, dict[str, str]] = {}  # git is asked once for both steps
    others = duplicates.other_fingerprints(folders, cache_dir, memo)
    twins = duplicates.same_blob(folders, memo) if others and cache_dir is not None else {}
    out.extend(duplicates.findings(zip(folders, fingerprints), others, twins))
    if cache_dir is not None:
        duplicates.remember(zip(folders, fingerprints), cache_dir, memo)
    if links is not None:
        from builders.annotation import links as cross

        out.extend(cross.findings(zip(folders, links)))
    return out


def schema_findings_for(parsed: Parsed, file: str) -> list[Finding]:
    """Level 2: every annotation-schema violation, each at its line with a hint."""
    if not isinstance(parsed.data, dict):
        return [Finding(file, 1, "schema", "the annotation file must be a mapping with 'format', 'document', 'entities', 'events' and 'stances'",
                        "start from the template that `geosignal new` writes", level=2)]
    out = []
    for error in checker("annotation").iter_errors(parsed.data, floats=parsed.has_floats):
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


def _leaf(error: "ValidationError") -> "ValidationError":
    """The most specific error under oneOf/anyOf, which otherwise say only 'not valid under any'."""
    from jsonschema.exceptions import best_match

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
