"""The build cache's entries: data that cannot execute, signed, and checked before any use.

A cache folder is input someone else may have written (a shared ``$XDG_CACHE_HOME``, a CI cache
restored across runs), so an entry is never code and never trusted as it is:

- one file per chunk, ``<key[:2]>/<key>.gsc``: a magic line, a JSON header (the content key,
  the documents' outcomes, the counts, each table's length and sha256), its signature, then the
  tables as Arrow IPC streams; no pickle;
- an HMAC-SHA256 over the header, under a secret that stays outside the cache folder
  (``$XDG_STATE_HOME/geosignal/cache-secret``, mode 0600, made on first use): an entry
  someone else wrote or edited does not verify, whatever its content; a table is used only if
  its bytes have the sha256 the signed header gives, so a build that needs a chunk's outcomes
  but not its rows (its shard is kept, build.py) reads the header alone;
- before use, the header must name the content key it is filed under, the chunk's documents
  in order, and tables with exactly the schema the builder would write.

Anything that fails is a miss: the chunk is rebuilt and the caller prints a one-line note.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from functools import cache
from pathlib import Path
from typing import Any

from builders.annotation.links import CrossLink
from builders.check.duplicates import Fingerprint
from builders.findings import Finding, Severity
from builders.run.outcomes import ChunkResult, DocOutcome
from builders.schema import ALL_CONFIGS, arrow_schema

MAGIC = b"geosignal-chunk/4\n"
SUFFIX = ".gsc"
MAX_HEADER = 64 * 1024 * 1024


class CacheMiss(Exception):
    """An entry that cannot be used; the message is the one-line note."""


def secret_path() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "geosignal" / "cache-secret"


@cache
def secret() -> bytes | None:
    """This user's signing key (made on first use); None when it cannot be kept safely."""
    path = secret_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(os.urandom(32).hex().encode())
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
                return None  # a key others can read or write signs nothing
            key = f.read(128)
    except OSError:
        return None
    return key if len(key) == 64 else None


def entry_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / key[:2] / f"{key}{SUFFIX}"


def _tables_meta(tables: dict[str, dict[str, Any]] | None) -> tuple[list[list[Any]], list[bytes]]:
    import pyarrow as pa

    meta, blobs = [], []
    for split, by_config in (tables or {}).items():
        for config, table in by_config.items():
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
            blob = sink.getvalue().to_pybytes()
            meta.append([split, config, len(blob), hashlib.sha256(blob).hexdigest()])
            blobs.append(blob)
    return meta, blobs


def encode(key: str, result: ChunkResult, signing_key: bytes) -> bytes:
    """An entry's bytes: magic, header length, JSON header, HMAC of the three, Arrow IPC streams."""
    meta, blobs = _tables_meta(result.tables)
    header = {
        "key": key,
        "docs": [{"doc_id": d.doc_id, "valid": d.valid,
                  "fingerprint": [d.fingerprint.sha256, d.fingerprint.normalised] if d.fingerprint else None,
                  "findings": [f.as_dict() for f in d.findings],
                  "links": [[x.file, x.line, x.event, x.doc_id, x.event_id] for x in d.links],
                  "redistributable": d.redistributable} for d in result.docs],
        "stats": result.stats,
        "split_stats": result.split_stats,
        "tables": meta if result.tables is not None else None,
    }
    head = json.dumps(header, sort_keys=True, ensure_ascii=True).encode()
    signed = MAGIC + len(head).to_bytes(8, "big") + head
    return signed + hmac.new(signing_key, signed, hashlib.sha256).digest() + b"".join(blobs)


def header_size(prefix: bytes) -> int:
    """The length of the signed part and its signature, from the entry's first ``len(MAGIC) + 8`` bytes."""
    if not prefix.startswith(MAGIC) or len(prefix) < len(MAGIC) + 8:
        raise CacheMiss("not a cache entry of this version")
    size = int.from_bytes(prefix[len(MAGIC):len(MAGIC) + 8], "big")
    if size > MAX_HEADER:
        raise CacheMiss("its header is cut short")
    return len(MAGIC) + 8 + size + 32


def decode(data: bytes, key: str, doc_ids: list[str], signing_key: bytes, tables: bool = True) -> ChunkResult:
    """The result an entry holds, once it has proved what it claims; else CacheMiss. Without
    ``tables``, ``data`` may stop after the header's signature and the result holds no tables."""
    end = header_size(data[:len(MAGIC) + 8])
    if len(data) < end:
        raise CacheMiss("its header is cut short")
    signed, mac = data[:end - 32], data[end - 32:end]
    if not hmac.compare_digest(mac, hmac.new(signing_key, signed, hashlib.sha256).digest()):
        raise CacheMiss("its signature does not verify (written or changed by someone else)")
    start = len(MAGIC) + 8
    try:
        header = json.loads(signed[start:])
        if header["key"] != key:
            raise CacheMiss("it is filed under a key it does not claim")
        docs = [DocOutcome(d["doc_id"], [_finding(f) for f in d["findings"]],
                           Fingerprint(*d["fingerprint"]) if d["fingerprint"] else None, bool(d["valid"]),
                           [_link(x) for x in d["links"]], _optional_bool(d["redistributable"]))
                for d in header["docs"]]
        stats, split_stats = header["stats"], header["split_stats"]
    except CacheMiss:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise CacheMiss(f"its header cannot be read ({type(exc).__name__})") from None
    if [d.doc_id for d in docs] != doc_ids:
        raise CacheMiss("it holds other documents than its chunk")
    read = None if header["tables"] is None or not tables else _tables(header["tables"], data[end:])
    return ChunkResult(docs, read, stats, split_stats, cached=True)


def _link(x: list[Any]) -> CrossLink:
    file, line, event, doc_id, event_id = x
    return CrossLink(str(file), None if line is None else int(line), str(event), str(doc_id), str(event_id))


def _optional_bool(value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise TypeError("redistributable is not a boolean")
    return value


def _finding(d: dict[str, Any]) -> Finding:
    return Finding(str(d["file"]), None if d["line"] is None else int(d["line"]), str(d["code"]), str(d["message"]),
                   str(d["hint"]), Severity(d["severity"]), int(d["level"]))


def _tables(meta: list[list[Any]], blobs: bytes) -> dict[str, dict[str, Any]]:
    import pyarrow as pa

    out: dict[str, dict[str, Any]] = {}
    at = 0
    try:
        listed = [(str(split), str(config), int(length), str(sha)) for split, config, length, sha in meta]
    except (ValueError, TypeError):
        raise CacheMiss("its tables do not match their header") from None
    for split, config, length, sha in listed:
        if config not in ALL_CONFIGS or at + length > len(blobs):
            raise CacheMiss("its tables do not match their header")
        blob = blobs[at:at + length]
        if not hmac.compare_digest(hashlib.sha256(blob).hexdigest(), sha):
            raise CacheMiss(f"its {config} table is not the one its signed header names")
        try:
            table = pa.ipc.open_stream(pa.py_buffer(blob)).read_all()
        except (pa.ArrowException, OSError) as exc:
            raise CacheMiss(f"a table cannot be read ({type(exc).__name__})") from None
        if not table.schema.equals(arrow_schema(config).remove_metadata(), check_metadata=False):
            raise CacheMiss(f"its {config} table has another schema than the builder writes")
        out.setdefault(split, {})[config] = table
        at += length
    if at != len(blobs) or any(set(t) != set(ALL_CONFIGS) for t in out.values()):
        raise CacheMiss("its tables do not match their header")
    return out


def present(cache_dir: Path, key: str) -> bool:
    """Whether an entry is filed under ``key`` (a regular file; not yet proved: ``load`` checks it)."""
    try:
        return stat.S_ISREG(entry_path(cache_dir, key).lstat().st_mode)
    except OSError:
        return False


def load(cache_dir: Path, key: str, doc_ids: list[str], tables: bool = True) -> tuple["ChunkResult | None", str | None]:
    """(result, None) on a hit, (None, note) when an entry was there but not used, (None, None) on a plain miss.
    Without ``tables`` only the signed header is read (the result has no tables)."""
    path = entry_path(cache_dir, key)
    signing_key = secret()
    if signing_key is None:
        return None, None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cache entry {path.name} not used: {exc.strerror or exc}; rebuilt"
    try:
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise CacheMiss("it is not a regular file")
            if tables:
                data = f.read()
            else:
                prefix = f.read(len(MAGIC) + 8)
                data = prefix + f.read(header_size(prefix) - len(prefix))
        return decode(data, key, doc_ids, signing_key, tables), None
    except CacheMiss as exc:
        return None, f"cache entry {path.name} not used: {exc}; rebuilt"
    except OSError as exc:
        return None, f"cache entry {path.name} not used: {exc.strerror or exc}; rebuilt"


def store(cache_dir: Path, key: str, result: ChunkResult) -> None:
    """Write an entry atomically; a cache that cannot be written is simply not written."""
    signing_key = secret()
    if signing_key is None:
        return
    write_atomic(entry_path(cache_dir, key), encode(key, result, signing_key))


def write_atomic(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all (a temporary sibling, then a rename); a cache that
    cannot be written is simply not written."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass


def has_entries(cache_dir: Path) -> bool:
    """Whether any chunk was stored here: a first build into an empty cache has nothing to rebuild
    around, so no worker is started ahead for it (runner.CorpusRun)."""
    try:
        with os.scandir(cache_dir) as it:
            return any(len(e.name) == 2 and e.is_dir(follow_symlinks=False) for e in it)
    except OSError:
        return False


def usable(cache_dir: Path) -> str | None:
    """None when the cache folder can be used, else why not (one line): then the build runs without it."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        if not cache_dir.is_dir():
            raise NotADirectoryError(0, "not a folder")
        probe = cache_dir / f".probe-{os.getpid()}"
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return f"the cache {cache_dir} cannot be used ({exc.strerror or exc}); building without it"
    if secret() is None:
        return f"no private signing key can be kept at {secret_path()}; building without the cache"
    return None
