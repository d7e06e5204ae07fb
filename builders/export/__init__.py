"""Records -> the formats annotators and trainers already use: brat, CoNLL, JSON Lines, spaCy, INCEpTION.

The records come from the corpus (one run over it, checked as ``geosignal build`` checks it:
run/load.py) or from a built dataset folder; both give the same export. Each format writes one
set of files per split of the dataset, so the export keeps the document-level split
assignment. The output folder is staged and swapped in whole, as the dataset is
(dataset/outdir.py), and a folder that is not a previous export is never replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from builders.dataset import outdir
from builders.dataset.read import Corpus, read_corpus
from builders.export import brat, conll, jsonl, spacy_docbin
from builders.findings import Finding
from builders.formats import EXPORTS
from builders.inception import exporter as inception_exporter
from builders.run.engine import Engine
from builders.run.load import load_corpus
from builders.source.corpus import ANNOTATION, display

FORMATS = EXPORTS
WRITERS: dict[str, Callable[..., list[Finding]]] = dict(zip(FORMATS, (
    brat.write, conll.write, jsonl.write, spacy_docbin.write,
    inception_exporter.write,  # the optional extra's libraries are imported when it writes
), strict=True))
MARKER = "<!-- written by `geosignal export`; re-export rather than edit -->"


def from_corpus(corpus: Path, workers: int | None = None, engine: Engine | None = None
                ) -> tuple[Corpus | None, list[Finding]]:
    """The records of a corpus when it has no errors (else None), and the findings of its one check."""
    loaded, report = load_corpus([corpus], workers=workers, engine=engine)
    return (loaded if report.ok else None), report.findings


def export_corpus(corpus: Path, fmt: str, out: Path, workers: int | None = None, engine: Engine | None = None
                  ) -> tuple[Corpus | None, list[Finding]]:
    """A corpus folder -> ``out`` in ``fmt``, after one check of the corpus: (what was written, the
    format's warnings), or (None, the corpus's findings) when it has errors and nothing was written."""
    records, findings = from_corpus(corpus, workers, engine)
    if records is None:
        return None, findings
    return records, export(records, fmt, out, corpus)


def from_dataset(folder: Path) -> Corpus:
    """The records of a built dataset folder, each document in the split it was built into."""
    return read_corpus(folder)


def source_file(corpus_dir: Path | None, doc_id: str) -> str:
    """Where findings about a document point: its annotation file, or its id in a dataset."""
    return display(corpus_dir / doc_id / ANNOTATION) if corpus_dir else doc_id


def export(corpus: Corpus, fmt: str, out: Path, corpus_dir: Path | None = None,
           protected: list[Path] | None = None) -> list[Finding]:
    """Write ``corpus`` in format ``fmt`` to ``out``; return warnings about what the format left out.

    ``protected``: folders ``out`` must stay out of (the corpus or dataset read; ``corpus_dir``
    is always one). Raises ``outdir.OutputRefused`` (``OutputUnusable``: a usage error) when
    ``out`` is not ours to replace.
    """
    guarded = [*(protected or []), *([corpus_dir] if corpus_dir else [])]
    with outdir.Staged(out, "export", guarded) as staged:
        extra = {"corpus_dir": corpus_dir} if fmt == "inception" else {}
        findings = WRITERS[fmt](corpus, staged.tmp, lambda doc_id: source_file(corpus_dir, doc_id), **extra)
        (staged.tmp / "README.md").write_text(_readme(fmt, corpus), encoding="utf-8", newline="\n")
        staged.commit()
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
