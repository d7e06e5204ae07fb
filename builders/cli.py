"""The ``geosignal`` command: a thin typer layer over the library; exit 0 clean, 1 findings, 2 usage."""

from __future__ import annotations

import os
import sys
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
    from .write import OutputRefused

    try:
        result = run(corpus, out)
    except OutputRefused as exc:
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
    typer.echo(f"wrote {out} ({rows})")


@app.command()
def stats(
    dataset_dir: Optional[Path] = typer.Argument(None, help="A built dataset folder; without it, the corpus is read."),
    corpus: Path = typer.Option(Path("corpus"), "--corpus", help="The corpus folder, when no DATASET_DIR is given."),
    format: StatsFormat = typer.Option(StatsFormat.table, "--format", "-f"),
    update: Optional[Path] = typer.Option(None, "--update", help="With --format markdown: rewrite the <!-- stats:begin/end --> block of this file (DATASHEET.md)."),
) -> None:
    """Documents, tokens, entities and mentions by type, events by type and realis, stances by polarity."""
    from .stats import compute, tables, to_json, to_markdown

    if update is not None and format is not StatsFormat.markdown:
        typer.echo("error: --update writes markdown; add --format markdown", err=True)
        raise typer.Exit(2)

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
    elif format is StatsFormat.markdown and update is not None:
        from .stats import embed

        try:
            update.write_text(embed(update.read_text(encoding="utf-8"), to_markdown(result)), encoding="utf-8")
        except (OSError, ValueError) as exc:
            typer.echo(f"error: cannot update {update}: {getattr(exc, 'strerror', None) or exc}", err=True)
            raise typer.Exit(1)
        typer.echo(f"updated the statistics in {update}")
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


@app.command()
def show(
    doc_id: str = typer.Argument(..., help="The document id (its folder name in the corpus)."),
    corpus: Path = typer.Option(Path("corpus"), "--corpus", help="The corpus folder."),
    html: Optional[Path] = typer.Option(None, "--html", help="Write a self-contained HTML page here instead of printing."),
) -> None:
    """Show a document's clean text with its mentions, event triggers and stance evidence highlighted."""
    from rich.console import Console

    from . import corpus as corpus_io
    from . import show as view
    from .report import render

    folder = corpus / doc_id
    if not (corpus_io.doc_id_pattern().match(doc_id) and corpus_io.is_doc_folder(folder)):
        known = [f.doc_id for f in corpus_io.discover([corpus])[0]] if corpus.is_dir() else []
        hint = f"documents in {corpus}: {', '.join(known[:10])}{' ...' if len(known) > 10 else ''}" if known else \
            f"{corpus} has no documents; name the corpus with --corpus"
        typer.echo(f"error: no document {doc_id!r} in {corpus} ({hint})", err=True)
        raise typer.Exit(1)
    shown = view.load(corpus_io.DocFolder(doc_id, folder))
    if shown.findings:
        typer.echo(render(shown.findings, 1, "text"), nl=False, err=True)
    if shown.text is None:
        raise typer.Exit(1)
    if shown.records is None:
        typer.echo("the annotation has errors (above): showing the clean text without highlights", err=True)
    marks = view.marks(shown.records) if shown.records is not None else []
    if html is not None:
        try:
            html.write_text(view.html(doc_id, shown.text, shown.records, marks), encoding="utf-8")
        except OSError as exc:
            typer.echo(f"error: cannot write {html}: {exc.strerror or exc}", err=True)
            raise typer.Exit(1)
        typer.echo(f"wrote {html}")
    else:
        console = Console(soft_wrap=True, highlight=False)
        console.print(view.terminal(shown.text, marks))
        console.print()
        console.print(view.terminal_legend())
    raise typer.Exit(0 if shown.records is not None else 1)


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
