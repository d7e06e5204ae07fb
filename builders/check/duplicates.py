"""The same article under two ids: a corpus-wide check that stays cheap.

Every source is fingerprinted (a sha256 of its bytes, and one of its text with white space and
line endings normalised, so a re-wrapped or re-saved copy is caught too). The documents being
validated are compared with *every* document of their corpus, even when only a few are validated
(``--changed-since``, a pre-commit hook naming files). So that this stays cheap in a corpus of
tens of thousands, the fingerprints of sources git already holds unchanged are kept in a small
SQLite store keyed by their git blob id: a blob's bytes never change, so its fingerprint never
goes stale, and the store can be carried from one CI run to the next.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from builders.check.changes import unchanged_blobs
from builders.findings import Finding
from builders.source import corpus as corpus_io

FINGERPRINT_VERSION = 2  # bump when fingerprint() changes: stored fingerprints are then not reused


@dataclass(frozen=True, slots=True)
class Fingerprint:
    sha256: str
    normalised: str


def fingerprint(data: bytes, text: str) -> Fingerprint:
    """The sha256 of the bytes, and of the text with a BOM dropped, NFC, and white space runs as one space."""
    flat = " ".join(unicodedata.normalize("NFC", text.removeprefix("\ufeff")).split())
    return Fingerprint(hashlib.sha256(data).hexdigest(), hashlib.sha256(flat.encode("utf-8")).hexdigest())


class Packed:
    """One fingerprint (or None) per document, 64 bytes each in one buffer.

    A build keeps a fingerprint of every document of the corpus until the corpus-wide check at
    its end; as objects, tens of thousands of them would be scattered among the short-lived
    objects of the documents and keep memory from being given back.
    """

    def __init__(self) -> None:
        self._digests = bytearray()
        self._present = bytearray()

    def append(self, fp: Fingerprint | None) -> None:
        self._digests += bytes.fromhex(fp.sha256) + bytes.fromhex(fp.normalised) if fp else bytes(64)
        self._present.append(fp is not None)

    def __len__(self) -> int:
        return len(self._present)

    def __iter__(self) -> Iterator[Fingerprint | None]:
        for i, present in enumerate(self._present):
            yield Fingerprint(self._digests[64 * i:64 * i + 32].hex(), self._digests[64 * i + 32:64 * i + 64].hex()) if present else None


identity_parts = corpus_io.identity_parts  # (resolved folder, name): a folder's identity, its last component not followed


def siblings(selected: list[corpus_io.DocFolder]) -> list[tuple[Path, list[str]]]:
    """(corpus folder, names of its other document folders) for each corpus the selected folders
    sit in; links are not followed.

    Read with one directory scan per corpus and no check of each folder's files (a folder
    without a readable source simply has no fingerprint); names stay strings, because this runs
    over every folder of the corpus for a pull request that touches one.
    """
    chosen: dict[Path, set[str]] = {}
    for folder in selected:
        parent, name = identity_parts(folder.path)
        chosen.setdefault(parent, set()).add(name)
    out = []
    for corpus in sorted(chosen):
        try:
            with os.scandir(corpus) as it:
                names = sorted(e.name for e in it if not e.name.startswith(".") and e.name not in chosen[corpus]
                               and e.is_dir(follow_symlinks=False))
        except OSError:
            continue
        out.append((corpus, names))
    return out


def fingerprint_file(source: Path) -> Fingerprint | None:
    """A sibling's fingerprint, read under the level-1 rules; None when its source cannot be read."""
    read, _ = corpus_io.read_source_file(source)
    return fingerprint(*read) if read else None


class FingerprintStore:
    """Fingerprints by git blob id, in ``<cache>/fingerprints.sqlite3``.

    A store that cannot be opened, read or written is simply not used: every fingerprint is
    then computed from the file, as without a store.
    """

    def __init__(self, cache_dir: Path) -> None:
        self.path = cache_dir / "fingerprints.sqlite3"
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            self.db: sqlite3.Connection | None = sqlite3.connect(self.path, timeout=5)
            self.db.execute("CREATE TABLE IF NOT EXISTS fingerprints (blob TEXT PRIMARY KEY, sha256 TEXT, normalised TEXT)")
            self.db.execute("CREATE TABLE IF NOT EXISTS sizes (blob TEXT PRIMARY KEY, size INTEGER)")
        except (OSError, sqlite3.Error):
            self.db = None

    @staticmethod
    def _key(blob: str) -> str:
        return f"{FINGERPRINT_VERSION}:{blob}"

    def get(self, blobs: Iterable[str]) -> dict[str, tuple[Fingerprint, int]]:
        """(fingerprint, size of the source it claims to be of) by blob id; the caller checks the
        size against the file before trusting the row (the store may have been restored from
        anywhere)."""
        blobs = list(blobs)
        out: dict[str, tuple[Fingerprint, int]] = {}
        if self.db is None:
            return out
        try:
            for i in range(0, len(blobs), 500):
                keys = [self._key(b) for b in blobs[i:i + 500]]
                rows = self.db.execute(
                    "SELECT f.blob, f.sha256, f.normalised, s.size FROM fingerprints f JOIN sizes s ON s.blob = f.blob "
                    f"WHERE f.blob IN ({','.join('?' * len(keys))})", keys)
                for key, sha, norm, size in rows:
                    if isinstance(sha, str) and isinstance(norm, str) and isinstance(size, int) and \
                            len(sha) == len(norm) == 64:
                        out[key.partition(":")[2]] = (Fingerprint(sha, norm), size)
        except sqlite3.Error:
            return {}
        return out

    def put(self, items: dict[str, tuple[Fingerprint, int]]) -> None:
        if self.db is None or not items:
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO fingerprints VALUES (?, ?, ?)",
                                    [(self._key(b), fp.sha256, fp.normalised) for b, (fp, _) in items.items()])
                self.db.executemany("INSERT OR REPLACE INTO sizes VALUES (?, ?)",
                                    [(self._key(b), size) for b, (_, size) in items.items()])
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


def _blobs(corpus: Path, memo: dict[Path, dict[str, str]]) -> dict[str, str]:
    """git's blob ids of a corpus's unchanged sources, asked of git once per check."""
    if corpus not in memo:
        memo[corpus] = unchanged_blobs(corpus)
    return memo[corpus]


def other_fingerprints(selected: list[corpus_io.DocFolder], cache_dir: Path | None = None,
                       memo: dict[Path, dict[str, str]] | None = None) -> list[tuple[str, Fingerprint | None]]:
    """(doc id, fingerprint) of every other document of the selected documents' corpora.

    With a ``cache_dir``, a source that git holds unchanged (tracked, the same bytes in the work
    tree) is looked up by its blob id and read only the first time it is seen; others are read.
    ``memo`` shares git's answers with ``remember`` in the same check.
    """
    memo = {} if memo is None else memo
    out: list[tuple[str, Fingerprint | None]] = []
    store = FingerprintStore(cache_dir) if cache_dir is not None else None
    try:
        for corpus, names in siblings(selected):
            blobs = _blobs(corpus, memo) if store is not None else {}
            source = f"/{corpus_io.SOURCE}"
            blob_of = {name: blobs.get(name + source) for name in names}
            known = store.get({b for b in blob_of.values() if b}) if store is not None else {}
            new: dict[str, tuple[Fingerprint, int]] = {}
            for name in names:
                blob = blob_of[name]
                path = corpus / name / corpus_io.SOURCE
                row = known.get(blob) if blob else None
                fp = row[0] if row is not None and row[1] == _size(path) else None  # a row of another file: not trusted
                if fp is None:
                    fp = fingerprint_file(path)
                    if blob and fp is not None:
                        new[blob] = (fp, _size(path))
                out.append((name, fp))
            if store is not None:
                store.put(new)
    finally:
        if store is not None:
            store.close()
    return out


def remember(checked: Iterable[tuple[corpus_io.DocFolder, Fingerprint | None]], cache_dir: Path,
             memo: dict[Path, dict[str, str]] | None = None) -> None:
    """Store the fingerprints of validated sources that git holds unchanged, so that a full
    validation (CI on the main branch) prepares the store for the pull requests that follow."""
    memo = {} if memo is None else memo
    new: dict[str, tuple[Fingerprint, int]] = {}
    for folder, fp in checked:  # git is asked once per corpus; a corpus outside git costs no more
        if fp is not None:
            corpus, name = identity_parts(folder.path)
            blob = _blobs(corpus, memo).get(f"{name}/{corpus_io.SOURCE}")
            if blob is not None:
                new[blob] = (fp, _size(corpus / name / corpus_io.SOURCE))
    if new:
        store = FingerprintStore(cache_dir)
        store.put(new)
        store.close()


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return -1


def git_blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob (sha1 of a header and the bytes)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def same_blob(checked: list[corpus_io.DocFolder], memo: dict[Path, dict[str, str]]) -> dict[Path, str]:
    """Checked folders whose source has the very bytes git holds for another document of the corpus
    (folder -> that document's id): found from git's own blob ids, never from the fingerprint store,
    so a tampered store cannot hide a byte-identical copy. Only the checked sources are read again."""
    out: dict[Path, str] = {}
    chosen = {identity_parts(f.path) for f in checked}
    by_blob: dict[Path, dict[str, str]] = {}  # corpus -> blob id -> the first other document holding it
    for corpus, blobs in memo.items():
        owners: dict[str, str] = {}
        for name, blob in sorted(blobs.items()):
            doc = name.removesuffix(f"/{corpus_io.SOURCE}")
            if (corpus, doc) not in chosen:
                owners.setdefault(blob, doc)
        by_blob[corpus] = owners
    for folder in checked:
        parent, _ = identity_parts(folder.path)
        if not by_blob.get(parent):
            continue
        read, _ = corpus_io.read_source_file(folder.source)
        if read is not None and (twin := by_blob[parent].get(git_blob_id(read[0]))) is not None:
            out[folder.path] = twin
    return out


def findings(checked: Iterable[tuple[corpus_io.DocFolder, Fingerprint | None]],
             others: list[tuple[str, Fingerprint | None]], blob_twins: dict[Path, str] | None = None) -> list[Finding]:
    """A finding on each checked document whose source repeats one seen before it (others, by
    doc id, first), or has the bytes of another document by git's blob ids (``blob_twins``)."""
    seen: dict[bytes, tuple[str, bytes]] = {}  # digests, not hex: a whole corpus may pass through here
    for doc_id, fp in others:
        if fp is not None:
            seen.setdefault(bytes.fromhex(fp.normalised), (doc_id, bytes.fromhex(fp.sha256)))
    out = []
    for folder, fp in checked:
        if fp is None:
            continue
        key = bytes.fromhex(fp.normalised)
        twin = (blob_twins or {}).get(folder.path)
        if twin is not None and (key not in seen or seen[key][1].hex() != fp.sha256):
            seen[key] = (twin, bytes.fromhex(fp.sha256))  # git says byte-identical, whatever the store said
        if key in seen:
            first, first_sha = seen[key]
            how = "byte-identical to" if first_sha.hex() == fp.sha256 else "the same text (up to white space and line endings) as"
            out.append(Finding(corpus_io.display(folder.source), None, "duplicate-document",
                               f"this source is {how} the source of {first!r}",
                               f"the article is already in the corpus as {first!r}: remove this copy and add annotations to the existing document",
                               level=3))
        else:
            seen[key] = (folder.doc_id, bytes.fromhex(fp.sha256))
    return out
