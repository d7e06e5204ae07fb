"""corpus/ -> dist/: a consumer of the corpus run that streams every chunk's tables to Parquet
and keeps the output only if all is well.

Chunks arrive in corpus order (runner.py) and are written as they come, so memory stays flat;
the output goes to a staged folder that replaces ``out`` only when the whole corpus had no
error. The files are cut into shards at chunk boundaries (write.shard_numbers); with a cache, a
shard whose chunks are all unchanged since the last build into ``out`` is copied from it
(shards.py: verified against the signed build manifest) and its chunks' tables are not read. Nothing of a failed build is left behind. Every document lands in the split its id
hashes to (dataset/splits.py), the same in every config.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from builders.check.corpus import Report
from builders.dataset import splits, stats, write
from builders.findings import Finding
from builders.release import card, croissant, provenance
from builders.run.engine import Engine
from builders.run.outcomes import Job
from builders.run import shards
from builders.run.runner import CorpusRun


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
    engine: Engine | None = None,
    shard_chunks: int = write.SHARD_CHUNKS,
    min_shard_chunks: int = write.MIN_SHARD_CHUNKS,
) -> BuildResult:
    """Validate and convert ``corpus``; write the dataset folder ``out`` only if there is no error.

    With ``redistributable_only`` every document is still checked, but those whose licence forbids
    redistribution are left out of the dataset (they keep their split: the assignment is by id).
    """
    run = CorpusRun([corpus], Job(tables=True, redistributable_only=redistributable_only), workers=workers, cache=cache,
                    engine=engine)
    try:
        return _build(run, corpus, out, shard_bytes, redistributable_only, shard_chunks, min_shard_chunks)
    finally:
        run.close()  # its early worker, if the run stopped before using it


def _build(run: CorpusRun, corpus: Path, out: Path, shard_bytes: int | None, redistributable_only: bool,
           shard_chunks: int, min_shard_chunks: int) -> BuildResult:
    split_config = splits.load_config()
    assignment = splits.assign((f.doc_id for f in run.folders), split_config)
    result = BuildResult(run.report, notes=run.notes)
    total = stats.empty()
    languages: set[str] = set()
    planned = run.plan(assignment)  # the chunk keys: every input file hashed once, for the corpus hash too
    info = provenance.build_info(corpus, run.digests)
    options = {"shard_bytes": shard_bytes} if shard_bytes else {}
    parquet_metadata = {write.PARQUET_METADATA_KEY: json.dumps(
        {"dataset_version": info.dataset_version, "schema_version": info.schema_version}, sort_keys=True)}
    with write.DatasetWriter(out, parquet_metadata=parquet_metadata, protected=[corpus], **options) as writer:
        left_out: set[str] = set()
        numbers = write.shard_numbers([folders[-1].doc_id for folders, _ in planned], shard_chunks, min_shard_chunks)
        built = [shards.Shard([]) for _ in range(numbers[-1] + 1 if numbers else 0)]
        for (_, key), number in zip(planned, numbers):
            built[number].chunks.append(key)
        expected = shards.params(writer, shard_chunks, min_shard_chunks)
        kept: dict[int, list] = {}
        if run.cache is not None:
            previous, note = shards.load(run.cache, out, expected)
            if note:
                run.notes.append(note)
            for number, shard in enumerate(built if previous else []):
                if (found := shards.keep(previous, shard.chunks, writer)) is not None:
                    kept[number], shard.languages = found
        current = None
        for chunk, number in zip(run.batches(assignment, without_tables={i for i, n in enumerate(numbers) if n in kept}),
                                 numbers):
            if number != current:
                if current is not None:
                    shards.record(built[current], writer.end_shard())
                current = number
                for config, split, path, sha, examples, nbytes in kept.get(number, []):
                    writer.keep(config, split, path, sha, examples, nbytes)
            left_out.update(d.doc_id for d in chunk.docs if redistributable_only and d.redistributable is False)
            if run.report.ok and (chunk.tables is not None or (number in kept and chunk.stats is not None)):
                if number not in kept:
                    for split, tables in (chunk.tables or {}).items():
                        writer.add(split, tables)
                        built[number].languages.update(
                            lang.split("-")[0] for lang in tables["documents"].column("language").to_pylist())
                total = stats.merge(total, chunk.stats)
        if current is not None:
            shards.record(built[current], writer.end_shard())
        for shard in built:  # a kept shard's languages come from the manifest, a written one's from its rows
            languages.update(shard.languages)
        report = run.finish()
        result.from_cache = run.from_cache
        if report.ok and (refusal := _refusal(corpus, len(run.folders), len(left_out))) is not None:
            report.findings.append(refusal)
        if not report.ok:
            return result
        held = {doc_id: split for doc_id, split in assignment.items() if doc_id not in left_out}
        licences = card.Licences(total["documents_by_license"], total["documents_redistributable"], len(left_out))
        langs = sorted(languages)
        written = writer.commit(
            lambda files: card.render(files, total, split_config, info, langs, held, licences),
            render_extra=lambda folder: {croissant.FILE: croissant.render(folder, info, langs, licences)},
        )
    if run.cache is not None:
        shards.store(run.cache, out, expected, built, written)
    result.counts = card.counts_of(written)
    result.splits = held
    result.written = True
    return result


def _refusal(corpus: Path, documents: int, left_out: int) -> Finding | None:
    """Why a corpus without errors still gives no dataset: it is empty, or nothing is left to publish."""
    if not documents:
        return Finding(str(corpus), None, "empty-corpus", "the corpus has no documents",
                       "add a document with `geosignal new SOURCE_FILE`", level=1)
    if left_out and left_out == documents:
        return Finding(str(corpus), None, "nothing-redistributable",
                       "--redistributable-only left out every document: no licence allows redistribution",
                       "build without --redistributable-only for local use, or add openly licensed documents", level=3)
    return None
