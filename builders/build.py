"""corpus/ -> dist/: validate everything first, write only a corpus without errors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import Finding
from .schema import CONFIGS
from .stats import compute
from .validate import Report, validate


@dataclass
class BuildResult:
    report: Report
    counts: dict[str, int] = field(default_factory=dict)
    written: bool = False


def rows_by_config(report: Report) -> dict[str, list[dict[str, Any]]]:
    return {config: [row for doc in report.documents for row in doc.config(config)] for config in CONFIGS}


def build(corpus: Path, out: Path) -> BuildResult:
    """Validate ``corpus`` and, when it has no errors, write the dataset folder ``out``."""
    from . import card, croissant, provenance, write

    report = validate([corpus])
    result = BuildResult(report)
    if not report.ok:
        return result
    if not report.documents:
        report.findings.append(Finding(str(corpus), None, "empty-corpus", "the corpus has no documents",
                                       "add a document with `geosignal new SOURCE_FILE`", level=1))
        return result
    write.check_output(out)
    rows = rows_by_config(report)
    result.counts = {c: len(r) for c, r in rows.items()}
    stats = compute(rows)
    info = provenance.build_info(corpus)
    languages = sorted({d["language"].split("-")[0] for d in rows["documents"]})
    write.write_dataset(
        rows, out, lambda num_bytes: card.render(result.counts, num_bytes, stats, info, languages),
        parquet_metadata={write.PARQUET_METADATA_KEY: json.dumps(
            {"dataset_version": info.dataset_version, "schema_version": info.schema_version}, sort_keys=True)},
        render_extra=lambda folder: {croissant.FILE: croissant.render(folder, info, languages)},
    )
    result.written = True
    return result
