"""The ``geosignal`` command: a thin typer layer over the library; exit 0 clean, 1 findings, 2 usage."""

from __future__ import annotations

import os
import sys
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Build, validate and describe the GeoSignal corpus.",
)


class FindingFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


class StatsFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"geosignal {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """GeoSignal: news articles -> schema-validated entities, events and stances."""


@app.command()
def validate(
    paths: list[Path] = typer.Argument(None, help="Corpus folders, document folders or annotation files [default: corpus]."),
    format: FindingFormat = typer.Option(FindingFormat.text, "--format", "-f", help="text for people, json for tools, github for Actions."),
    level: int = typer.Option(4, "--level", min=1, max=4, help="1 files/YAML, 2 schema, 3 spans/references, 4 lints."),
) -> None:
    """Check annotation files; exit 1 when there is an error."""
    from .report import render
    from .validate import validate as run

    report = run(list(paths) if paths else [Path("corpus")], level)
    typer.echo(render(report.findings, report.checked, format.value), nl=False)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def build(
    corpus: Path = typer.Option(Path("corpus"), "--corpus", help="The corpus folder."),
    out: Path = typer.Option(Path("dist"), "--out", help="The dataset folder to (re)write."),
) -> None:
    """Validate the corpus and write the Hugging Face dataset folder (atomically)."""
    from .build import build as run
    from .report import render
    from .splits import SplitConfigError
    from .write import OutputRefused

    try:
        result = run(corpus, out)
    except (OutputRefused, SplitConfigError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1)
    if not result.written:
        typer.echo(render(result.report.findings, result.report.checked, "text"), nl=False, err=True)
        typer.echo(f"build refused: fix the errors above; {out} was left as it was", err=True)
        raise typer.Exit(1)
    warnings = [f for f in result.report.findings if not f.is_error]
    if warnings:
        typer.echo(render(warnings, result.report.checked, "text"), nl=False, err=True)
    rows = ", ".join(f"{n} {c}" for c, n in result.counts.items())
    docs = Counter(result.splits.values())
    typer.echo(f"wrote {out} ({rows}; documents by split: {', '.join(f'{n} {s}' for s, n in docs.items())})")


@app.command()
def stats(
    dataset_dir: Optional[Path] = typer.Argument(None, help="A built dataset folder; without it, the corpus is read."),
    corpus: Path = typer.Option(Path("corpus"), "--corpus", help="The corpus folder, when no DATASET_DIR is given."),
    format: StatsFormat = typer.Option(StatsFormat.table, "--format", "-f"),
) -> None:
    """Documents, tokens, entities and mentions by type, events by type and realis, stances by polarity."""
    from .stats import compute, tables, to_json, to_markdown

    if dataset_dir is not None:
        from .read import read_dataset
        from .write import is_previous_build

        if not is_previous_build(dataset_dir):
            typer.echo(f"error: {dataset_dir} is not a dataset folder written by `geosignal build`", err=True)
            raise typer.Exit(1)
        rows = read_dataset(dataset_dir)
    else:
        from .build import rows_by_config
        from .report import render
        from .validate import validate as run

        report = run([corpus])
        if not report.ok:
            typer.echo(render(report.findings, report.checked, "text"), nl=False, err=True)
            raise typer.Exit(1)
        rows = rows_by_config(report)
    result = compute(rows)
    if format is StatsFormat.json:
        typer.echo(to_json(result), nl=False)
    elif format is StatsFormat.markdown:
        typer.echo(to_markdown(result), nl=False)
    else:
        from rich.console import Console
        from rich.table import Table

        console = Console()
        for title, table_rows in tables(result):
            table = Table(title=title, title_justify="left")
            table.add_column("")
            table.add_column("count", justify="right")
            for name, value in table_rows:
                table.add_row(str(name), f"{value:,}")
            console.print(table)


class ExportFormat(str, Enum):
    brat = "brat"
    conll = "conll"
    jsonl = "jsonl"
    spacy = "spacy"


@app.command()
def export(
    dataset_dir: Optional[Path] = typer.Argument(None, help="A built dataset folder; without it, the corpus is read."),
    format: ExportFormat = typer.Option(..., "--format", "-f", help="brat standoff, CoNLL BIO columns, JSON Lines or a spaCy DocBin."),
    out: Path = typer.Option(..., "--out", help="The folder to (re)write, one set of files per split."),
    corpus: Path = typer.Option(Path("corpus"), "--corpus", help="The corpus folder, when no DATASET_DIR is given."),
) -> None:
    """Write the annotations for brat, CoNLL tools, JSON readers or spaCy (atomically)."""
    from .export import ExportRefused, export as run, from_corpus, from_dataset
    from .report import render
    from .write import is_previous_build

    if dataset_dir is not None:
        if not is_previous_build(dataset_dir):
            typer.echo(f"error: {dataset_dir} is not a dataset folder written by `geosignal build`", err=True)
            raise typer.Exit(1)
        records, source = from_dataset(dataset_dir), None
    else:
        records, findings = from_corpus(corpus)
        if records is None:
            typer.echo(render(findings, len({f.file for f in findings}), "text"), nl=False, err=True)
            typer.echo("export refused: fix the errors above", err=True)
            raise typer.Exit(1)
        source = corpus
    try:
        warnings = run(records, format.value, out, source)
    except ExportRefused as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1)
    if warnings:
        typer.echo(render(warnings, len(records.docs), "text"), nl=False, err=True)
    parts = ", ".join(f"{len(docs)} {split}" for split, docs in records.by_split().items())
    typer.echo(f"wrote {out} ({format.value}; documents: {parts})")


def run() -> None:
    """Console entry point: a contributor's mistake never ends in a traceback."""
    try:
        app()
    except (KeyboardInterrupt, BrokenPipeError):
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - last resort; set GEOSIGNAL_DEBUG=1 for the traceback
        if os.environ.get("GEOSIGNAL_DEBUG"):
            raise
        typer.echo(f"geosignal: internal error: {type(exc).__name__}: {exc}\n"
                   "This is a bug in GeoSignal, not in your input; please report it (GEOSIGNAL_DEBUG=1 shows the traceback).",
                   err=True)
        sys.exit(3)
