"""Records -> the formats annotators and trainers already use: brat, CoNLL, JSON Lines, spaCy.

The records come from the corpus (validated first, as ``geosignal build`` does) or from a built
dataset folder; both give the same export. Each format writes one set of files per split of the
dataset, so the export keeps the document-level split assignment. The output folder is written
atomically, as the dataset is, and a folder that is not a previous export is never replaced.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from builders.findings import Finding
from builders.annotation.records import DocRecords
from builders.schema import CONFIGS

FORMATS = ("brat", "conll", "jsonl", "spacy", "inception")
MARKER = "<!-- written by `geosignal export`; re-export rather than edit -->"


from builders.dataset.outdir import OutputRefused, OutputUnusable  # noqa: E402


class ExportRefused(OutputRefused):
    """The output folder cannot be (re)written: see outdir.py."""


class ExportUnusable(OutputUnusable, ExportRefused):
    """``--out`` names a path no export may take (a usage error)."""


@dataclass
class Corpus:
    """Documents (sorted by id) with their split, the input of every exporter."""

    docs: list[DocRecords]
    splits: dict[str, str]  # doc id -> split
    split_names: list[str]  # in the order of splits.toml

    def by_split(self) -> dict[str, list[DocRecords]]:
        parts = {name: [d for d in self.docs if self.splits[d.doc_id] == name] for name in self.split_names}
        return {name: docs for name, docs in parts.items() if docs}


def group(rows: dict[str, list[dict]]) -> list[DocRecords]:
    """Rows of the record configs -> one DocRecords per document, sorted by doc id."""
    docs: dict[str, DocRecords] = {}
    for config in CONFIGS:
        for row in rows.get(config, []):
            docs.setdefault(row["doc_id"], DocRecords(row["doc_id"])).config(config).append(row)
    return [docs[k] for k in sorted(docs)]


def from_corpus(corpus: Path) -> tuple[Corpus | None, list[Finding]]:
    """Validate a corpus; its records when it has no errors (else None and the findings)."""
    from builders.dataset.splits import assign, load_config
    from builders.check.validate import load_records, validate

    report = validate([corpus])
    if not report.ok:
        return None, report.findings
    docs = sorted(load_records([corpus]), key=lambda d: d.doc_id)
    return Corpus(docs, assign(d.doc_id for d in docs), load_config().names), report.findings


def from_dataset(folder: Path) -> Corpus:
    """The records of a built dataset folder, each document in the split it was built into."""
    from builders.dataset.read import read_dataset, read_splits
    from builders.dataset.splits import load_config

    splits = read_splits(folder)
    names = load_config().names
    names += sorted(set(splits.values()) - set(names))
    return Corpus(group(read_dataset(folder)), splits, names)


def source_file(corpus_dir: Path | None, doc_id: str) -> str:
    """Where findings about a document point: its annotation file, or its id in a dataset."""
    from builders.source.corpus import ANNOTATION, display

    return display(corpus_dir / doc_id / ANNOTATION) if corpus_dir else doc_id


def writer(fmt: str) -> Callable[..., list[Finding]]:
    if fmt == "inception":  # an optional extra: imported only when asked for
        from builders.inception import exporter

        return exporter.write
    from builders.export import brat, conll, jsonl, spacy_docbin

    return {"brat": brat.write, "conll": conll.write, "jsonl": jsonl.write, "spacy": spacy_docbin.write}[fmt]


def check_output(out: Path, protected: list[Path] | None = None) -> None:
    """Refuse an ``out`` that is not ours to replace (outdir.py has the rules)."""
    from builders.dataset import outdir

    try:
        outdir.check_target(out, protected or [], "export")
        outdir.check_owned(out, "export")
    except OutputUnusable as exc:
        raise ExportUnusable(str(exc)) from None
    except OutputRefused as exc:
        raise ExportRefused(str(exc)) from None


def is_previous_export(out: Path) -> bool:
    readme = out / "README.md"
    return readme.is_file() and MARKER in readme.read_text(encoding="utf-8", errors="replace")


def export(corpus: Corpus, fmt: str, out: Path, corpus_dir: Path | None = None,
           protected: list[Path] | None = None) -> list[Finding]:
    """Write ``corpus`` in format ``fmt`` to ``out``; return warnings about what the format left out.

    ``protected``: folders ``out`` must stay out of (the corpus or dataset read; ``corpus_dir``
    is always one).
    """
    from builders.dataset import outdir

    guarded = [*(protected or []), *([corpus_dir] if corpus_dir else [])]
    try:
        outdir.check_target(out, guarded, "export")
    except OutputUnusable as exc:
        raise ExportUnusable(str(exc)) from None
    try:
        with outdir.locked(out, "export"):
            check_output(out, guarded)
            tmp = outdir.temp_name(out, "tmp")
            tmp.mkdir()
            try:
                extra = {"corpus_dir": corpus_dir} if fmt == "inception" else {}
                findings = writer(fmt)(corpus, tmp, lambda doc_id: source_file(corpus_dir, doc_id), **extra)
                (tmp / "README.md").write_text(_readme(fmt, corpus), encoding="utf-8", newline="\n")
                outdir.swap_in(tmp, out)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    except ExportRefused:
        raise
    except OutputRefused as exc:
        raise ExportRefused(str(exc)) from None
    return findings


_LAYOUT = {
    "brat": "`<split>/<doc_id>.txt` and `.ann` (brat standoff), with `annotation.conf` for the brat server",
    "conll": "`ner/<split>.conll` and `event_triggers/<split>.conll`: token and BIO tag, a blank line after each "
             "sentence, `-DOCSTART- -X- -X- O` before each document",
    "jsonl": "`<split>.jsonl`: one document a line, with its entities, events and stances",
    "spacy": "`<split>.spacy`: a spaCy DocBin; entities in `doc.ents`, all mentions, event triggers and stance "
             "evidence in the span groups `mentions`, `events` and `stances`",
    "inception": "`xmi/<doc_id>.xmi` (UIMA CAS XMI, the clean text as sofa) with `TypeSystem.xml`, `tagsets/*.json` "
                 "(one per schema enum) and `geosignal-inception-project.zip`, a project INCEpTION imports; read the "
                 "annotations back with `geosignal import inception` (CONTRIBUTING.md, Annotate in INCEpTION)",
}


def _readme(fmt: str, corpus: Corpus) -> str:
    counts = ", ".join(f"{name}: {len(docs)} document(s)" for name, docs in corpus.by_split().items())
    return f"{MARKER}\n# GeoSignal, exported as {fmt}\n\n{_LAYOUT[fmt]}.\n\nSplits: {counts}.\n"
