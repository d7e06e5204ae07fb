"""The I/O edge of scoring: annotation files, document folders, corpora and built datasets ->
records per document, through the same code path as ``validate`` and ``build`` (levels 1-3 of
``check.document.check_folder``; annotation files are never parsed a second way) or, for a built dataset,
through ``read.read_dataset`` (Parquet via pyarrow)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builders.check.document import check_folder
from builders.dataset.read import read_dataset
from builders.schema import ALL_CONFIGS
from builders.source import corpus as corpus_io
from builders.source.corpus import ANNOTATION, DocFolder
from builders.source.corpus import SECOND_ANNOTATION as SECOND
from builders.findings import Finding

SCORED = ("entities", "events", "stances", "times")


@dataclass(frozen=True)
class _Named(DocFolder):
    """A document folder read with another annotation file (e.g. annotation.b.yaml)."""

    name: str = ANNOTATION

    @property
    def annotation(self) -> Path:
        return self.path / self.name


@dataclass
class Side:
    """One side of a comparison: records per doc id, and what stopped a document from loading."""

    label: str
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.is_error for f in self.findings)


def is_dataset(path: Path) -> bool:
    return path.is_dir() and (path / "data" / "documents").is_dir()


def load(path: Path, name: str | None = None) -> Side:
    """Records of the documents at ``path``: an annotation file, a document folder, a corpus, or a
    built dataset folder. ``name`` picks the annotation file of each folder (default annotation.yaml)."""
    side = Side(corpus_io.display(path))
    if is_dataset(path):
        return _load_dataset(path, side)
    if path.is_file() or (not path.exists() and path.suffix in (".yaml", ".yml")):
        chosen = ANNOTATION if path.name == corpus_io.SOURCE else path.name  # source.txt names its document
        folders = [_Named(path.parent.name, path.parent, chosen)]
    elif path.is_dir() and corpus_io.is_doc_folder(path):
        folders = [_Named(path.name, path, name or ANNOTATION)]
    elif path.is_dir():
        found, findings = corpus_io.discover([path])
        side.findings.extend(f for f in findings if f.is_error)
        folders = [_Named(f.doc_id, f.path, name or ANNOTATION) for f in found]
        if name:  # a second annotation exists for some documents only
            folders = [f for f in folders if f.annotation.exists()]
    else:
        side.findings.append(Finding(side.label, None, "path-missing", f"{side.label} does not exist",
                                     "name an annotation file, a document folder, a corpus or a built dataset folder",
                                     level=1))
        return side
    for folder in folders:
        add_folder(side, folder)
    return side


def add_folder(side: Side, folder: DocFolder) -> None:
    checked = check_folder(folder, level=3)
    errors = [f for f in checked.findings if f.is_error]
    if checked.records is None and not errors:
        errors = [Finding(corpus_io.display(folder.annotation), None, "not-scored", "the document has no records",
                          f"run `geosignal validate {corpus_io.display(folder.path)}`", level=3)]
    side.findings.extend(errors)
    if checked.records is not None and not errors:
        side.docs[folder.doc_id] = records_dict(checked.records)


def records_dict(records: Any) -> dict[str, Any]:
    """The scored configs of a DocRecords; a layer the records do not have is left out (n/a)."""
    return {c: records.config(c) for c in SCORED if hasattr(records, c)}


def second_annotations(corpus: Path) -> tuple[Side, Side]:
    """Every document of ``corpus`` with an annotation.b.yaml: (annotation.yaml, annotation.b.yaml)."""
    found, findings = corpus_io.discover([corpus])
    first, second = Side(f"{corpus_io.display(corpus)}/*/{ANNOTATION}"), Side(f"{corpus_io.display(corpus)}/*/{SECOND}")
    first.findings.extend(f for f in findings if f.is_error)
    for folder in found:
        if (folder.path / SECOND).exists():
            add_folder(first, _Named(folder.doc_id, folder.path, ANNOTATION))
            add_folder(second, _Named(folder.doc_id, folder.path, SECOND))
    return first, second


def _load_dataset(path: Path, side: Side) -> Side:
    configs = ["documents"] + [c for c in SCORED if c in ALL_CONFIGS]
    try:
        data = read_dataset(path, configs)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign Parquet file is a finding, not a traceback
        side.findings.append(Finding(side.label, None, "unreadable-dataset", f"cannot read the dataset: {exc}",
                                     "point at the folder `geosignal build` wrote (it holds data/<config>/*.parquet)",
                                     level=1))
        return side
    for row in data["documents"]:
        side.docs[row["doc_id"]] = {c: [] for c in configs if c != "documents"}
    for config in configs[1:]:
        for row in data[config]:
            side.docs.setdefault(row["doc_id"], {c: [] for c in configs if c != "documents"})[config].append(row)
    return side


def pair(prediction: Side, reference: Side) -> tuple[list[str], dict[str, list[str]]]:
    """Doc ids on both sides, and those on one side only."""
    both = sorted(prediction.docs.keys() & reference.docs.keys())
    return both, {"prediction_only": sorted(prediction.docs.keys() - reference.docs.keys()),
                  "reference_only": sorted(reference.docs.keys() - prediction.docs.keys())}
