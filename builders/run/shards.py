"""Keeping a previous build's unchanged shards: the build manifest, signed, in the cache.

A dataset's files are cut into shards at chunk boundaries that depend on doc ids alone
(write.shard_numbers), and a file's bytes depend on its own rows alone, so a shard whose chunks
all have the same cache keys as in the last build of the same output folder would be written
again byte for byte. The build manifest records, for that last build, each shard's chunk keys,
the writer's parameters and, for each config and split, the shard's files (name, sha256, size)
and counts. It lives in the cache (``builds/<sha256 of the output path>.gsb``), signed like the
chunk entries (chunkcache.secret): the output folder itself is never trusted, and a kept file
is copied only if its bytes have the sha256 the manifest gives (else that shard is rebuilt).

A manifest that does not verify, or does not parse, is a miss with a one-line note: every shard
is rebuilt. Nothing in it executes; names are checked before they are joined to a path.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builders.dataset.write import MAX_SHARD_CHUNKS, DatasetWriter, ShardFiles, SplitFiles
from builders.run import chunkcache
from builders.schema import ALL_CONFIGS

MAGIC = b"geosignal-build/1\n"
SUFFIX = ".gsb"
MAX_SIZE = 256 * 1024 * 1024
_NAME = re.compile(r"[A-Za-z0-9_]+-\d{5}-of-\d{5}\.parquet")
_SPLIT = re.compile(r"[A-Za-z0-9_]+")


class ManifestMiss(Exception):
    """A manifest that cannot be used; the message is the one-line note."""


def manifest_path(cache_dir: Path, out: Path) -> Path:
    return cache_dir / "builds" / f"{hashlib.sha256(os.fsencode(out.resolve())).hexdigest()}{SUFFIX}"


@dataclass
class Shard:
    """One shard of a build: its chunks' keys, the documents' languages, and per config and split
    (``"config/split"``) the files it gave: [[name, sha256, size], ...], examples, Arrow bytes."""

    chunks: list[str | None]
    languages: set[str] = field(default_factory=set)
    files: dict[str, tuple[list[list[Any]], int, int]] = field(default_factory=dict)


def params(writer: DatasetWriter, every: int, minimum: int) -> dict[str, Any]:
    """What, besides the rows, decides a file's bytes: a manifest made with other values keeps nothing."""
    import pyarrow

    return {"shard_bytes": writer.shard_bytes, "row_group_bytes": writer.row_group_bytes,
            "parquet_metadata": writer.parquet_metadata, "shard_chunks": every, "min_shard_chunks": minimum,
            "max_shard_chunks": MAX_SHARD_CHUNKS,
            "pyarrow": pyarrow.__version__}


def load(cache_dir: Path, out: Path, expected: dict[str, Any]) -> tuple[list[Shard], str | None]:
    """The last build's shards into ``out`` (made with ``expected`` params), or ([], a note) when a
    manifest is there but not usable; ([], None) when there is none or it was made with other params."""
    path = manifest_path(cache_dir, out)
    signing_key = chunkcache.secret()
    if signing_key is None:
        return [], None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return [], None
    except OSError as exc:
        return [], f"build manifest {path.name} not used: {exc.strerror or exc}; every shard rebuilt"
    try:
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise ManifestMiss("it is not a regular file")
            data = f.read(MAX_SIZE + 1)
        return _decode(data, out, expected, signing_key), None
    except ManifestMiss as exc:
        return [], f"build manifest {path.name} not used: {exc}; every shard rebuilt"
    except OSError as exc:
        return [], f"build manifest {path.name} not used: {exc.strerror or exc}; every shard rebuilt"


def _decode(data: bytes, out: Path, expected: dict[str, Any], signing_key: bytes) -> list[Shard]:
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 32 or len(data) > MAX_SIZE:
        raise ManifestMiss("not a build manifest of this version")
    body, mac = data[:-32], data[-32:]
    if not hmac.compare_digest(mac, hmac.new(signing_key, body, hashlib.sha256).digest()):
        raise ManifestMiss("its signature does not verify (written or changed by someone else)")
    try:
        payload = json.loads(body[len(MAGIC):])
        if payload["out"] != str(out.resolve()):
            raise ManifestMiss("it is filed under another output folder than it names")
        if payload["params"] != expected:
            return []  # another writer or Parquet library: nothing to keep, nothing wrong
        shards = []
        for s in payload["shards"]:
            files = {}
            for where, (listed, examples, nbytes) in s["files"].items():
                config, _, split = str(where).partition("/")
                names = [[str(n), str(sha), int(size)] for n, sha, size in listed]
                if (config not in ALL_CONFIGS or not _SPLIT.fullmatch(split)
                        or not all(_NAME.fullmatch(n) and n.startswith(split + "-") for n, _, _ in names)):
                    raise ManifestMiss("it names a file the build does not write")
                files[where] = (names, int(examples), int(nbytes))
            shards.append(Shard([str(k) for k in s["chunks"]], {str(x) for x in s["languages"]}, files))
        return shards
    except ManifestMiss:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ManifestMiss(f"it cannot be read ({type(exc).__name__})") from None


def store(cache_dir: Path, out: Path, expected: dict[str, Any], shards: list[Shard],
          written: dict[str, dict[str, SplitFiles]]) -> None:
    """Record the build just committed into ``out``; ``shards[i].files`` hold file counts until the
    names are known (``written``, in shard order). A cache that cannot be written is not written."""
    signing_key = chunkcache.secret()
    if signing_key is None:
        return
    at: dict[str, int] = {}
    entries = []
    for shard in shards:
        files = {}
        for where, (listed, examples, nbytes) in shard.files.items():
            config, _, split = where.partition("/")
            names = written[config][split].files
            first = at.get(where, 0)
            files[where] = [[Path(names[first + i]).name, sha, size] for i, (sha, size) in enumerate(listed)],\
                examples, nbytes
            at[where] = first + len(listed)
        entries.append({"chunks": shard.chunks, "languages": sorted(shard.languages), "files": files})
    payload = {"out": str(out.resolve()), "params": expected, "shards": entries}
    body = MAGIC + json.dumps(payload, sort_keys=True, ensure_ascii=True).encode()
    chunkcache.write_atomic(manifest_path(cache_dir, out), body + hmac.new(signing_key, body, hashlib.sha256).digest())


def record(shard: Shard, files: dict[tuple[str, str], ShardFiles]) -> None:
    """What the writer gave a shard (``DatasetWriter.end_shard``): sha256 and size per file, counts."""
    for (config, split), f in files.items():
        shard.files[f"{config}/{split}"] = ([[sha, size] for sha, size in zip(f.sha256, f.sizes)],
                                            f.num_examples, f.num_bytes)


def keep(previous: list[Shard], keys: list[str | None], writer: DatasetWriter
         ) -> tuple[list[tuple[str, str, Path, str, int, int]], set[str]] | None:
    """The files of the previous shard with exactly these chunk keys, copied into the staged folder
    and verified, as (config, split, copy, sha256, examples, Arrow bytes), and its languages; None
    (nothing left behind) when there is no such shard or one of its files is not as recorded."""
    if not keys or any(k is None for k in keys):
        return None
    match = next((s for s in previous if s.chunks == keys), None)
    if match is None:
        return None
    kept: list[tuple[str, str, Path, str, int, int]] = []
    for where, (listed, examples, nbytes) in sorted(match.files.items()):
        config, _, split = where.partition("/")
        for i, (name, sha, size) in enumerate(listed):
            copy = writer.copy_previous(config, name, sha, size)
            if copy is None:
                for _, _, path, *_ in kept:
                    path.unlink(missing_ok=True)
                return None
            # a shard's counts go with its first file (the card sums them per split)
            kept.append((config, split, copy, sha, examples if i == 0 else 0, nbytes if i == 0 else 0))
    return kept, set(match.languages)
