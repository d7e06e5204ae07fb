"""One document through the levels, as Universal Dependencies' validate.py runs them: pure.

``check`` takes a document's texts as read (``source/corpus.py`` applies the level-1 file
rules while reading) and runs each level's module in turn: level1 (YAML syntax), level2 (the
annotation schema), level3 (spans, references, records), level4 (guideline lints). A level runs
when what it reads passed the levels below it: a missing source does not hide a YAML or schema
error in the annotation, but spans are resolved only when both files and the schema are clean.
A second annotation (``annotation.b.yaml``, for `geosignal agree`) gets the same checks; its
records are never kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from builders.annotation.links import CrossLink
from builders.annotation.records import DocRecords
from builders.check import level1, level2, level3, level4
from builders.check.duplicates import Fingerprint, fingerprint
from builders.findings import Finding, errors
from builders.source.corpus import DocFolder, DocTexts, read

@dataclass
class Checked:
    """One document after its checks: its records when it had no errors."""

    doc_id: str
    records: DocRecords | None
    findings: list[Finding]
    fingerprint: Fingerprint | None = None
    links: list[CrossLink] = field(default_factory=list)  # to other documents: checked corpus-wide


@dataclass
class Annotated:
    """One annotation file after its checks."""

    findings: list[Finding] = field(default_factory=list)
    records: DocRecords | None = None
    links: list[CrossLink] = field(default_factory=list)


def check(doc: DocTexts, level: int = 4) -> Checked:
    """Every check of one document up to ``level``; no I/O."""
    findings = list(doc.findings)
    fp = fingerprint(*doc.source) if doc.source else None
    source = None if errors(findings) else doc.source  # spans are resolved only against a source that passed level 1
    done = Checked(doc.doc_id, None, findings, fp)
    findings.extend(doc.second_findings)
    if doc.second is not None:
        findings.extend(check_annotation(doc.doc_id, source, doc.second, doc.second_file, level).findings)
    if doc.annotation is None:
        return done
    own = check_annotation(doc.doc_id, source, doc.annotation, doc.annotation_file, level)
    findings.extend(own.findings)
    done.links = own.links
    done.records = own.records if own.records is not None and not errors(findings) else None
    return done


def check_annotation(doc_id: str, source: tuple[bytes, str] | None, text: str, file: str, level: int = 4) -> Annotated:
    """Levels 1 (YAML) to ``level`` of one annotation text; level 3 and up only with a ``source``."""
    parsed, found = level1.parse(text, file)
    out = Annotated(found)
    if parsed is None or level < level2.LEVEL:
        return out
    out.findings.extend(level2.findings(parsed, file))
    if errors(out.findings):
        return out
    if level < level3.LEVEL:
        return out
    out.links = level3.links(parsed, file)
    if source is None:
        return out
    out.records, found = level3.records(doc_id, source, parsed, file)
    out.findings.extend(found)
    if level >= level4.LEVEL and out.records is not None:
        out.findings.extend(level4.findings(out.records, parsed, file))
    return out


def check_folder(folder: DocFolder, level: int = 4) -> Checked:
    """Read one document folder and check it: for the commands that look at one document."""
    return check(read(folder), level)
