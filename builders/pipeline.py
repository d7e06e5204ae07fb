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
import pickle
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .corpus import DocFolder
from .duplicates import Fingerprint
from .findings import Finding
from .records import DocRecords
from .schema import CONFIGS, schema_dir
from .validate import check_document

if TYPE_CHECKING:
    import pyarrow as pa

AVERAGE_CHUNK = 8  # documents per chunk on average
MAX_CHUNK = 64
WINDOW = 8  # chunks in flight per worker: bounds memory whatever the corpus size


@dataclass
class DocOutcome:
    doc_id: str
    findings: list[Finding]
    source_sha256: str | None
    fingerprint: Fingerprint | None
    valid: bool  # every check passed and the records were built


@dataclass
class ChunkResult:
    docs: list[DocOutcome]
    tables: dict[str, "pa.Table"] | None  # config -> the chunk's rows; None when a document has errors
    stats: dict[str, Any] | None
    cached: bool = False


def default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "geosignal"


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@cache
def code_fingerprint() -> str:
    """Builder version + the schema files + the builder's own source: any change rebuilds everything."""
    h = hashlib.sha256(__version__.encode())
    for path in sorted(schema_dir().glob("*.json")) + sorted(Path(__file__).parent.glob("*.py")):
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


def chunk_key(folders: list[DocFolder], level: int) -> str | None:
    """Content key of a chunk; None when a file cannot be read plainly (never cached)."""
    h = hashlib.sha256(f"{code_fingerprint()}\0{level}\0".encode())
    for folder in folders:
        h.update(folder.doc_id.encode() + b"\0")
        for path in (folder.source, folder.annotation):
            try:
                if path.is_symlink() or path.stat().st_size > 64 * 1024 * 1024:
                    return None
                h.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                return None
    return h.hexdigest()


def tables_of(records: list[DocRecords]) -> dict[str, "pa.Table"]:
    """Rows of every config of some documents, as Arrow tables (no schema metadata: the writer adds it)."""
    import pyarrow as pa

    from .schema import arrow_schema
    from .write import encode_rows

    return {
        c: pa.Table.from_pylist(encode_rows(c, [r for doc in records for r in doc.config(c)]),
                                schema=arrow_schema(c).remove_metadata())
        for c in CONFIGS
    }


def process_chunk(folders: list[DocFolder], level: int, cache_dir: Path | None) -> ChunkResult:
    key = chunk_key(folders, level) if cache_dir is not None else None
    path = cache_dir / key[:2] / f"{key}.pickle" if key else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as f:
                result = pickle.load(f)
            result.cached = True
            return result
        except Exception:  # noqa: BLE001 - a damaged cache entry is rebuilt, never trusted
            path.unlink(missing_ok=True)
    from .stats import compute, merge

    docs, records, stats = [], [], None
    for folder in folders:
        checked = check_document(folder, level)
        docs.append(DocOutcome(folder.doc_id, checked.findings, checked.source_sha256, checked.fingerprint,
                               checked.records is not None))
        if checked.records is not None:
            records.append(checked.records)
            stats = merge(stats, compute({c: checked.records.config(c) for c in CONFIGS}))
    ok = len(records) == len(folders)
    result = ChunkResult(docs, tables_of(records) if ok else None, stats if ok else None)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    return result


def process(
    folders: list[DocFolder], level: int = 4, workers: int | None = None, cache_dir: Path | None = None
) -> Iterator[ChunkResult]:
    """Chunk results in the order of ``folders``; with workers > 1, computed on that many processes."""
    workers = workers or default_workers()
    work = list(chunks(folders))
    if workers <= 1 or len(work) <= 1:
        for chunk in work:
            yield process_chunk(chunk, level, cache_dir)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        for chunk in work:
            pending.append(pool.submit(process_chunk, chunk, level, cache_dir))
            if len(pending) >= workers * WINDOW:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
