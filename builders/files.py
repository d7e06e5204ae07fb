"""Files: the project's data files (schema/, splits.toml, geosignal.toml, DATASHEET.md, CHANGELOG.md),
found in one way; the sha256 of any file, read in blocks; and a folder's files listed with both
(the manifest of an output folder, the Croissant file list, the plan of a publish).

An installed wheel carries copies inside the package (pyproject's force-include); a source
checkout has them at the repository root. The packaged copy is tried first: beside an installed
package, the parent folder is site-packages, where a file of that name belongs to someone else.
"""

from __future__ import annotations

import hashlib
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


def entry(folder: Path, path: Path) -> FileEntry:
    return FileEntry(path.relative_to(folder).as_posix(), path.stat().st_size, file_sha256(path))
