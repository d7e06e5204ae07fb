"""Where a build came from: versions, a hash of the corpus files, and whether git had them committed.

Recorded in the dataset card so that ``publish`` can refuse a build of uncommitted work. No dates
and no commit ids: two builds of the same corpus files stay byte-identical.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from builders.__about__ import __version__
from builders.files import file_sha256
from builders.release.metadata import dataset_version
from builders.schema import schema_version

CLEAN = "clean"
DIRTY = "dirty"
NOT_IN_GIT = "not-in-git"


@dataclass(frozen=True)
class BuildInfo:
    dataset_version: str
    schema_version: str
    builder_version: str
    corpus_sha256: str
    corpus_git: str  # clean | dirty | not-in-git

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def _relative_files(corpus: Path) -> list[str]:
    """Relative paths with "/", as ``os.walk`` without following links would find them, from one
    scan per folder (a rebuild of a large corpus pays for this on every run).

    Iterative, so a folder nested a thousand levels deep is no RecursionError; only regular
    files count: a link (to a file or a folder) is not followed, a FIFO or socket is not read.
    """
    out: list[str] = []
    stack = [(os.fspath(corpus), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{prefix}{entry.name}/"))
                elif entry.is_file(follow_symlinks=False):
                    out.append(prefix + entry.name)
            except OSError:
                continue
    return sorted(out, key=lambda rel: rel.split("/"))


def corpus_sha256(corpus: Path, known: Mapping[str, str] | None = None) -> str:
    """sha256 over (relative path, sha256 of contents) of every corpus file: contents only, no mtimes.

    ``known``: hex digests already computed in this run, by path as ``os.path.join(corpus, rel)``
    spells it (the chunk keys' digests: run/runner.py), so that a build reads each input file
    once for both; any other file (a README, a stray file) is hashed here."""
    known = known or {}
    root = os.fspath(corpus)
    lines = []
    for rel in _relative_files(corpus):
        path = os.path.join(root, rel)
        lines.append(f"{known.get(path) or file_sha256(path)}  {rel}\n")
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def git_state(corpus: Path) -> str:
    """``clean`` when git tracks the corpus with no change and no untracked file in it."""
    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(corpus), *args], capture_output=True, text=True)

    try:
        inside = git("rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return NOT_IN_GIT
        tracked = git("ls-files", "--", ".")
        status = git("status", "--porcelain", "--untracked-files=all", "--", ".")
    except OSError:  # no git on this machine
        return NOT_IN_GIT
    if tracked.returncode != 0 or status.returncode != 0 or not tracked.stdout.strip():
        return NOT_IN_GIT
    return CLEAN if not status.stdout.strip() else DIRTY


def build_info(corpus: Path, known: Mapping[str, str] | None = None) -> BuildInfo:
    """``known``: file digests this run has computed already (``corpus_sha256``)."""
    return BuildInfo(dataset_version(), schema_version(), __version__, corpus_sha256(corpus, known), git_state(corpus))
