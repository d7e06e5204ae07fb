"""The same article under two ids: a corpus-wide check that stays cheap.

Every source is fingerprinted (a sha256 of its bytes, and one of its text with white space and
line endings normalised, so a re-wrapped or re-saved copy is caught too). Hashing a source is
cheap, so the documents being validated are compared with *every* document of their corpus, even
when only a few are validated (``--changed-since``, a pre-commit hook naming files).
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import corpus as corpus_io
from .findings import Finding


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    normalised: str


def fingerprint(data: bytes, text: str) -> Fingerprint:
    """The sha256 of the bytes, and of the text with a BOM dropped, NFC, and white space runs as one space."""
    flat = " ".join(unicodedata.normalize("NFC", text.removeprefix("\ufeff")).split())
    return Fingerprint(hashlib.sha256(data).hexdigest(), hashlib.sha256(flat.encode("utf-8")).hexdigest())


identity = corpus_io.identity  # a folder's identity without following a link in its last component


def siblings(selected: list[corpus_io.DocFolder]) -> list[corpus_io.DocFolder]:
    """The other folders of the corpora the selected folders sit in (links are not followed).

    Read with one directory scan per corpus and no check of each folder's files: a folder
    without a readable source simply has no fingerprint.
    """
    chosen = {identity(f.path) for f in selected}
    out: dict[Path, corpus_io.DocFolder] = {}
    for corpus in sorted({identity(f.path).parent for f in selected}):
        try:
            entries = sorted(os.scandir(corpus), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            child = corpus / entry.name
            if entry.name.startswith(".") or not entry.is_dir(follow_symlinks=False):
                continue
            key = identity(child)
            if key not in chosen and key not in out:
                out[key] = corpus_io.DocFolder(entry.name, child)
    return list(out.values())


def fingerprint_folder(folder: corpus_io.DocFolder) -> Fingerprint | None:
    """A sibling's fingerprint, read under the level-1 rules; None when its source cannot be read."""
    source, _ = corpus_io.read_source_file(folder.source)
    return fingerprint(*source) if source else None


def findings(checked: list[tuple[corpus_io.DocFolder, Fingerprint | None]],
             others: list[tuple[corpus_io.DocFolder, Fingerprint | None]]) -> list[Finding]:
    """A finding on each checked document whose source repeats one seen before it (others first)."""
    seen: dict[str, tuple[str, str]] = {}
    for folder, fp in others:
        if fp is not None:
            seen.setdefault(fp.normalised, (folder.doc_id, fp.sha256))
    out = []
    for folder, fp in checked:
        if fp is None:
            continue
        if fp.normalised in seen:
            first, first_sha = seen[fp.normalised]
            how = "byte-identical to" if first_sha == fp.sha256 else "the same text (up to white space and line endings) as"
            out.append(Finding(corpus_io.display(folder.source), None, "duplicate-document",
                               f"this source is {how} the source of {first!r}",
                               f"the article is already in the corpus as {first!r}: remove this copy and add annotations to the existing document",
                               level=3))
        else:
            seen[fp.normalised] = (folder.doc_id, fp.sha256)
    return out
