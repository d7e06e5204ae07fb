"""The corpus run: document folders -> per-document outcomes in corpus order, on any engine, cached.

One runner serves every command that reads the corpus (``validate``, ``build``, ``stats``,
``export``, and the library's ``load_corpus``): it finds the document folders, cuts them into
chunks, maps the per-chunk step over the chunks on an engine (engine.py: this process, the
machine's worker processes, or anything else with the same ``map``), applies the chunk cache,
and streams the chunks' results back in corpus order. Each consumer only reads the stream;
``finish`` then adds the checks across documents and gives the sorted report.

Documents travel in small chunks whose boundaries depend only on the doc ids (content-defined,
like rsync's rolling boundaries), so adding or editing a document changes one chunk and no
other. A chunk is the unit of work for a worker and the unit of the cache: its key covers the
builder's code, the schemas, what the run asks and every byte of its documents, so an
unchanged chunk is read back instead of being rebuilt. Results come back in corpus order, a
bounded number at a time, so memory stays flat however large the corpus.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Collection, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from builders.__about__ import __version__
from builders.annotation.records import DocRecords
from builders.check.corpus import LEVEL as CORPUS_CHECKS_LEVEL, Report, corpus_findings
from builders.check.duplicates import Packed
from builders.dataset.stats import combine, compute
from builders.dataset.tokens import pipeline as spacy_pipeline
from builders.dataset.write import tables_of
from builders.files import PACKAGE
from builders.findings import Finding, sort_findings
from builders.run import chunkcache, gctune
from builders.run.engine import WINDOW, Engine, LocalPool, default_workers
from builders.run.outcomes import ChunkResult, DocOutcome, Job
from builders.run.step import DocResult, step
from builders.schema import ALL_CONFIGS, CONFIGS, schema_dir
from builders.source.corpus import ANNOTATION, SECOND_ANNOTATION, SOURCE, DocFolder, discover, display, read

AVERAGE_CHUNK = 32  # documents per chunk on average: an edit reruns ~32 documents (a fraction of a second)
MAX_CHUNK = 128


def default_cache_dir() -> Path:
    """``--cache``'s default: one folder for the chunk store and the fingerprint store."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "geosignal"


@cache
def code_fingerprint() -> str:
    """Builder version + the schema files + the builder's own source: any change reruns everything."""
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


def chunk_key(folders: list[DocFolder], splits: list[str] | None, job: Job,
              digests: dict[str, str] | None = None) -> str | None:
    """Content key of a chunk; None when a file cannot be read plainly (never cached). The folders'
    paths are part of it: findings name files as they were reached. ``digests`` collects each
    file's sha256 (hex, by path): the card's corpus hash reuses them (provenance.corpus_sha256)."""
    h = hashlib.sha256(f"{code_fingerprint()}\0{job.level}\0{splits is not None}\0{job.counts}\0{job.tables}\0"
                       f"{job.redistributable_only}\0".encode())
    for i, folder in enumerate(folders):
        h.update(f"{folder.doc_id}\0{splits[i] if splits else ''}\0{display(folder.path)}\0".encode())
        base = os.path.join(folder.path, "")  # strings, not Paths: this runs for every file of the corpus
        for name in (SOURCE, ANNOTATION, SECOND_ANNOTATION):
            path = base + name
            if name == SECOND_ANNOTATION and not os.path.lexists(path):
                h.update(b"-")
                continue
            digest = _regular_file_sha256(path)
            if digest is None:
                return None
            h.update(digest)
            if digests is not None:
                digests[path] = digest.hex()
    return h.hexdigest()


def _regular_file_sha256(path: str, limit: int = 64 * 1024 * 1024) -> bytes | None:
    """The sha256 of a regular file, never opening anything else (a FIFO would block, a link
    could point anywhere): checked before the open and again on the open file."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:  # plain reads on the descriptor: no file object or 256 KiB buffer per (small) file
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        h = hashlib.sha256()
        while block := os.read(fd, 1 << 20):
            h.update(block)
        return h.digest()
    except OSError:
        return None
    finally:
        os.close(fd)


def run_chunk(folders: list[DocFolder], splits: list[str] | None, job: Job, cache_dir: Path | None,
              key: str | None = None) -> ChunkResult:
    """The per-chunk step every engine runs: read each document (I/O), step it (pure), put the
    chunk's rows together; through the cache when there is one. ``splits`` (one per document)
    groups the chunk's tables and counts by split. ``key``: the chunk's key when the caller has
    computed it already (then the entry is not read here: the caller found none it could use).

    A document that makes the step raise (a bug, or a library choking on it) becomes an
    ``internal-error`` finding on that document, found by stepping the chunk's documents one by
    one, never a failed job; ``GEOSIGNAL_DEBUG=1`` raises it instead."""
    try:
        return _run_chunk(folders, splits, job, cache_dir, key)
    except Exception as exc:  # noqa: BLE001 - reported as a finding
        if os.environ.get("GEOSIGNAL_DEBUG"):
            raise
        if len(folders) == 1:
            return failed_chunk(folders, "internal-error", f"checking this document raised {type(exc).__name__}: {exc}")
    parts = [run_chunk([folder], [splits[i]] if splits is not None else None, job, None) for i, folder in enumerate(folders)]
    docs = [doc for part in parts for doc in part.docs]
    if all(doc.valid for doc in docs):  # no document alone breaks it: the chunk as a whole did
        return failed_chunk(folders, "internal-error", "putting this document's chunk together raised an error")
    return ChunkResult(docs, None, None, records=[r for part in parts for r in part.records or []] if job.records else None)


def _run_chunk(folders: list[DocFolder], splits: list[str] | None, job: Job, cache_dir: Path | None,
               known: str | None = None) -> ChunkResult:
    cached = cache_dir is not None and not job.records
    key = (known or chunk_key(folders, splits, job)) if cached else None
    note = None
    if key is not None and known is None:  # with ``known`` the caller looked the entry up already
        hit, note = chunkcache.load(cache_dir, key, [f.doc_id for f in folders])
        if hit is not None:
            return hit
    result = assemble([step(read(folder), job) for folder in folders], splits, job)
    if key is not None:
        chunkcache.store(cache_dir, key, result)
    result.note = note
    return result


def failed_chunk(folders: list[DocFolder], code: str, message: str) -> ChunkResult:
    """Every document of a chunk that could not be processed, as an error finding on its annotation."""
    hint = ("a bug in GeoSignal or a library, not a mistake in the document: please report it "
            "(GEOSIGNAL_DEBUG=1 shows the traceback with --engine local)")
    return ChunkResult([DocOutcome(f.doc_id, [Finding(display(f.annotation), None, code, message, hint, level=1)],
                                   None, False) for f in folders], None, None)


def lost_chunk(call: tuple, error: BaseException) -> ChunkResult:
    """A chunk whose workers kept dying (an engine's ``lost``): findings on its documents, not a failed job."""
    folders = call[0]
    return failed_chunk(folders, "worker-lost", f"the workers processing this document's chunk ({len(folders)} "
                        f"documents) died repeatedly ({type(error).__name__}); a document may exhaust memory")


def assemble(results: list[DocResult], splits: list[str] | None, job: Job) -> ChunkResult:
    """A chunk's outcomes, and, when every document is valid, its counts (by split too) and tables by split."""
    docs = [r.outcome for r in results]
    records = [r.records for r in results if r.records is not None] if job.records else None
    if not all(d.valid for d in docs):
        return ChunkResult(docs, None, None, records=records)
    counted = job.counts or job.tables
    valid = [r.records for r in results if r.records is not None]
    kept = [(splits[i], r) for i, r in enumerate(results) if r.records is not None] if splits is not None else []
    names = sorted({s for s, _ in kept})
    tables = counts = split_stats = None
    if job.tables:
        tables = {split: tables_of([r.records for s, r in kept if s == split], ALL_CONFIGS,
                                   [r.views for s, r in kept if s == split]) for split in names}
    if splits is not None and counted:  # each split counted, the chunk's total summed from them
        split_stats = {split: count([r.records for s, r in kept if s == split]) for split in names}
        counts = combine(split_stats.values(), [d for doc in valid for d in doc.documents])
    elif counted:
        counts = count(valid)
    return ChunkResult(docs, tables, counts, split_stats, records=records)


def count(records: list[DocRecords]) -> dict[str, Any]:
    """The counts of some documents at once (stats.compute of all their rows, in document order):
    equal to each document's counts summed, without a count per document to make and merge."""
    return compute({config: [row for doc in records for row in doc.config(config)] for config in CONFIGS},
                   seen_order=True)


def _warm_worker() -> None:
    """What a worker's first chunk would load before its step: spaCy's pipeline, and what pyarrow
    imports on its first ``pa.array`` of Python objects (pandas, when installed: ~0.6 s)."""
    import pyarrow as pa

    spacy_pipeline()
    pa.array([0])


READ_AHEAD = 256  # hits read ahead at most while waiting for a rebuilt chunk: bounds memory
# misses that the one worker started early rebuilds alone: a second worker would first load spaCy
# (~2 s), more than a few chunks' step (~0.3 s for 32 statements, ~0.6 s for articles)
EARLY_MISSES = WINDOW


class CorpusRun:
    """One run over the documents under ``paths``: iterate ``batches`` for the chunks' results in
    corpus order (tally kept here: findings, fingerprints, cross-document links), then ``finish``
    for the report with the checks across documents.

    ``cache`` is GeoSignal's cache folder (``default_cache_dir``): its chunk store serves
    unchanged chunks, its fingerprint store the duplicate check; an unusable folder is a note,
    and the run goes on without it. ``engine`` runs the per-chunk step (default: ``workers``
    processes of this machine).
    """

    def __init__(self, paths: list[Path], job: Job = Job(), *, workers: int | None = None,
                 cache: Path | None = None, engine: Engine | None = None,
                 select: Callable[[list[DocFolder]], list[DocFolder]] | None = None) -> None:
        why = chunkcache.usable(cache) if cache is not None else None
        self._early: LocalPool | None = None  # a worker started before the folders are found and hashed
        if (cache is not None and why is None and job.tables and not job.records and engine is None
                and (workers or default_workers()) > 1 and chunkcache.has_entries(cache)):
            # a rebuild's few misses go to one worker started now, spaCy loaded while this process
            # finds and hashes the files and reads the cached chunks (ended unused otherwise); not
            # for a first build into an empty cache: every chunk misses, the pool does them all
            self._early = LocalPool(1).start(warm=_warm_worker)
        folders, found = discover(paths)
        # ``select``: which of the folders found are run, and as what (scoring reads annotation.b.yaml in
        # annotation.yaml's place); the discovery's findings stay
        self.folders = select(folders) if select is not None else folders
        self.job = job
        self.report = Report(findings=list(found))
        self.notes = self.report.notes  # one line each: cache entries not used, a cache not usable
        self.from_cache = 0  # documents served from the cache
        if why is not None:
            self.notes.append(why)
            cache = None
        self.cache = cache
        self.workers, self.engine = workers, engine
        self._fingerprints = Packed()  # one per folder, for the checks across documents
        self._links: list[list] = []  # cross-document event links, one (mostly empty) list per folder
        self._started = False
        self._calls: list[tuple] | None = None
        self._keys: list[str | None] | None = None
        self._splits: Mapping[str, str] | None = None
        self.digests: dict[str, str] = {}  # sha256 (hex) of every input file the chunk keys read, by path

    def plan(self, splits: Mapping[str, str] | None = None) -> list[tuple[list[DocFolder], str | None]]:
        """The chunks in corpus order with their cache keys (None without a cache), computed once;
        ``batches`` must be given the same ``splits`` and reuses them. A consumer can decide from
        the keys which chunks' tables it will not need (build.py: a kept shard)."""
        if self._calls is None:
            self._splits = splits
            self._calls = [(chunk, [splits[f.doc_id] for f in chunk] if splits is not None else None, self.job,
                            self.cache) for chunk in chunks(self.folders)]
            cached = self.cache is not None and not self.job.records
            self._keys = [chunk_key(folders, chunk_splits, self.job, self.digests) if cached else None
                          for folders, chunk_splits, *_ in self._calls]
        elif splits is not self._splits:
            raise RuntimeError("a CorpusRun is planned for one assignment of splits")
        return [(call[0], key) for call, key in zip(self._calls, self._keys or [])]

    def batches(self, splits: Mapping[str, str] | None = None, without_tables: Collection[int] = ()
                ) -> Iterator[ChunkResult]:
        """The chunks' results in corpus order; ``splits`` (doc id -> split) groups their tables and counts.
        ``without_tables``: indices of chunks whose tables the caller does not need (a cached one is then
        read without them: its outcomes and counts only)."""
        if self._started:
            raise RuntimeError("a CorpusRun is one pass over the corpus; start another for another pass")
        self._started = True
        self.plan(splits)
        preload = spacy_pipeline if self.job.tables and self.cache is None else None
        engine = self.engine or LocalPool(self.workers, preload=preload)
        # with a cache, a rerun may need spaCy for no chunk at all: it is loaded only where needed
        with gctune.tuned():
            for result in self._results(engine, self._calls, self._keys, without_tables):
                for doc in result.docs:
                    self.report.findings.extend(doc.findings)
                    self._fingerprints.append(doc.fingerprint)
                    self._links.append(doc.links)
                    if doc.valid:
                        self.report.valid.append(doc.doc_id)
                self.from_cache += len(result.docs) if result.cached else 0
                if result.note:
                    self.notes.append(result.note)
                yield result

    def _results(self, engine: Engine, calls: list[tuple], keys: list[str | None],
                 without_tables: Collection[int]) -> Iterator[ChunkResult]:
        """The chunks' results in order. With a cache, this process reads the stored entries itself
        (one at a time: memory stays bounded); only the other chunks go to the engine, with their
        key. A worker reading an entry would have to send its tables back pickled, which cost more
        than reading it (~30% of a warm rebuild)."""
        if self.cache is None or self.job.records:
            yield from engine.map(run_chunk, calls, lost=lost_chunk)
            return
        stored = [key is not None and chunkcache.present(self.cache, key) for key in keys]
        missed = [call + (key,) for call, key, hit in zip(calls, keys, stored) if not hit]
        behind = None  # the default engine's workers rebuild the misses while this process reads the hits
        if self.engine is None and missed and any(stored) and (self.workers or default_workers()) > 1:
            behind = (self._early if self._early is not None and len(missed) <= EARLY_MISSES
                      else LocalPool(min(self.workers or default_workers(), len(missed))).start())
        if self._early is not None and self._early is not behind:
            self._early.close()
        self._early = None
        ahead = behind is not None
        rebuilt: Any = behind.map(run_chunk, missed) if behind is not None else iter(
            engine.map(run_chunk, missed, lost=lost_chunk))
        hits = [i for i, hit in enumerate(stored) if hit]
        read: dict[int, ChunkResult] = {}  # hits read ahead while a miss is being rebuilt
        next_hit = 0  # hits[next_hit:] are not read yet

        def load(i: int) -> ChunkResult:
            call, key = calls[i], keys[i]
            result, note = chunkcache.load(self.cache, key, [f.doc_id for f in call[0]], tables=i not in without_tables)
            if result is None:  # an entry that did not prove itself (or vanished): rebuilt here, noted
                result = run_chunk(*call, key)
                result.note = note
            return result

        try:
            for i, hit in enumerate(stored):
                while next_hit < len(hits) and hits[next_hit] <= i:
                    next_hit += 1
                if hit:
                    yield read.pop(i) if i in read else load(i)
                    continue
                while ahead and not rebuilt.ready() and next_hit < len(hits) and len(read) < READ_AHEAD:
                    read[hits[next_hit]] = load(hits[next_hit])
                    next_hit += 1
                yield next(rebuilt)
        finally:
            if behind is not None:
                behind.close()

    def close(self) -> None:
        """End the worker started early if nothing used it (a run that stopped before its chunks)."""
        if self._early is not None:
            self._early.close()
            self._early = None

    def finish(self) -> Report:
        """The report: every document's findings and, from level 3, the checks across documents; sorted."""
        self.close()
        self.report.checked = len(self._fingerprints)
        if self.job.level >= CORPUS_CHECKS_LEVEL:
            self.report.findings.extend(corpus_findings(self.folders, self._fingerprints, self.cache, self._links))
        self.report.findings = sort_findings(self.report.findings)
        return self.report
