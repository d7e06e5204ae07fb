"""``geosignal import inception``: XMIs -> annotation.yaml, all or nothing.

Inputs are one XMI, a folder of them, or a zip (INCEpTION's document or project export; a zip
inside it, as INCEpTION nests per-annotator files, is opened too). Each XMI is read against its
document's clean text and current annotation, the changes are merged into a copy of the corpus,
and the copy is validated as ``geosignal validate`` would; only then are the changed files
replaced in the corpus, each by an atomic rename.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from builders.source.corpus import ANNOTATION, DocFolder, display
from builders.findings import Finding, Severity, sort_findings
from builders.check.document import check_folder
from builders.annotation.yamlio import parse_yaml
from builders.inception.from_xmi import META, read_xmi
from builders.inception.merge import merge
from builders.inception.model import Doc, from_annotation
from builders.run.validate import validate

MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_BYTES = 512 * 1024 * 1024
TYPESYSTEM_NAMES = ("TypeSystem.xml", "typesystem.xml")
RANK = {"curation": 0, "annotation": 1, "source": 3}  # which XMI of a document wins in a project zip


@dataclass
class Input:
    file: str  # as shown in findings
    data: bytes
    typesystem: bytes | None
    fallback_id: str


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)  # doc id -> what changed
    written: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


def _fallback_id(path: PurePosixPath) -> str:
    """annotation/<doc>.xmi/<user>.xmi (INCEpTION) names the document by its folder; a file by its stem."""
    if path.parent.name.endswith(".xmi"):
        return path.parent.name.removesuffix(".xmi")
    return path.stem


def _from_zip(data: bytes, label: str, findings: list[Finding], depth: int = 0) -> list[Input]:
    import io

    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        members = z.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        findings.append(Finding(label, None, "zip-unreadable", f"not a readable zip: {exc}", "name an XMI, a folder or a zip INCEpTION exported", level=1))
        return []
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_ZIP_BYTES:
        findings.append(Finding(label, None, "zip-too-large", "the zip holds too many or too large files",
                                f"at most {MAX_ZIP_MEMBERS} files and {MAX_ZIP_BYTES} bytes", level=1))
        return []
    names = {m.filename for m in members}
    out = []
    for m in members:
        path = PurePosixPath(m.filename)
        if m.is_dir():
            continue
        if path.suffix == ".zip" and depth == 0:
            out.extend(_from_zip(z.read(m), f"{label}!{m.filename}", findings, depth + 1))
        elif path.suffix == ".xmi":
            ts_name = next((str(path.parent / n) if str(path.parent) != "." else n for n in TYPESYSTEM_NAMES
                            if (str(path.parent / n) if str(path.parent) != "." else n) in names), None)
            ts_name = ts_name or next((n for n in TYPESYSTEM_NAMES if n in names), None)
            out.append(Input(f"{label}!{m.filename}", z.read(m), z.read(ts_name) if ts_name else None, _fallback_id(path)))
    return out


def _typesystem_beside(path: Path, root: Path) -> bytes | None:
    for folder in [path.parent, *path.parent.parents]:
        for name in TYPESYSTEM_NAMES:
            if (folder / name).is_file():
                return (folder / name).read_bytes()
        if folder == root:
            break
    return None


def gather(path: Path) -> tuple[list[Input], list[Finding]]:
    """The XMIs a path names, each with the type system found beside it."""
    findings: list[Finding] = []
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".xmi", ".zip") and not p.is_symlink())
    elif path.is_file():
        files = [path]
    else:
        return [], [Finding(display(path), None, "path-missing", f"{display(path)} does not exist", "name an XMI, a folder or a zip", level=1)]
    inputs: list[Input] = []
    for f in files:
        if f.suffix == ".zip":
            inputs.extend(_from_zip(f.read_bytes(), display(f), findings))
        elif f.suffix == ".xmi":
            inputs.append(Input(display(f), f.read_bytes(), _typesystem_beside(f, path if path.is_dir() else f.parent),
                                _fallback_id(PurePosixPath(f.name))))
        else:
            findings.append(Finding(display(f), None, "not-xmi", f"{display(f)} is neither an XMI nor a zip", "name an .xmi, a folder or a .zip", level=1))
    if not inputs and not findings:
        findings.append(Finding(display(path), None, "no-xmi", f"{display(path)} holds no .xmi file", "export the documents from INCEpTION as UIMA CAS XMI", level=1))
    return inputs, findings


def _rank(file: str) -> int:
    """curation/ before annotation/ before anything else before source/ (INCEpTION's project layout)."""
    for segment in file.split("!")[1:]:
        top = PurePosixPath(segment).parts[0]
        if top in RANK and "/" in segment:
            return RANK[top]
    return 2


@dataclass
class _Doc:
    text: str  # the clean text
    annotation_text: str
    data: dict  # the annotation, parsed
    model: Doc


class _Corpus:
    """The corpus documents an import touches: clean text, annotation text and model, read once."""

    def __init__(self, corpus: Path):
        self.corpus, self.cache, self.findings = corpus, {}, []

    def get(self, doc_id: str) -> "_Doc | str | None":
        if doc_id not in self.cache:
            self.cache[doc_id] = self._load(doc_id)
        return self.cache[doc_id]

    def _load(self, doc_id: str):
        folder = DocFolder(doc_id, self.corpus / doc_id)
        if not folder.path.is_dir():
            return None
        checked = check_folder(folder, level=3)
        if checked.records is None:
            self.findings.extend(checked.findings)
            self.findings.append(Finding(display(folder.annotation), None, "document-invalid",
                                         f"{doc_id} does not validate in the corpus, so nothing can be merged into it",
                                         "fix the errors above with `geosignal validate`, then import again"))
            return "invalid"
        annotation_text = folder.annotation.read_text(encoding="utf-8")
        text = checked.records.documents[0]["text"]
        data = parse_yaml(annotation_text).data
        return _Doc(text, annotation_text, data, from_annotation(text, data))


def import_xmis(path: Path, corpus: Path, dry_run: bool = False) -> Result:
    """Merge the XMIs under ``path`` into ``corpus``; write nothing unless everything validates."""
    result = Result()
    inputs, result.findings = gather(path)
    docs = _Corpus(corpus)
    texts: dict[str, str] = {}
    old: dict[str, Doc] = {}
    candidates: dict[str, list] = {}
    for item in inputs:
        doc_id = _peek_id(item)
        loaded = docs.get(doc_id) if doc_id else None
        if isinstance(loaded, _Doc):
            texts[doc_id], old[doc_id] = loaded.text, loaded.model
        read = read_xmi(item.data, item.file, item.typesystem, old, texts, item.fallback_id)
        result.findings.extend(read.findings)
        if read.doc is not None:
            candidates.setdefault(read.doc_id, []).append((_rank(item.file), read))
    result.findings.extend(docs.findings)
    reads = []
    for doc_id, found in sorted(candidates.items()):
        best = min(rank for rank, _ in found)
        tied = [read for rank, read in found if rank == best]
        if len(tied) > 1:
            result.findings.append(Finding(tied[1].file, None, "duplicate-document",
                                           f"{len(tied)} XMIs for {doc_id}: {', '.join(r.file for r in tied)}",
                                           "import the curated XMI, or one annotator's at a time"))
        reads.append(tied[0])
    new_texts = {}
    for read in reads:
        doc = docs.get(read.doc_id)
        result.findings.extend(_metadata_edits(read, doc.data))
        if read.doc.author is not None and doc.data["document"].get("author") is None:
            result.findings.append(Finding(read.file, None, "author-not-set",
                                           f"the XMI names {read.doc.author!r} as the author's entity, but {read.doc_id} has no author",
                                           "set document.author (the author's name) in annotation.yaml first (ANNOTATION.md 3.7)"))
            continue
        merged, changes = merge(doc.annotation_text, doc.text, doc.model, read.doc, list(doc.data))
        if changes:
            new_texts[read.doc_id], result.changes[read.doc_id] = merged, changes
    if not result.ok or not new_texts:
        result.findings = sort_findings(result.findings)
        return result
    result.findings.extend(_validate_copy(corpus, new_texts))
    result.findings = sort_findings(result.findings)
    if result.ok and not dry_run:
        _write(corpus, new_texts)
        result.written = sorted(new_texts)
    return result


def _metadata_edits(read, data: dict) -> list[Finding]:
    """Metadata changed in the tool is not imported (it is read-only there): say so rather than drop it."""
    meta = data["document"]
    out = []
    for key in META:
        if key in read.meta and read.meta[key] != (str(meta[key]) if meta.get(key) is not None else None):
            out.append(Finding(read.file, None, "metadata-not-imported",
                               f"the XMI's {key} is {read.meta[key]!r}, annotation.yaml has {meta.get(key)!r}; it was not imported",
                               f"document metadata is edited in annotation.yaml (document: {key}:), not in the tool",
                               Severity.WARNING))
    return out


def _peek_id(item: Input) -> str | None:
    """The document id an XMI names (GeoSignalDocument docId), before reading it in full."""
    import re

    m = re.search(rb'<custom:GeoSignalDocument\b[^>]*\bdocId="([a-z0-9][a-z0-9_-]{2,63})"', item.data)
    return m.group(1).decode() if m else item.fallback_id


def _validate_copy(corpus: Path, new_texts: dict[str, str]) -> list[Finding]:
    """Validate the corpus as it would be after the import (a copy), findings pointed at the real files.

    The changed documents are validated in full; the corpus-wide checks (duplicates, links from
    and to other documents) see every document, as ``validate --changed-since`` does, so an
    event removed here that another document links to is caught.
    """
    with tempfile.TemporaryDirectory(prefix="geosignal-import-") as tmp:
        copy = Path(tmp) / corpus.name
        shutil.copytree(corpus, copy, symlinks=True)
        for doc_id, text in new_texts.items():
            (copy / doc_id / ANNOTATION).write_text(text, encoding="utf-8", newline="\n")
        report = validate([copy / doc_id for doc_id in sorted(new_texts)], level=4, workers=1)
        shown, real = display(copy), display(corpus)
        out = []
        for f in report.findings:
            if f.is_error:
                out.append(Finding(f.file.replace(str(copy), str(corpus)).replace(shown, real), f.line, f.code,
                                   f"after the import: {f.message}", f.hint, f.severity, f.level))
        return out


def _write(corpus: Path, new_texts: dict[str, str]) -> None:
    staged = []
    try:
        for doc_id, text in sorted(new_texts.items()):
            target = corpus / doc_id / ANNOTATION
            tmp = target.with_name(f".{ANNOTATION}.import-{os.getpid()}")
            tmp.write_text(text, encoding="utf-8", newline="\n")
            staged.append((tmp, target))
        for tmp, target in staged:
            os.replace(tmp, target)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
