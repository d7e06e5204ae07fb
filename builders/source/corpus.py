"""The corpus on disk: one folder per document, ``corpus/<doc_id>/``.

Each folder holds ``source.txt`` (the raw source, byte-for-byte as received) and
``annotation.yaml`` (metadata and annotations, written by people). This module is the I/O edge:
it finds document folders and reads their files, refusing what must not be read (files that
are too large, symlinks, bytes that are not UTF-8) with findings rather than exceptions.
"""

from __future__ import annotations

import os
import re
import stat
from functools import cache, lru_cache
from dataclasses import dataclass
from pathlib import Path

from builders.findings import Finding, Severity
from builders.schema import schemas

SOURCE = "source.txt"
ANNOTATION = "annotation.yaml"
SECOND_ANNOTATION = "annotation.b.yaml"  # an independent second annotation, for `geosignal agree`: validated, never built
MAX_SOURCE_BYTES = 2 * 1024 * 1024
MAX_ANNOTATION_BYTES = 1024 * 1024
CORPUS_FILES = {"README.md", ".gitattributes"}


@cache
def doc_id_pattern() -> re.Pattern[str]:
    return re.compile(schemas()["common"]["$defs"]["doc_id"]["pattern"])


def display(path: Path | str) -> str:
    """A path as a person would type it: as given when relative, else relative to the working
    directory when inside it. (Called for every file read, so it avoids needless work: the
    folder is made relative once, its entries joined to it.)"""
    path = os.fspath(path)
    if not os.path.isabs(path):
        return path
    cwd = os.getcwd()
    folder, name = os.path.split(path)
    if name in ("", ".", "..") or folder == path:
        return _display(path, cwd)
    shown = _display(folder, cwd)
    if shown == folder:  # its folder is outside the working directory: so is the path, unless it is it
        return "." if os.path.normpath(path) == cwd else path
    return name if shown == "." else f"{shown}{os.sep}{name}"


@lru_cache(maxsize=256)
def _display(path: str, cwd: str) -> str:
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return path
    return rel if not rel.startswith("..") else path


@dataclass(frozen=True)
class DocFolder:
    doc_id: str
    path: Path

    @property
    def annotation_name(self) -> str:
        """The file read as the annotation (score/load.py reads a folder with another one)."""
        return ANNOTATION

    @property
    def second_name(self) -> str:
        """The file read as the second annotation."""
        return SECOND_ANNOTATION

    @property
    def source(self) -> Path:
        return self.path / SOURCE

    @property
    def annotation(self) -> Path:
        return self.path / self.annotation_name

    @property
    def second_annotation(self) -> Path:
        return self.path / self.second_name


@dataclass(frozen=True)
class DocTexts:
    """A document's files as read under the level-1 file rules: the input of the pure per-document
    step (check/document.py, run/step.py), which never reads a file itself."""

    doc_id: str
    source: tuple[bytes, str] | None  # the raw bytes and their UTF-8 text; None when it could not be read
    annotation: str | None
    second: str | None  # annotation.b.yaml, when the folder has one
    annotation_file: str  # the files as findings name them
    second_file: str
    findings: tuple[Finding, ...] = ()  # level 1: the folder and its two files
    second_findings: tuple[Finding, ...] = ()  # level 1: the second annotation


def is_doc_folder(path: Path) -> bool:
    return path.is_dir() and ((path / SOURCE).exists() or (path / ANNOTATION).exists() or (path / SOURCE).is_symlink())


def discover(paths: list[Path]) -> tuple[list[DocFolder], list[Finding]]:
    """Document folders named by the paths: a corpus folder, document folders, or files in them."""
    folders: dict[tuple[Path, str], DocFolder] = {}  # by identity
    findings: list[Finding] = []
    for path in paths:
        if not path.exists() and not path.is_symlink():
            findings.append(Finding(display(path), None, "path-missing", f"{display(path)} does not exist",
                                    "name a corpus folder, a document folder or an annotation file", level=1))
            continue
        if path.is_file() and (path.name in (SOURCE, ANNOTATION) or is_doc_folder(path.parent)):
            path = path.parent  # any file of a document (a pre-commit hook passes the files it saw change)
        if is_doc_folder(path):
            candidates = [path]
        elif path.is_dir():
            candidates, extra = _corpus_children(path)
            findings.extend(extra)
        else:
            findings.append(Finding(display(path), None, "path-not-corpus", f"{display(path)} is not a corpus or document folder",
                                    f"a document folder holds {SOURCE} and {ANNOTATION}", level=1))
            continue
        for folder in candidates:
            folders.setdefault(identity_parts(folder), DocFolder(folder.name, folder))
    return sorted(folders.values(), key=lambda f: (f.doc_id, str(f.path))), findings


@lru_cache(maxsize=64)
def _resolved(folder: str, cwd: str) -> Path:
    return Path(cwd, folder).resolve()


def identity_parts(path: Path | str) -> tuple[Path, str]:
    """A path's identity as (its folder, resolved once; its last component, not followed if a
    link): no Path made per call, for the loops over every folder of a corpus (discovery, the
    checks across documents)."""
    text = os.fspath(path)
    parent, name = os.path.split(text)
    if name in ("", ".", ".."):
        path = Path(path)
        parent, name = str(path.parent), path.name
    parent = parent or "."
    return _resolved(parent, "" if os.path.isabs(parent) else os.getcwd()), name


def _corpus_children(corpus: Path) -> tuple[list[Path], list[Finding]]:
    """One directory scan: the entries' types come with it, no stat per document folder."""
    findings: list[Finding] = []
    children: list[Path] = []
    for entry in sorted(os.scandir(corpus), key=lambda e: e.name):
        child = corpus / entry.name
        if entry.name.startswith(".") and entry.name not in CORPUS_FILES:
            if entry.is_dir(follow_symlinks=False) and is_doc_folder(child):
                findings.append(Finding(display(child), None, "hidden-document",
                                        f"{display(child)} looks like a document but its folder is hidden, so it is never checked or built",
                                        "rename the folder without the leading '.' (a document id starts with a letter or digit), or remove it",
                                        level=1))
            continue
        if entry.is_symlink():
            findings.append(Finding(display(child), None, "symlink", f"{display(child)} is a symbolic link",
                                    "copy the document into the corpus; links can point outside it and are not followed", level=1))
        elif entry.is_dir(follow_symlinks=False):
            children.append(child)
        elif entry.name not in CORPUS_FILES:
            findings.append(Finding(display(child), None, "stray-file", f"{display(child)} is not inside a document folder",
                                    f"put documents in corpus/<doc_id>/{SOURCE} and corpus/<doc_id>/{ANNOTATION}",
                                    Severity.WARNING, level=1))
    return children, findings


def read(folder: DocFolder) -> DocTexts:
    """Level 1, the I/O half: every file of a document folder read under the file rules.

    Called for every document of every run: paths are plain strings joined once, and each
    folder is looked at with one lstat and one listing (which also tells whether the second
    annotation exists), not a Path and a stat per question."""
    base = os.fspath(folder.path)
    names = _entries(base)
    source, annotation, findings = _read_parts(folder, base, names)
    second, second_findings = (None, []) if names is None or folder.second_name not in names else \
        read_second_annotation(folder)
    return DocTexts(folder.doc_id, source, annotation, second, display(_join(base, folder.annotation_name)),
                    display(_join(base, folder.second_name)), tuple(findings), tuple(second_findings))


def _join(base: str, name: str) -> str:
    """``str(Path(base) / name)`` without making a Path."""
    return name if base == "." else os.path.join(base, name)


def _entries(base: str) -> list[str] | None:
    """The names in a document folder, sorted; None when it is a link or not a directory."""
    try:
        info = os.lstat(base)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None
    return sorted(os.listdir(base))


def read_parts(folder: DocFolder) -> tuple[tuple[bytes, str] | None, str | None, list[Finding]]:
    """Level 1 for each file on its own: a broken source does not stop the annotation's checks."""
    base = os.fspath(folder.path)
    return _read_parts(folder, base, _entries(base))


def _read_parts(folder: DocFolder, base: str, names: list[str] | None
                ) -> tuple[tuple[bytes, str] | None, str | None, list[Finding]]:
    findings: list[Finding] = []
    if names is None and os.path.islink(base):
        findings.append(Finding(display(base), None, "symlink", f"the document folder {display(base)} is a symbolic link",
                                "copy the document into the corpus; links can point outside it and are not followed", level=1))
        return None, None, findings
    if not doc_id_pattern().match(folder.doc_id):
        findings.append(Finding(display(base), None, "bad-doc-id", f"{folder.doc_id!r} is not a valid document id",
                                "name the folder with 3-64 lowercase letters, digits, '_' or '-', starting with a letter or digit",
                                level=1))
    for name in names or ():
        if name not in (SOURCE, ANNOTATION, SECOND_ANNOTATION) and not name.startswith("."):
            findings.append(Finding(display(_join(base, name)), None, "stray-file", f"unexpected file {name!r} in a document folder",
                                    f"a document folder holds only {SOURCE} and {ANNOTATION} (and {SECOND_ANNOTATION}, a second annotation)",
                                    Severity.WARNING, level=1))
    source = _read_file(_join(base, SOURCE), MAX_SOURCE_BYTES, findings, is_source=True)
    annotation = _read_file(_join(base, folder.annotation_name), MAX_ANNOTATION_BYTES, findings, is_source=False)
    return source, annotation[1] if annotation else None, findings


def read_second_annotation(folder: DocFolder) -> tuple[str | None, list[Finding]]:
    """The second annotation (``annotation.b.yaml``) if the folder has one, under the level-1 rules."""
    findings: list[Finding] = []
    if not os.path.lexists(folder.second_annotation):
        return None, findings
    read = _read_file(folder.second_annotation, MAX_ANNOTATION_BYTES, findings, is_source=False)
    return (read[1] if read else None), findings


def read_source_file(path: Path) -> tuple[tuple[bytes, str] | None, list[Finding]]:
    """A raw source outside the corpus (``geosignal new``), under the same level-1 rules."""
    findings: list[Finding] = []
    return _read_file(path, MAX_SOURCE_BYTES, findings, is_source=True), findings


def _read_file(path: Path | str, limit: int, findings: list[Finding], is_source: bool) -> tuple[bytes, str] | None:
    path = os.fspath(path)
    what = "raw source" if is_source else "annotation file"
    try:
        info = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):  # or its folder is gone, or became a file
        hint = ("add the raw article as received (`geosignal new FILE` copies it in)" if is_source
                else "write the annotation file (`geosignal new FILE` creates a template)")
        findings.append(Finding(display(path), None, "file-missing", f"the {what} {os.path.basename(path)} is missing",
                                hint, level=1))
        return None
    if stat.S_ISLNK(info.st_mode):
        findings.append(Finding(display(path), None, "symlink", f"the {what} is a symbolic link",
                                "store the file itself: links can point outside the corpus and are not followed", level=1))
        return None
    if not stat.S_ISREG(info.st_mode):
        findings.append(Finding(display(path), None, "not-a-file", f"the {what} is not a regular file",
                                "replace it with a regular file", level=1))
        return None
    if info.st_size > limit:
        findings.append(Finding(display(path), None, "file-too-large", f"the {what} has {info.st_size:,} bytes; the limit is {limit:,}",
                                "split the article or check that the right file was added", level=1))
        return None
    if info.st_size == 0:
        findings.append(Finding(display(path), None, "file-empty", f"the {what} is empty",
                                "add the article text" if is_source else "fill in the annotation template", level=1))
        return None
    with open(path, "rb", buffering=0) as file:
        data = file.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        findings.append(Finding(display(path), line, "not-utf8", f"the {what} is not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})",
                                "re-save the file as UTF-8", level=1))
        return None
    if text.startswith("\ufeff"):
        if is_source:
            findings.append(Finding(display(path), 1, "bom", "the raw source starts with a byte-order mark",
                                    "the cleaner drops it; nothing to do unless the mark was added by your editor",
                                    Severity.WARNING, level=1))
        else:
            findings.append(Finding(display(path), 1, "bom", "the annotation file starts with a byte-order mark",
                                    "save the file as UTF-8 without BOM", level=1))
    if "\r" in text and not is_source:  # a raw source keeps its CRLF: the cleaner normalises it
        line = text[: text.index("\r")].count("\n") + 1
        findings.append(Finding(display(path), line, "line-endings", f"the {what} has CR or CRLF line endings",
                                "convert the file to LF line endings (e.g. `dos2unix`)", level=1))
    return data, text
