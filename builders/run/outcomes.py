"""What the corpus run hands back: per document, and per chunk of documents.

Plain data, so that a chunk's result can travel from a worker process (or a Dask worker) and
be kept in the cache (chunkcache.py writes it as JSON and Arrow, never as pickle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from builders.annotation.links import CrossLink
from builders.annotation.records import DocRecords
from builders.check.duplicates import Fingerprint
from builders.findings import Finding

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class Job:
    """What a run asks of every document: its checks up to ``level``, and beyond its findings
    ``counts`` (statistics), ``tables`` (its rows as Arrow tables, training views included, to
    write the dataset) or ``records`` (the records themselves, in memory; never cached).
    ``redistributable_only`` checks every document but leaves out of tables, counts and records
    those whose licence forbids redistribution. Tables and counts by split need each document's
    split: ``CorpusRun.batches(splits)``."""

    level: int = 4
    counts: bool = False
    tables: bool = False
    records: bool = False
    redistributable_only: bool = False


@dataclass
class DocOutcome:
    """One document's outcome, as every consumer of the run sees it."""

    doc_id: str
    findings: list[Finding]
    fingerprint: Fingerprint | None
    valid: bool  # every check passed and the records were built
    links: list[CrossLink] = field(default_factory=list)  # cross-document event links, checked corpus-wide
    redistributable: bool | None = None  # the licence's answer, for a document whose records were built


@dataclass
class ChunkResult:
    """A chunk's documents in corpus order, and what they give together when all of them are valid."""

    docs: list[DocOutcome]
    tables: dict[str, dict[str, "pa.Table"]] | None  # split -> config -> rows; None unless asked for and all valid
    stats: dict[str, Any] | None  # counts; None unless asked for and all valid
    split_stats: dict[str, dict[str, Any]] | None = None  # split -> counts, when the documents had splits
    cached: bool = False
    note: str | None = None  # a cache entry that was there but not used, in one line
    records: list[DocRecords] | None = None  # with Job.records: the kept documents' records
