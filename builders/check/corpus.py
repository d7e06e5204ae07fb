"""The checks no single document can make, run once over the whole run (level 3).

The same document id used by two folders; the same article under two ids (check/duplicates.py:
fingerprints of every source, kept by git blob id in the cache's fingerprint store); event links
to another document's event (annotation/links.py). Each document hands on only what these
checks need (a fingerprint, its few cross-document links), so memory stays small.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from builders.annotation import links as cross
from builders.annotation.links import CrossLink
from builders.check import duplicates
from builders.check.duplicates import Fingerprint
from builders.findings import Finding
from builders.source.corpus import DocFolder, display

LEVEL = 3


@dataclass
class Report:
    """The findings of a run over the corpus (sorted), how many documents it checked, which passed."""

    findings: list[Finding] = field(default_factory=list)
    checked: int = 0
    valid: list[str] = field(default_factory=list)  # ids of the documents that passed every check
    notes: list[str] = field(default_factory=list)  # one line each about the run itself (a cache entry not used)

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


def corpus_findings(folders: list[DocFolder], fingerprints: Iterable[Fingerprint | None],
                    cache_dir: Path | None = None, links: Iterable[list[CrossLink]] | None = None) -> list[Finding]:
    """Checks across documents: the same id twice, the same source under two ids (``fingerprints``
    holds one per folder), and event links to another document's event (``links``, one list per
    folder). With ``cache_dir``, the fingerprints of sources git holds unchanged are kept there."""
    out: list[Finding] = []
    by_id: dict[str, DocFolder] = {}
    for folder in folders:
        if folder.doc_id in by_id:
            out.append(Finding(display(folder.path), None, "duplicate-doc-id",
                               f"document id {folder.doc_id!r} is used by two folders (also {display(by_id[folder.doc_id].path)})",
                               "validate one corpus at a time, or rename one folder", level=LEVEL))
        by_id.setdefault(folder.doc_id, folder)
    memo: dict[Path, dict[str, str]] = {}  # git is asked once for both steps
    others = duplicates.other_fingerprints(folders, cache_dir, memo)
    twins = duplicates.same_blob(folders, memo) if others and cache_dir is not None else {}
    out.extend(duplicates.findings(zip(folders, fingerprints), others, twins))
    if cache_dir is not None:
        duplicates.remember(zip(folders, fingerprints), cache_dir, memo)
    if links is not None:
        out.extend(cross.findings(zip(folders, links)))
    return out
