"""The per-document step of the corpus run: a document's texts in, its outcome out. Pure.

Raw source and annotation text(s), as ``source/corpus.py`` read them, go through the checks
(check/document.py); a valid document then gives, as the run asks (``Job``), its records and its
training views (dataset/views.py); the runner counts a chunk's records at once (dataset/stats.py).
No file is read or written here and nothing is cached: the runner (runner.py) does that around
it, chunk by chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

from builders.annotation.records import DocRecords
from builders.check.document import check
from builders.dataset.views import DocViews, doc_views
from builders.run.outcomes import DocOutcome, Job
from builders.source.corpus import DocTexts


@dataclass
class DocResult:
    outcome: DocOutcome
    records: DocRecords | None = None  # kept: valid, and not left out for its licence
    views: DocViews | None = None  # the training views, when tables are asked for


def step(doc: DocTexts, job: Job) -> DocResult:
    """Check one document and derive what the run asks of it."""
    checked = check(doc, job.level)
    records = checked.records
    redistributable = records.documents[0]["license"]["redistributable"] if records is not None else None
    kept = records if records is not None and (redistributable or not job.redistributable_only) else None
    findings = checked.findings
    result = DocResult(DocOutcome(doc.doc_id, findings, checked.fingerprint, records is not None, checked.links,
                                  redistributable), kept)
    if kept is None:
        return result
    if job.tables:
        views = doc_views(kept, doc.annotation_file)
        result.views = views
        result.outcome.findings = findings + views.findings
    return result
