"""Workers, shards and the incremental cache give the same bytes as a plain build (issue: scale).

Run on a small generated corpus in the real format (benchmarks/generate.py); timings live in
benchmarks/, not here.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

import builders.run.runner as runner
from builders.run.build import build

from conftest import REPO, edit, load_dataset

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402

DOCS = 20


@pytest.fixture(autouse=True, scope="module")
def _small_chunks():
    """Chunks of ~2 documents, so that 20 documents make many chunks (forked workers inherit this)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "AVERAGE_CHUNK", 2)
        patch.setattr(runner, "MAX_CHUNK", 8)
        yield


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("generated") / "corpus", DOCS, seed=7)


@pytest.fixture(scope="module")
def plain(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plain") / "dist"
    result = build(corpus, out, workers=1, cache=None, shard_bytes=64 * 1024)
    assert result.written, result.report.findings[:3]
    return out


def test_generated_corpus_is_valid_and_sharded(plain):
    files = sorted(p.name for p in (plain / "data" / "documents").glob("train-*.parquet"))
    assert len(files) > 1 and all(f.endswith(f"-of-{len(files):05d}.parquet") for f in files)
    docs = load_dataset(plain, "documents")
    assert sum(split.num_rows for split in docs.values()) == DOCS
    assert docs["train"]["doc_id"] == sorted(docs["train"]["doc_id"])  # corpus order across shards


def test_two_workers_write_the_same_bytes_as_one(corpus, plain, tmp_path):
    out = tmp_path / "dist"
    assert build(corpus, out, workers=2, cache=None, shard_bytes=64 * 1024).written
    assert digest(out) == digest(plain)


def test_cache_serves_unchanged_documents_and_keeps_the_bytes(corpus, plain, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "dist"
    first = build(corpus, out, workers=2, cache=cache, shard_bytes=64 * 1024)
    assert first.written and first.from_cache == 0
    second = build(corpus, out, workers=2, cache=cache, shard_bytes=64 * 1024)
    assert second.written and second.from_cache == DOCS
    assert digest(out) == digest(plain)


def test_editing_one_document_rebuilds_only_its_chunk(corpus, tmp_path):
    import shutil

    work = tmp_path / "corpus"
    shutil.copytree(corpus, work)
    cache = tmp_path / "cache"
    assert build(work, tmp_path / "a", workers=1, cache=cache, shard_bytes=64 * 1024).written
    edit(work / "gen_000003" / "annotation.yaml", "realis: actual", "realis: generic")
    again = build(work, tmp_path / "a", workers=1, cache=cache, shard_bytes=64 * 1024)
    chunk = next(c for c in runner.chunks(sorted_folders(work)) if "gen_000003" in [f.doc_id for f in c])
    assert again.written and again.from_cache == DOCS - len(chunk) and len(chunk) < DOCS / 2
    assert build(work, tmp_path / "b", workers=1, cache=None, shard_bytes=64 * 1024).written
    assert digest(tmp_path / "a") == digest(tmp_path / "b")


class CountingEngine:
    """This process's engine, counting the chunks it is handed."""

    def __init__(self) -> None:
        self.chunks: list[list[str]] = []

    def map(self, fn, calls, lost=None):
        from builders.run.engine import Serial

        calls = list(calls)
        self.chunks += [[f.doc_id for f in call[0]] for call in calls]
        return Serial().map(fn, calls)


def test_cached_chunks_are_read_here_and_only_misses_reach_the_engine(corpus, tmp_path):
    import shutil

    work, cache = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(corpus, work)
    first = CountingEngine()
    assert build(work, tmp_path / "a", cache=cache, engine=first).written
    assert len(first.chunks) == len(list(runner.chunks(sorted_folders(work)))) > 1
    unchanged = CountingEngine()
    assert build(work, tmp_path / "a", cache=cache, engine=unchanged).from_cache == DOCS and not unchanged.chunks
    edit(work / "gen_000005" / "annotation.yaml", "realis: actual", "realis: generic")
    edited = CountingEngine()
    again = build(work, tmp_path / "a", cache=cache, engine=edited)
    assert len(edited.chunks) == 1 and "gen_000005" in edited.chunks[0]
    assert again.written and again.from_cache == DOCS - len(edited.chunks[0])
    assert build(work, tmp_path / "b", workers=1, cache=None).written
    assert digest(tmp_path / "a") == digest(tmp_path / "b")


@pytest.mark.parametrize("change", ["builder version", "schema"])
def test_a_new_builder_or_schema_version_rebuilds_everything(corpus, tmp_path, monkeypatch, change):
    import shutil

    cache = tmp_path / "cache"
    assert build(corpus, tmp_path / "a", workers=1, cache=cache).from_cache == 0
    assert build(corpus, tmp_path / "a", workers=1, cache=cache).from_cache == DOCS
    if change == "builder version":
        monkeypatch.setattr(runner, "__version__", "999.0.0")
    else:
        schema_copy = tmp_path / "schema"
        shutil.copytree(runner.schema_dir(), schema_copy)
        path = schema_copy / "entity.schema.json"
        path.write_text(path.read_text().replace('"version": "2.0.0"', '"version": "2.0.1"'))
        monkeypatch.setattr(runner, "schema_dir", lambda: schema_copy)
    runner.code_fingerprint.cache_clear()
    try:
        assert build(corpus, tmp_path / "a", workers=1, cache=cache).from_cache == 0
    finally:
        runner.code_fingerprint.cache_clear()


def test_a_damaged_cache_entry_is_rebuilt(corpus, tmp_path):
    cache = tmp_path / "cache"
    assert build(corpus, tmp_path / "a", workers=1, cache=cache).written
    entries = sorted(cache.rglob("*.gsc"))
    assert len(entries) == len(list(runner.chunks(sorted_folders(corpus))))
    entries[0].write_bytes(b"not an entry")
    again = build(corpus, tmp_path / "a", workers=1, cache=cache)
    assert again.written and DOCS - runner.MAX_CHUNK <= again.from_cache < DOCS
    assert len(again.notes) == 1 and entries[0].name in again.notes[0] and "rebuilt" in again.notes[0]


def sorted_folders(corpus: Path):
    from builders.source.corpus import discover

    return discover([corpus])[0]


def test_chunk_boundaries_depend_only_on_doc_ids(corpus):
    folders = sorted_folders(corpus)
    cut = [[f.doc_id for f in c] for c in runner.chunks(folders)]
    assert sum(map(len, cut)) == DOCS and len(cut) > 2
    # dropping a document changes only the chunk it was in
    fewer = [[f.doc_id for f in c] for c in runner.chunks(folders[:5] + folders[6:])]
    assert sum(1 for c in fewer if c not in cut) == 1


def test_merging_buffered_tables_keeps_the_bytes(corpus, plain, tmp_path, monkeypatch):
    """Small tables are merged into blocks while they wait for their row group: same files."""
    import builders.dataset.write as write

    monkeypatch.setattr(write, "COMPACT_EVERY", 2)
    out = tmp_path / "dist"
    assert build(corpus, out, workers=1, cache=None, shard_bytes=64 * 1024).written
    assert digest(out) == digest(plain)


def test_a_shard_writer_holds_few_tables_however_many_come(tmp_path):
    import pyarrow as pa

    from builders.schema import arrow_schema
    from builders.dataset.write import COMPACT_EVERY, _ShardWriter

    writer = _ShardWriter(tmp_path, "stance_pairs", "train", 1 << 30, 1 << 30)
    empty = pa.Table.from_pylist([], schema=arrow_schema("stance_pairs").remove_metadata())
    rows = pa.Table.from_pylist([{name: None for name in empty.schema.names}] * 3, schema=empty.schema)
    for _ in range(40 * COMPACT_EVERY):
        writer.add(rows)
    assert writer.info.num_examples == 3 * 40 * COMPACT_EVERY
    assert len(writer.buffer) <= 40 + COMPACT_EVERY  # blocks of merged tables, not 1,280 tables


def test_a_files_bytes_depend_on_its_own_rows_only(plain, tmp_path):
    """Each config and split flushes at its own row-group size: rows of another split, however
    many, do not move where a file's row groups are cut (the writer once flushed the largest
    buffer of all once their total passed a budget)."""
    import pyarrow.parquet as pq

    from builders.dataset.write import MARKER, DatasetWriter

    def bare(path):
        return pq.read_table(path).replace_schema_metadata(None)

    docs = bare(sorted((plain / "data" / "documents").glob("train-*.parquet"))[0])
    tokens = bare(sorted((plain / "data" / "ner").glob("train-*.parquet"))[0])
    assert docs.num_rows > 2

    def write(out, other):
        with DatasetWriter(out, row_group_bytes=4 * 1024) as writer:
            for i in range(docs.num_rows):
                writer.add("train", {"documents": docs.slice(i, 1)})
                if other:
                    writer.add("test", {"ner": tokens, "documents": docs})
            writer.commit(lambda files: MARKER)

    write(tmp_path / "alone", False)
    write(tmp_path / "mixed", True)
    alone = tmp_path / "alone" / "data" / "documents" / "train-00000-of-00001.parquet"
    assert pq.ParquetFile(alone).num_row_groups > 1
    assert alone.read_bytes() == (tmp_path / "mixed" / "data" / "documents" / "train-00000-of-00001.parquet").read_bytes()


SHARDS = {"shard_chunks": 2, "min_shard_chunks": 1}  # a shard every ~2 chunks: 20 documents make several


def shard_chunks(corpus: Path) -> list[list[list[str]]]:
    """The chunks (doc ids) of each shard, as the build cuts them with SHARDS."""
    from builders.dataset.write import shard_numbers

    cut = [[f.doc_id for f in c] for c in runner.chunks(sorted_folders(corpus))]
    numbers = shard_numbers([c[-1] for c in cut], SHARDS["shard_chunks"], SHARDS["min_shard_chunks"])
    return [[c for c, n in zip(cut, numbers) if n == k] for k in range(numbers[-1] + 1)]


def test_shard_boundaries_depend_only_on_doc_ids_and_a_small_corpus_keeps_one_file(corpus):
    from builders.dataset.write import MIN_SHARD_CHUNKS, shard_numbers

    ids = [f"doc-{i}" for i in range(4000)]
    numbers = shard_numbers(ids, 4, 2)
    assert 4000 / 8 <= numbers[-1] + 1 <= 4000 / 3 and numbers == sorted(numbers)
    fewer = shard_numbers(ids[:100] + ids[101:], 4, 2)  # a chunk gone: the shards after it realign
    assert fewer[-500:] == [n + (fewer[-1] - numbers[-1]) for n in numbers[-500:]]
    assert shard_numbers(ids[:MIN_SHARD_CHUNKS]) == [0] * MIN_SHARD_CHUNKS
    assert shard_numbers(ids[:12], 10**9, 1, 5) == [0] * 5 + [1] * 5 + [2] * 2  # the cap, when no id cuts


# 2: the edited chunk is rebuilt in a worker while hits are read: the one started before the keys are
# computed (a few misses), or a pool started for them (EARLY_MISSES 0: more misses than it takes)
@pytest.mark.parametrize("workers, early", [(1, runner.EARLY_MISSES), (2, runner.EARLY_MISSES), (2, 0)])
def test_a_warm_rebuild_keeps_unchanged_shards_and_equals_a_cold_build(corpus, tmp_path, monkeypatch, workers, early):
    import shutil

    from builders.run import chunkcache

    monkeypatch.setattr(runner, "EARLY_MISSES", early)

    work, cache = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(corpus, work)
    assert build(work, tmp_path / "a", workers=1, cache=cache, **SHARDS).written
    before = digest(tmp_path / "a")
    shards = shard_chunks(work)
    assert len(shards) > 2 and len(list((tmp_path / "a" / "data" / "documents").glob("train-*"))) > 2

    edit(work / "gen_000003" / "annotation.yaml", "realis: actual", "realis: generic")
    decoded = []
    tables = chunkcache._tables
    monkeypatch.setattr(chunkcache, "_tables", lambda meta, blobs: decoded.append(meta) or tables(meta, blobs))
    again = build(work, tmp_path / "a", workers=workers, cache=cache, **SHARDS)
    assert again.written and not again.notes
    edited = next(s for s in shards if any("gen_000003" in c for c in s))
    assert len(decoded) == len(edited) - 1  # the edited shard's other chunks; no kept shard's tables are read
    after = digest(tmp_path / "a")
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed and all(not name.startswith("data/") or name.endswith(".parquet") for name in changed)
    assert len([n for n in changed if n.startswith("data/")]) < len([n for n in after if n.startswith("data/")]) / 2

    monkeypatch.setattr(chunkcache, "_tables", tables)
    assert build(work, tmp_path / "b", workers=1, cache=None, **SHARDS).written
    assert after == digest(tmp_path / "b")  # file by file, the card and croissant.json too


def test_a_worker_is_started_ahead_only_for_a_rebuild(corpus, tmp_path):
    """A first build into an empty cache starts no worker ahead (every chunk misses: the pool does
    them); once the cache holds chunks, a rebuild starts one before hashing."""
    from builders.run.outcomes import Job

    cache = tmp_path / "cache"
    first = runner.CorpusRun([corpus], Job(tables=True), workers=2, cache=cache)
    try:
        assert first._early is None
    finally:
        first.close()
    assert build(corpus, tmp_path / "out", workers=1, cache=cache, **SHARDS).written
    again = runner.CorpusRun([corpus], Job(tables=True), workers=2, cache=cache)
    try:
        assert again._early is not None
    finally:
        again.close()


def _retamper_listing(out: Path, rel: str) -> None:
    """Make the output folder's own file list agree with an edited file (what someone editing it would do)."""
    import json

    from builders.dataset.outdir import MANIFEST
    from builders.files import file_sha256

    listing = json.loads((out / MANIFEST).read_text())
    for f in listing["files"]:
        if f["path"] == rel:
            f["size"], f["sha256"] = (out / rel).stat().st_size, file_sha256(out / rel)
    (out / MANIFEST).write_text(json.dumps(listing))


def test_a_tampered_previous_file_is_rebuilt_not_copied(corpus, tmp_path):
    import pyarrow.parquet as pq

    cache, out = tmp_path / "cache", tmp_path / "a"
    assert build(corpus, out, workers=1, cache=cache, **SHARDS).written
    clean = digest(out)
    victim = sorted((out / "data" / "documents").glob("train-*"))[0]
    table = pq.read_table(victim)
    forged = table.set_column(table.schema.get_field_index("text"), "text",
                              [["forged " + t for t in table.column("text").to_pylist()]])
    pq.write_table(forged, victim, compression="zstd")
    _retamper_listing(out, victim.relative_to(out).as_posix())
    again = build(corpus, out, workers=1, cache=cache, **SHARDS)
    assert again.written and digest(out) == clean
    assert all(not t.startswith("forged") for t in pq.read_table(victim).column("text").to_pylist())


@pytest.mark.parametrize("damage", ["flipped", "another folder's"])
def test_a_tampered_or_foreign_build_manifest_is_a_miss(corpus, tmp_path, monkeypatch, damage):
    from builders.run import chunkcache, shards

    cache = tmp_path / "cache"
    assert build(corpus, tmp_path / "a", workers=1, cache=cache, **SHARDS).written
    assert build(corpus, tmp_path / "b", workers=1, cache=cache, **SHARDS).written
    path = shards.manifest_path(cache, tmp_path / "a")
    if damage == "flipped":
        data = bytearray(path.read_bytes())
        data[len(shards.MAGIC) + 5] ^= 0x01
        path.write_bytes(bytes(data))
    else:
        path.write_bytes(shards.manifest_path(cache, tmp_path / "b").read_bytes())  # genuine, signed, of b
    copied = []
    monkeypatch.setattr(shards.DatasetWriter, "copy_previous", lambda *a: copied.append(a))
    decoded = []
    tables = chunkcache._tables
    monkeypatch.setattr(chunkcache, "_tables", lambda meta, blobs: decoded.append(meta) or tables(meta, blobs))
    again = build(corpus, tmp_path / "a", workers=1, cache=cache, **SHARDS)
    assert again.written and not copied and len(decoded) == len(list(runner.chunks(sorted_folders(corpus))))
    assert len(again.notes) == 1 and "build manifest" in again.notes[0] and "every shard rebuilt" in again.notes[0]
    assert ("signature" if damage == "flipped" else "another output folder") in again.notes[0]
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
