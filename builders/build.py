"""corpus/ -> dist/: validate everything first, write only a corpus without errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Finding, sort_findings
from .schema import ALL_CONFIGS, CONFIGS, VIEWS
from .stats import compute
from .validate import Report, validate


@dataclass
class BuildResult:
    report: Report
    counts: dict[str, int] = field(default_factory=dict)
    splits: dict[str, str] = field(default_factory=dict)  # doc id -> split
    written: bool = False


def rows_by_config(report: Report) -> dict[str, list[dict[str, Any]]]:
    return {config: [row for doc in report.documents for row in doc.config(config)] for config in CONFIGS}


def view_rows(report: Report, corpus: Path) -> tuple[dict[str, list[dict[str, Any]]], list[Finding]]:
    """The training views of every document, and what their token rows had to leave out."""
    from .corpus import ANNOTATION, display
    from .views import doc_views

    rows: dict[str, list[dict[str, Any]]] = {config: [] for config in VIEWS}
    findings: list[Finding] = []
    for doc in report.documents:
        views = doc_views(doc, display(corpus / doc.doc_id / ANNOTATION))
        for config in VIEWS:
            rows[config].extend(views.rows[config])
        findings.extend(views.findings)
    return rows, findings


def by_split(rows: dict[str, list[dict[str, Any]]], assignment: dict[str, str], names: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """rows[config] -> rows[config][split], every config split by the one doc-id assignment."""
    return {config: {name: [r for r in config_rows if assignment[r["doc_id"]] == name] for name in names}
            for config, config_rows in rows.items()}


def build(corpus: Path, out: Path) -> BuildResult:
    """Validate ``corpus`` and, when it has no errors, write the dataset folder ``out``."""
    from . import card, write

    report = validate([corpus])
    result = BuildResult(report)
    if not report.ok:
        return result
    if not report.documents:
        report.findings.append(Finding(str(corpus), None, "empty-corpus", "the corpus has no documents",
                                       "add a document with `geosignal new SOURCE_FILE`", level=1))
        return result
    write.check_output(out)
    from . import splits

    split_config = splits.load_config()
    rows = rows_by_config(report)
    views, findings = view_rows(report, corpus)
    report.findings = sort_findings(report.findings + findings)
    rows.update(views)
    result.counts = {c: len(rows[c]) for c in ALL_CONFIGS}
    result.splits = splits.assign(doc.doc_id for doc in report.documents)
    parts = by_split(rows, result.splits, split_config.names)
    stats = compute(rows)
    write.write_dataset(parts, out, lambda num_bytes: card.render(parts, num_bytes, stats, split_config))
    result.written = True
    return result
