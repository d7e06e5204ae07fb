"""Document folders -> per-document results, in corpus order, on N worker processes, cached.

Each document is checked and turned into Arrow tables (one per config) on its own, so the work
spreads over processes and nothing holds the whole corpus in memory: the caller consumes
results in corpus order and writes them as they come. A document whose source, annotation,
schemas and builder code are unchanged is served from the cache instead of being rebuilt.
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
from .findings import Finding
from .records import DocRecords
from .schema import CONFIGS, schema_dir
from .validate import check_document

if TYPE_CHECKING:
    import pyarrow as pa

BATCH = 8  # documents per task sent to a worker
WINDOW = 8  # tasks in flight per worker: bounds memory whatever the corpus size


@dataclass
class DocResult:
    doc_id: str
    findings: list[Finding]
    source_sha256: str | None
    tables: dict[str, "pa.Table"] | None  # config -> this document's rows; None when it has errors
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


def doc_key(folder: DocFolder, level: int) -> str | None:
    """Content key of one document; None when its files cannot be read (never cached)."""
    h = hashlib.sha256(f"{code_fingerprint()}\0{level}\0{folder.doc_id}\0".encode())
    for path in (folder.source, folder.annotation):
        try:
            if path.is_symlink() or path.stat().st_size > 64 * 1024 * 1024:
                return None
            h.update(path.read_bytes() + b"\0")
        except OSError:
            return None
    return h.hexdigest()


def tables_of(records: DocRecords) -> dict[str, "pa.Table"]:
    """One document's rows of every config, encoded as Arrow tables."""
    import pyarrow as pa

    from .write import encode_rows
    from .schema import arrow_schema

    return {c: pa.Table.from_pylist(encode_rows(c, records.config(c)), schema=arrow_schema(c)) for c in CONFIGS}


def process_one(folder: DocFolder, level: int, cache_dir: Path | None) -> DocResult:
    key = doc_key(folder, level) if cache_dir is not None else None
    path = cache_dir / key[:2] / f"{key}.pickle" if key else None
    if path is not None and path.exists():
        try:
            with path.open("rb") as f:
                result = pickle.load(f)
            result.cached = True
            return result
        except Exception:  # noqa: BLE001 - a damaged cache entry is rebuilt, never trusted
            path.unlink(missing_ok=True)
    checked = check_document(folder, level)
    tables = stats = None
    if checked.records is not None:
        from .stats import compute

        tables = tables_of(checked.records)
        stats = compute({c: checked.records.config(c) for c in CONFIGS})
    result = DocResult(folder.doc_id, checked.findings, checked.source_sha256, tables, stats)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    return result


def _process_batch(folders: list[DocFolder], level: int, cache_dir: Path | None) -> list[DocResult]:
    return [process_one(folder, level, cache_dir) for folder in folders]


def process(
    folders: list[DocFolder], level: int = 4, workers: int | None = None, cache_dir: Path | None = None
) -> Iterator[DocResult]:
    """Results in the order of ``folders``; with workers > 1, computed on that many processes."""
    workers = workers or default_workers()
    batches = [folders[i : i + BATCH] for i in range(0, len(folders), BATCH)]
    if workers <= 1 or len(batches) <= 1:
        for batch in batches:
            yield from _process_batch(batch, level, cache_dir)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        for batch in batches:
            pending.append(pool.submit(_process_batch, batch, level, cache_dir))
            if len(pending) >= workers * WINDOW:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
