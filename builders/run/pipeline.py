"""Document folders -> results in corpus order, on N worker processes, with an incremental cache.

Documents travel in small chunks whose boundaries depend only on the doc ids (content-defined,
like rsync's rolling boundaries), so adding or editing a document changes one chunk and no
other. A chunk is the unit of work for a worker and the unit of the cache: its key covers the
builder's code, the schemas and every byte of its documents, so an unchanged chunk is read back
instead of being rebuilt. Results come back in corpus order, a bounded number at a time, so
memory stays flat however large the corpus.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from builders.__about__ import __version__
from builders.run import gctune
from builders.source.corpus import DocFolder
from builders.check.duplicates import Fingerprint
from builders.findings import Finding
from builders.annotation.records import DocRecords
from builders.schema import ALL_CONFIGS, CONFIGS, schema_dir
from builders.files import PACKAGE
from builders.check.validate import check_document

if TYPE_CHECKING:
    import pyarrow as pa

    from builders.run.engine import Engine

AVERAGE_CHUNK = 32  # documents per chunk on average: an edit rebuilds ~32 documents (a fraction of a second)
MAX_CHUNK = 128
WINDOW = 8  # chunks in flight per worker: bounds memory whatever the corpus size


@dataclass
class DocOutcome:
    doc_id: str
    findings: list[Finding]
    fingerprint: Fingerprint | None
    valid: bool  # every check passed and the records were built
    links: list = field(default_factory=list)  # cross-document event links (links.CrossLink), checked corpus-wide
    redistributable: bool | None = None  # the licence's answer, for a document whose records were built


@dataclass
class ChunkResult:
    docs: list[DocOutcome]
    tables: dict[str, dict[str, "pa.Table"]] | None  # split -> config -> rows; None when a document has errors
    stats: dict[str, Any] | None
    cached: bool = False
    note: str | None = None  # a cache entry that was there but not used, in one line


def default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "geosignal"


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@cache
def code_fingerprint() -> str:
    """Builder version + the schema files + the builder's own source: any change rebuilds everything."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(schema_dir().glob("*.json")) + sorted(PACKAGE.rglob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def chunks(folders: list[DocFolder]) -> Iterator[list[DocFolder]]:
    """Cut after a document whose id hashes to 0 mod AVERAGE_CHUNK: edits stay local."""
    chunk: list[DocFolder] = []
    for folder in folders:
        chunk.append(folder)
        ends = int.from_bytes(hashlib.sha256(folder.doc_id.encode()).digest()[:4], "big") % AVERAGE_CHUNK == 0
        if ends or len(chunk) >= MAX_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def chunk_key(folders: list[DocFolder], level: int, splits: list[str] | None, stats: bool = False,
              redistributable_only: bool = False) -> str | None:
    """Content key of a chunk; None when a file cannot be read plainly (never cached)."""
    h = hashlib.sha256(f"{code_fingerprint()}\0{level}\0{splits is not None}\0{stats}\0{redistributable_only}\0".encode())
    for i, folder in enumerate(folders):
        h.update(folder.doc_id.encode() + b"\0" + (splits[i] if splits else "").encode() + b"\0")
        for path in (folder.source, folder.annotation, folder.second_annotation):
            if path == folder.second_annotation and not os.path.lexists(path):
                h.update(b"-")
                continue
            digest = _regular_file_sha256(path)
            if digest is None:
                return None
            h.update(digest)
    return h.hexdigest()


def _regular_file_sha256(path: Path, limit: int = 64 * 1024 * 1024) -> bytes | None:
    """The sha256 of a regular file, never opening anything else (a FIFO would block, a link
    could point anywhere): checked before the open and again on the open file."""
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            return hashlib.file_digest(f, "sha256").digest()
    except OSError:
        return None


def tables_of(records: list[DocRecords], configs: Iterable[str], views: list[dict[str, list[dict]]] | None = None
              ) -> dict[str, "pa.Table"]:
    """Rows of some documents as Arrow tables, one per config (no schema metadata: the writer adds it)."""
    import pyarrow as pa

    from builders.schema import arrow_schema
    from builders.dataset.write import encode_rows

    def rows(config: str) -> list[dict]:
        if config in CONFIGS:
            return [r for doc in records for r in doc.config(config)]
        return [r for v in views or [] for r in v[config]]

    return {c: pa.Table.from_pylist(encode_rows(c, rows(c)), schema=arrow_schema(c).remove_metadata()) for c in configs}


def process_chunk(folders: list[DocFolder], level: int, cache_dir: Path | None,
                  splits: list[str] | None = None, stats: bool = False,
                  redistributable_only: bool = False) -> ChunkResult:
    """Check a chunk of documents; with ``splits`` (one per document) also build its tables,
    training views included, grouped by split, and count them; with ``stats`` only count them.
    ``redistributable_only`` checks every document but leaves out of tables and counts those
    whose licence forbids redistribution."""
    stats = stats or splits is not None
    from builders.run import chunkcache

    key = chunk_key(folders, level, splits, stats, redistributable_only) if cache_dir is not None else None
    note = None
    if key is not None:
        hit, note = chunkcache.load(cache_dir, key, [f.doc_id for f in folders])
        if hit is not None:
            return hit
    from builders.source.corpus import display
    from builders.dataset.stats import compute, merge

    docs, records, views, counts, picked_splits, valid = [], [], [], None, [], 0
    for i, folder in enumerate(folders):
        checked = check_document(folder, level)
        findings = checked.findings
        redistributable = checked.records.documents[0]["license"]["redistributable"] if checked.records else None
        valid += checked.records is not None
        if checked.records is not None and (redistributable or not redistributable_only):
            records.append(checked.records)
            picked_splits.append(splits[i] if splits is not None else None)
            if stats:
                counts = merge(counts, compute({c: checked.records.config(c) for c in CONFIGS}))
            if splits is not None:
                from builders.dataset.views import doc_views

                doc = doc_views(checked.records, display(folder.annotation))
                views.append(doc.rows)
                findings = findings + doc.findings
        docs.append(DocOutcome(folder.doc_id, findings, checked.fingerprint,
                               checked.records is not None, checked.links, redistributable))
    tables = None
    if splits is not None and valid == len(folders):
        tables = {}
        for split in sorted(set(picked_splits)):
            picked = [i for i, s in enumerate(picked_splits) if s == split]
            tables[split] = tables_of([records[i] for i in picked], ALL_CONFIGS, [views[i] for i in picked])
    result = ChunkResult(docs, tables, (counts or (compute({}) if stats else None)) if valid == len(folders) else None)
    if key is not None:
        chunkcache.store(cache_dir, key, result)
    result.note = note
    return result


def run_chunk(folders: list[DocFolder], level: int, cache_dir: Path | None,
              splits: list[str] | None = None, stats: bool = False,
              redistributable_only: bool = False) -> ChunkResult:
    """``process_chunk``, the step every engine runs; a document that breaks it becomes a finding
    on that document (found by checking the chunk's documents one by one), never a failed job."""
    try:
        return process_chunk(folders, level, cache_dir, splits, stats, redistributable_only)
    except Exception as exc:  # noqa: BLE001 - reported as a finding; GEOSIGNAL_DEBUG=1 raises it
        if os.environ.get("GEOSIGNAL_DEBUG"):
            raise
        if len(folders) == 1:
            return failed_chunk(folders, "internal-error", f"checking this document raised {type(exc).__name__}: {exc}")
    docs = [doc for i, folder in enumerate(folders) for doc in run_chunk(
        [folder], level, None, [splits[i]] if splits is not None else None, stats, redistributable_only).docs]
    if all(doc.valid for doc in docs):  # no document alone breaks it: the chunk as a whole did
        return failed_chunk(folders, "internal-error", "building the tables of this document's chunk raised an error")
    return ChunkResult(docs, None, None)


def failed_chunk(folders: list[DocFolder], code: str, message: str) -> ChunkResult:
    """Every document of a chunk that could not be processed, as an error finding on its annotation."""
    from builders.source.corpus import display

    hint = ("a bug in GeoSignal or a library, not a mistake in the document: please report it "
            "(GEOSIGNAL_DEBUG=1 shows the traceback with --engine local)")
    return ChunkResult([DocOutcome(f.doc_id, [Finding(display(f.annotation), None, code, message, hint, level=1)],
                                   None, False) for f in folders], None, None)


def lost_chunk(args: tuple, error: BaseException) -> ChunkResult:
    """A chunk whose workers kept dying (an engine's ``lost`` callback): findings, not a failed job."""
    folders = args[0]
    return failed_chunk(folders, "worker-lost", f"the workers processing this document's chunk ({len(folders)} "
                        f"documents) died repeatedly ({type(error).__name__}); a document may exhaust memory")


@gctune.during
def process(
    folders: list[DocFolder], level: int = 4, workers: int | None = None, cache_dir: Path | None = None,
    splits: dict[str, str] | None = None, stats: bool = False, redistributable_only: bool = False,
    engine: "Engine | None" = None,
) -> Iterator[ChunkResult]:
    """Chunk results in the order of ``folders``; with workers > 1, computed on that many processes,
    or with ``engine`` wherever it runs them (engine.py).

    ``splits`` (doc id -> split) asks for the tables of the dataset and their counts, ``stats``
    for the counts only; without either, only the checks run.
    """
    work = [(chunk, [splits[f.doc_id] for f in chunk] if splits is not None else None) for chunk in chunks(folders)]
    if engine is not None:
        yield from engine.map(run_chunk, [(chunk, level, cache_dir, chunk_splits, stats, redistributable_only)
                                          for chunk, chunk_splits in work], lost=lost_chunk)
        return
    workers = workers or default_workers()
    if workers <= 1 or len(work) <= 1:
        for chunk, chunk_splits in work:
            yield run_chunk(chunk, level, cache_dir, chunk_splits, stats, redistributable_only)
        return
    if splits is not None and cache_dir is None:  # every chunk will need spaCy: load it once here
        # for the forked workers to inherit; with a cache, a rebuild may need it for no chunk at all
        from builders.dataset.tokens import pipeline

        pipeline()
    with ProcessPoolExecutor(max_workers=workers, initializer=gctune.worker_init) as pool:
        pending: deque = deque()
        for chunk, chunk_splits in work:
            pending.append(pool.submit(run_chunk, chunk, level, cache_dir, chunk_splits, stats, redistributable_only))
            if len(pending) >= workers * WINDOW:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
