"""The per-document read (source/corpus.py ``read``) takes plain string paths, one lstat and one
listing per folder, and makes a path's display only for a finding: the same DocTexts, findings
included, as the read before (kept below verbatim as the reference) on folders of every shape a
contributor can make: missing, empty, oversized, non-UTF-8, BOM, CRLF, links, directories in a
file's place, stray files, second annotations, bad ids, and a folder read with its annotation
files swapped (score/load.py). One difference is intended: a folder that is itself a link is
reported, and now nothing is read through it, its second annotation included."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from builders.findings import Finding, Severity
from builders.score.load import _Named
from builders.source.corpus import (ANNOTATION, MAX_ANNOTATION_BYTES, MAX_SOURCE_BYTES, SECOND_ANNOTATION, SOURCE,
                                    DocFolder, DocTexts, display, doc_id_pattern, read)

from conftest import CORPUS, SEED_ID

SEED = CORPUS / SEED_ID


def _folders(root: Path) -> list[DocFolder]:
    """One document folder per shape; each holds the seed's files unless the shape changes them."""
    src, ann = (SEED / SOURCE).read_bytes(), (SEED / ANNOTATION).read_bytes()
    shapes = {
        "plain": {},
        "no_source": {SOURCE: None},
        "no_annotation": {ANNOTATION: None},
        "empty_source": {SOURCE: b""},
        "empty_annotation": {ANNOTATION: b""},
        "big_source": {SOURCE: b"a" * (MAX_SOURCE_BYTES + 1)},
        "big_annotation": {ANNOTATION: b"a" * (MAX_ANNOTATION_BYTES + 1)},
        "latin1_source": {SOURCE: src + "caf\u00e9".encode("latin-1")},
        "latin1_annotation": {ANNOTATION: b"# \xe9\n" + ann},
        "bom_source": {SOURCE: b"\xef\xbb\xbf" + src},
        "bom_annotation": {ANNOTATION: b"\xef\xbb\xbf" + ann},
        "crlf_source": {SOURCE: src.replace(b"\n", b"\r\n")},
        "crlf_annotation": {ANNOTATION: ann.replace(b"\n", b"\r\n")},
        "cr_late_annotation": {ANNOTATION: ann + b"# a\rb\n"},
        "stray": {"notes.txt": b"x", ".hidden": b"x", "README.md": b"x"},
        "second": {SECOND_ANNOTATION: ann},
        "second_empty": {SECOND_ANNOTATION: b""},
        "second_latin1": {SECOND_ANNOTATION: b"\xe9"},
        "Bad Id!": {},
        "source_dir": {SOURCE: "dir"},
        "annotation_dir": {ANNOTATION: "dir"},
        "second_dir": {SECOND_ANNOTATION: "dir"},
        "source_link": {SOURCE: "link"},
        "annotation_link": {ANNOTATION: "link"},
        "second_link": {SECOND_ANNOTATION: "link"},
        "broken_link": {SOURCE: "broken"},
    }
    out = []
    for name, files in shapes.items():
        folder = root / name
        folder.mkdir()
        for file, data in {SOURCE: src, ANNOTATION: ann, **files}.items():
            if data is None:
                continue
            if data == "dir":
                (folder / file).mkdir()
            elif data == "link":
                (folder / file).symlink_to(SEED / (file if file != SECOND_ANNOTATION else ANNOTATION))
            elif data == "broken":
                (folder / file).symlink_to(root / "nowhere")
            else:
                (folder / file).write_bytes(data)
        out.append(DocFolder(name, folder))
    out.append(DocFolder("missing", root / "missing"))
    return out


@pytest.mark.parametrize("relative", [False, True])
def test_read_equals_the_read_before(tmp_path, monkeypatch, relative):
    folders = _folders(tmp_path)
    if relative:  # paths as a person types them, relative to the working directory
        monkeypatch.chdir(tmp_path)
        folders = [DocFolder(f.doc_id, Path(f.path.name)) for f in folders]
    swapped = [_Named(f.doc_id, f.path, SECOND_ANNOTATION) for f in folders if (f.path / SECOND_ANNOTATION).exists()]
    assert len(swapped) >= 2
    codes = set()
    for folder in folders + swapped:
        got = read(folder)
        assert got == _old_read(folder), folder
        codes |= {f.code for f in got.findings + got.second_findings}
    assert codes >= {"file-missing", "file-empty", "file-too-large", "not-utf8", "bom", "line-endings", "stray-file",
                     "bad-doc-id", "not-a-file", "symlink"}


def test_a_folder_that_became_a_file_is_missing_files_not_a_crash(tmp_path):
    """(The read before raised NotADirectoryError here: a folder replaced by a file mid-run.)"""
    (tmp_path / "gone").write_bytes(b"x")
    got = read(DocFolder("gone", tmp_path / "gone"))
    assert [f.code for f in got.findings] == ["file-missing", "file-missing"] and got.source is None


def test_a_linked_folder_is_reported_and_nothing_is_read_through_it(tmp_path):
    (tmp_path / "real").mkdir()
    for name in (SOURCE, ANNOTATION, SECOND_ANNOTATION):
        (tmp_path / "real" / name).write_bytes((SEED / (name if name != SECOND_ANNOTATION else ANNOTATION)).read_bytes())
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    got = read(DocFolder("linked", tmp_path / "linked"))
    assert [f.code for f in got.findings] == ["symlink"]
    assert got.source is None and got.annotation is None and got.second is None and got.second_findings == ()


# source/corpus.py's read as main had it before (30f9376), verbatim but for the names: the reference
def _old_read(folder: DocFolder) -> DocTexts:
    """Level 1, the I/O half: every file of a document folder read under the file rules."""
    source, annotation, findings = _old_read_parts(folder)
    second, second_findings = _old_read_second_annotation(folder)
    return DocTexts(folder.doc_id, source, annotation, second, display(folder.annotation),
                    display(folder.second_annotation), tuple(findings), tuple(second_findings))


def _old_read_parts(folder: DocFolder) -> tuple[tuple[bytes, str] | None, str | None, list[Finding]]:
    """Level 1 for each file on its own: a broken source does not stop the annotation's checks."""
    findings: list[Finding] = []
    if folder.path.is_symlink():
        findings.append(Finding(display(folder.path), None, "symlink", f"the document folder {display(folder.path)} is a symbolic link",
                                "copy the document into the corpus; links can point outside it and are not followed", level=1))
        return None, None, findings
    if not doc_id_pattern().match(folder.doc_id):
        findings.append(Finding(display(folder.path), None, "bad-doc-id", f"{folder.doc_id!r} is not a valid document id",
                                "name the folder with 3-64 lowercase letters, digits, '_' or '-', starting with a letter or digit",
                                level=1))
    for name in sorted(os.listdir(folder.path)) if folder.path.is_dir() else []:
        if name not in (SOURCE, ANNOTATION, SECOND_ANNOTATION) and not name.startswith("."):
            findings.append(Finding(display(folder.path / name), None, "stray-file", f"unexpected file {name!r} in a document folder",
                                    f"a document folder holds only {SOURCE} and {ANNOTATION} (and {SECOND_ANNOTATION}, a second annotation)",
                                    Severity.WARNING, level=1))
    source = _old__read_file(folder.source, MAX_SOURCE_BYTES, findings, is_source=True)
    annotation = _old__read_file(folder.annotation, MAX_ANNOTATION_BYTES, findings, is_source=False)
    return source, annotation[1] if annotation else None, findings


def _old_read_second_annotation(folder: DocFolder) -> tuple[str | None, list[Finding]]:
    """The second annotation (``annotation.b.yaml``) if the folder has one, under the level-1 rules."""
    findings: list[Finding] = []
    if not os.path.lexists(folder.second_annotation):
        return None, findings
    read = _old__read_file(folder.second_annotation, MAX_ANNOTATION_BYTES, findings, is_source=False)
    return (read[1] if read else None), findings


def _old_read_source_file(path: Path) -> tuple[tuple[bytes, str] | None, list[Finding]]:
    """A raw source outside the corpus (``geosignal new``), under the same level-1 rules."""
    findings: list[Finding] = []
    return _old__read_file(path, MAX_SOURCE_BYTES, findings, is_source=True), findings


def _old__read_file(path: Path, limit: int, findings: list[Finding], is_source: bool) -> tuple[bytes, str] | None:
    where = display(path)
    what = "raw source" if is_source else "annotation file"
    try:
        info = path.lstat()
    except FileNotFoundError:
        hint = ("add the raw article as received (`geosignal new FILE` copies it in)" if is_source
                else "write the annotation file (`geosignal new FILE` creates a template)")
        findings.append(Finding(where, None, "file-missing", f"the {what} {path.name} is missing", hint, level=1))
        return None
    if stat.S_ISLNK(info.st_mode):
        findings.append(Finding(where, None, "symlink", f"the {what} is a symbolic link",
                                "store the file itself: links can point outside the corpus and are not followed", level=1))
        return None
    if not stat.S_ISREG(info.st_mode):
        findings.append(Finding(where, None, "not-a-file", f"the {what} is not a regular file", "replace it with a regular file", level=1))
        return None
    if info.st_size > limit:
        findings.append(Finding(where, None, "file-too-large", f"the {what} has {info.st_size:,} bytes; the limit is {limit:,}",
                                "split the article or check that the right file was added", level=1))
        return None
    if info.st_size == 0:
        findings.append(Finding(where, None, "file-empty", f"the {what} is empty",
                                "add the article text" if is_source else "fill in the annotation template", level=1))
        return None
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        findings.append(Finding(where, line, "not-utf8", f"the {what} is not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})",
                                "re-save the file as UTF-8", level=1))
        return None
    if text.startswith("\ufeff"):
        if is_source:
            findings.append(Finding(where, 1, "bom", "the raw source starts with a byte-order mark",
                                    "the cleaner drops it; nothing to do unless the mark was added by your editor",
                                    Severity.WARNING, level=1))
        else:
            findings.append(Finding(where, 1, "bom", "the annotation file starts with a byte-order mark",
                                    "save the file as UTF-8 without BOM", level=1))
    if "\r" in text and not is_source:  # a raw source keeps its CRLF: the cleaner normalises it
        line = text[: text.index("\r")].count("\n") + 1
        findings.append(Finding(where, line, "line-endings", f"the {what} has CR or CRLF line endings",
                                "convert the file to LF line endings (e.g. `dos2unix`)", level=1))
    return data, text

