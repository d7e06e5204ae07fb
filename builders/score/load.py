"""The I/O edge of scoring: annotation files, document folders, corpora and built datasets ->
records per document. Annotations are read by the corpus run (``run.runner.CorpusRun``, the one
that serves ``validate`` and ``build``): each document through levels 1-3, with the findings
``validate`` gives for its files, and the records of the valid ones. The checks across documents
are left out (a frozen agreement round links into documents it does not hold). A built dataset is
read through ``read.read_dataset`` (Parquet via pyarrow)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builders.dataset.read import read_dataset
from builders.findings import Finding, sort_findings
from builders.run.outcomes import Job
from builders.run.runner import CorpusRun
from builders.schema import ALL_CONFIGS
from builders.source.corpus import ANNOTATION, SOURCE, DocFolder, display
from builders.source.corpus import SECOND_ANNOTATION as SECOND

SCORED = ("entities", "events", "stances", "times")
LEVEL = 3  # files, schema, spans and references: what a document needs to be scored (the lints are warnings)


@dataclass(frozen=True)
class _Named(DocFolder):
    """A document folder read with another annotation file in annotation.yaml's place (e.g.
    annotation.b.yaml): the corpus run checks that file and keeps its records. annotation.yaml then
    stands in the second annotation's place, so both files of the folder are checked, as validate checks them."""

    name: str = ANNOTATION

    @property
    def annotation_name(self) -> str:
        return self.name

    @property
    def second_name(self) -> str:
        return ANNOTATION if self.name == SECOND else SECOND


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
    built dataset folder. ``name`` picks the annotation file of each folder (default annotation.yaml;
    the folders without one are left out); an annotation file names its own, source.txt annotation.yaml."""
    side = Side(display(path))
    if is_dataset(path):
        return _load_dataset(path, side)
    if path.is_file():
        name = ANNOTATION if path.name == SOURCE else path.name
    _read(side, [path], name or ANNOTATION)
    return side


def _read(side: Side, paths: list[Path], name: str = ANNOTATION, having: str | None = None) -> None:
    """One corpus run over the documents under ``paths``, each read with its annotation file ``name``
    (only the folders that have one, and ``having`` too when given): the run's error findings and
    the records of the valid documents go to ``side``."""
    wanted = [n for n in (name, having) if n and n != ANNOTATION]  # a folder without annotation.yaml is a finding

    def select(folders: list[DocFolder]) -> list[DocFolder]:
        """The folders that have the files, each read with its annotation file ``name``."""
        return [f if name == ANNOTATION else _Named(f.doc_id, f.path, name) for f in folders
                if all(os.path.lexists(f.path / n) for n in wanted)]

    run = CorpusRun(paths, Job(level=LEVEL, records=True), select=select)
    records = [doc for chunk in run.batches() for doc in chunk.records or []]
    # the run's tally without ``finish``: the checks across documents (links into other documents,
    # the same article twice) are the corpus's business, not the scored annotations'
    side.findings.extend(sort_findings([f for f in run.report.findings if f.is_error]))
    for doc in records:
        side.docs[doc.doc_id] = records_dict(doc)


def records_dict(records: Any) -> dict[str, Any]:
    """The scored configs of a DocRecords; a layer the records do not have is left out (n/a)."""
    return {c: records.config(c) for c in SCORED if hasattr(records, c)}


def second_annotations(corpus: Path) -> tuple[Side, Side]:
    """Every document of ``corpus`` with an annotation.b.yaml: (annotation.yaml, annotation.b.yaml).
    Both runs check both files of each folder, so the two sides report the same findings."""
    first, second = Side(f"{display(corpus)}/*/{ANNOTATION}"), Side(f"{display(corpus)}/*/{SECOND}")
    _read(first, [corpus], ANNOTATION, having=SECOND)
    _read(second, [corpus], SECOND)
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
