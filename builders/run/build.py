"""corpus/ -> dist/: check and convert every document, stream it to Parquet, keep it only if all is well.

Documents are processed on worker processes and written in corpus order as they arrive, so
memory stays flat; the output goes to a temporary folder that replaces ``out`` only when the
whole corpus had no error. Nothing of a failed build is left behind. Every document lands in
the split its id hashes to (splits.py), the same in every config.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from builders.source import corpus as corpus_io
from builders.check import duplicates
from builders.findings import Finding, sort_findings
from builders.check.validate import Report, corpus_findings

if TYPE_CHECKING:
    from builders.run.engine import Engine


@dataclass
class BuildResult:
    report: Report
    counts: dict[str, int] = field(default_factory=dict)
    splits: dict[str, str] = field(default_factory=dict)  # doc id -> split
    written: bool = False
    from_cache: int = 0  # documents served from the cache
    notes: list[str] = field(default_factory=list)  # one line each: cache entries not used, a cache not usable


def build(
    corpus: Path,
    out: Path,
    workers: int | None = None,
    cache: Path | None = None,
    shard_bytes: int | None = None,
    redistributable_only: bool = False,
    engine: "Engine | None" = None,
) -> BuildResult:
    """Validate and convert ``corpus``; write the dataset folder ``out`` only if there is no error.

    With ``redistributable_only`` every document is still checked, but those whose licence forbids
    redistribution are left out of the dataset (they keep their split: the assignment is by id).
    ``engine`` runs the per-chunk step elsewhere (engine.py: a Dask cluster); the bytes are the same.
    """
    from builders.release import card, croissant, provenance
    from builders.run import chunkcache
    from builders.dataset import splits, stats, write
    from builders.run.pipeline import process

    folders, findings = corpus_io.discover([corpus])
    split_config = splits.load_config()
    assignment = splits.assign((f.doc_id for f in folders), split_config)
    report = Report(findings=list(findings))
    result = BuildResult(report)
    if cache is not None and (why := chunkcache.usable(cache)) is not None:
        result.notes.append(why)
        cache = None
    total = stats.empty()
    languages: set[str] = set()
    fingerprints = duplicates.Packed()
    links: list[list] = []  # cross-document event links, one list per folder
    info = provenance.build_info(corpus)
    options = {"shard_bytes": shard_bytes} if shard_bytes else {}
    parquet_metadata = {write.PARQUET_METADATA_KEY: json.dumps(
        {"dataset_version": info.dataset_version, "schema_version": info.schema_version}, sort_keys=True)}
    with write.DatasetWriter(out, parquet_metadata=parquet_metadata, protected=[corpus], **options) as writer:
        left_out: set[str] = set()
        for chunk in process(folders, 4, workers, cache, assignment, redistributable_only=redistributable_only,
                             engine=engine):
            for doc in chunk.docs:
                if redistributable_only and doc.redistributable is False:
                    left_out.add(doc.doc_id)
                report.findings.extend(doc.findings)
                fingerprints.append(doc.fingerprint)
                links.append(doc.links)
            result.from_cache += len(chunk.docs) if chunk.cached else 0
            if chunk.note:
                result.notes.append(chunk.note)
            if chunk.tables is not None and report.ok:
                for split, tables in chunk.tables.items():
                    writer.add(split, tables)
                    languages.update(lang.split("-")[0] for lang in tables["documents"].column("language").to_pylist())
                total = stats.merge(total, chunk.stats)
        report.checked = len(fingerprints)
        report.findings.extend(corpus_findings(folders, fingerprints, links=links))
        report.findings = sort_findings(report.findings)
        if not report.ok:
            return result
        if not folders:
            report.findings.append(Finding(str(corpus), None, "empty-corpus", "the corpus has no documents",
                                           "add a document with `geosignal new SOURCE_FILE`", level=1))
            return result
        if left_out and len(left_out) == len(folders):
            report.findings.append(Finding(str(corpus), None, "nothing-redistributable",
                                           "--redistributable-only left out every document: no licence allows redistribution",
                                           "build without --redistributable-only for local use, or add openly licensed documents", level=3))
            return result
        langs = sorted(languages)
        held = {doc_id: split for doc_id, split in assignment.items() if doc_id not in left_out}
        licences = card.Licences(total["documents_by_license"], total["documents_redistributable"], len(left_out))
        written = writer.commit(
            lambda files: card.render(files, total, split_config, info, langs, held, licences),
            render_extra=lambda folder: {croissant.FILE: croissant.render(folder, info, langs, licences)},
        )
    result.counts = card.counts_of(written)
    result.splits = held
    result.written = True
    return result
