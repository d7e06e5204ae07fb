"""Which documents a change touched, from git: ``geosignal validate --changed-since REF``.

A document is touched when a file under ``<corpus>/<doc_id>/`` was changed, added or renamed
since REF (``git diff --name-only`` against the merge base of REF and HEAD, so a branch that is
behind its base is not blamed for the base's new commits; uncommitted changes count) or is
untracked. Documents do not refer to each other, so nothing else needs re-checking, except for the
corpus-wide duplicate check, which fingerprints every source (see duplicates.py; git's blob ids
let it skip the sources it has seen before). A change to the rules themselves (``schema/`` or
``builders/``) touches every document.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from builders.source import corpus as corpus_io

RULES = ("schema/", "builders/")


class GitError(Exception):
    """Not a git repository, an unknown ref, no git: a usage error (exit 2)."""


def _git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True,
                              env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    except FileNotFoundError:
        raise GitError("git is not installed; --changed-since needs it") from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"git {args[0]} failed")
    return done.stdout


def repo_root(where: Path) -> Path:
    """The top folder of the git work tree holding ``where``."""
    where = where if where.is_dir() else where.parent
    if not where.is_dir():
        where = Path.cwd()
    try:
        return Path(_git(where, "rev-parse", "--show-toplevel").strip())
    except GitError as exc:
        raise GitError(f"{corpus_io.display(where)} is not inside a git repository ({exc})") from None


def changed_files(root: Path, ref: str) -> list[Path]:
    """Files changed, added or renamed since ``ref`` (its merge base with HEAD), plus untracked files."""
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").strip()
    except GitError:
        raise GitError(f"unknown git ref {ref!r} (fetch it first, e.g. `git fetch origin`; CI needs fetch-depth: 0)") from None
    try:
        base = _git(root, "merge-base", commit, "HEAD").strip() or commit
    except GitError:  # no common history, or no HEAD yet: compare with the ref itself
        base = commit
    diff = _git(root, "diff", "--name-only", "--no-renames", "-z", base, "--")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    names = {n for n in (diff + untracked).split("\0") if n}
    return [root / n for n in sorted(names)]


def touches_rules(root: Path, files: list[Path]) -> bool:
    """Whether the schema or the validator changed: then every document must be re-checked."""
    return any(f.relative_to(root).as_posix().startswith(RULES) for f in files if f.is_relative_to(root))


def documents_touched(files: list[Path], roots: list[Path]) -> list[Path]:
    """The document folders, under the given corpus or document folders, that hold a changed file.

    Folders that no longer exist (a deleted document) are left out; a link is kept as a link, so
    that validation reports it.
    """
    out: dict[Path, Path] = {}
    for root in roots:
        root = root.parent if root.is_file() and root.name in (corpus_io.SOURCE, corpus_io.ANNOTATION) else root
        base = root.resolve()
        for f in files:
            if not f.is_relative_to(base):
                continue
            if corpus_io.is_doc_folder(root):
                out.setdefault(base, root)
                continue
            parts = f.relative_to(base).parts
            if not parts or parts[0].startswith("."):
                continue
            folder = root / parts[0]  # a linked folder is one changed path: the link itself
            if (len(parts) >= 2 and folder.is_dir()) or folder.is_symlink():
                out.setdefault(base / parts[0], folder)
    return [out[k] for k in sorted(out)]


def select(roots: list[Path], ref: str) -> tuple[list[Path], str]:
    """The paths to validate for ``--changed-since ref``, and a line saying what was chosen."""
    top = repo_root(roots[0])
    files = changed_files(top, ref)
    if touches_rules(top, files):
        return roots, f"the schema or the validator changed since {ref}: validating every document"
    touched = documents_touched(files, roots)
    names = ", ".join(p.name for p in touched[:10]) + (", ..." if len(touched) > 10 else "")
    return touched, f"{len(touched)} document(s) changed since {ref}" + (f": {names}" if touched else "")


def unchanged_blobs(corpus: Path) -> dict[str, str]:
    """``{"<doc_id>/source.txt": blob id}`` for the sources git tracks whose work-tree bytes are
    the indexed ones (regular files only); empty when the corpus is not in a git work tree.

    A file with any difference from the index (edited, deleted, or only touched since it was
    staged) is left out and read from disk: never trusting a blob id for bytes that may differ.
    """
    try:
        staged = _git(corpus, "ls-files", "--stage", "-z", "--", f"*/{corpus_io.SOURCE}")
        dirty = set(_git(corpus, "diff-files", "--relative", "--name-only", "-z", "--").split("\0"))
    except (GitError, OSError):
        return {}
    out = {}
    for entry in staged.split("\0"):
        info, _, name = entry.partition("\t")
        parts = info.split()
        if len(parts) != 3 or parts[0] not in ("100644", "100755") or parts[2] != "0":
            continue  # a link, a submodule, or a conflict stage
        if name.count("/") == 1 and name not in dirty:
            out[name] = parts[1]
    return out
