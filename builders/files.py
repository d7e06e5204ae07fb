"""Files: the project's data files (schema/, splits.toml, geosignal.toml, DATASHEET.md, CHANGELOG.md),
found in one way; the sha256 of any file, read in blocks; a folder's files listed with both
(the manifest of an output folder, the Croissant file list, the plan of a publish); and the
one way a folder is written whole before it appears (``staging``: a dataset, an export, a new
document).

An installed wheel carries copies inside the package (pyproject's force-include); a source
checkout has them at the repository root. The packaged copy is tried first: beside an installed
package, the parent folder is site-packages, where a file of that name belongs to someone else.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

PACKAGE = Path(__file__).resolve().parent


def project_file(name: str) -> Path:
    """The packaged copy of a project file or folder, else the checkout's (which may not exist)."""
    packaged = PACKAGE / name
    return packaged if packaged.exists() else PACKAGE.parent / name


def file_sha256(path: Path | str) -> str:
    """Read in blocks, never whole: a Parquet shard can be hundreds of megabytes."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class FileEntry(NamedTuple):
    """A file of a folder: its path inside the folder (with "/"), its size and its sha256."""

    path: str
    size: int
    sha256: str


def file_entry(folder: Path, path: Path) -> FileEntry:
    return FileEntry(path.relative_to(folder).as_posix(), path.stat().st_size, file_sha256(path))


def hidden_sibling(path: Path, kind: str, pid: int | None = None) -> Path:
    """``.<name>.<kind>-<pid>`` beside ``path``: where a run stages what will replace or become it."""
    return path.with_name(f".{path.name}.{kind}-{os.getpid() if pid is None else pid}")


@contextmanager
def staging(target: Path, kind: str = "tmp") -> Iterator[Path]:
    """A new empty folder beside ``target`` under a hidden name, to be written whole and then
    renamed into place; whatever is left of it (all of it, if it was never moved) goes on exit."""
    tmp = hidden_sibling(target, kind)
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
