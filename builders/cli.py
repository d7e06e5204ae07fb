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


@app.command()
def publish(
    dist_dir: Path = typer.Argument(Path("dist"), help="The built dataset folder."),
    repo_id: str = typer.Option(..., "--repo-id", help="The Hub dataset repository, OWNER/NAME."),
    revision: Optional[str] = typer.Option(None, "--revision", help="Branch to commit to (created if missing) [default: main]."),
    create_pr: bool = typer.Option(False, "--create-pr", help="Open a pull request against main instead of committing."),
    private: bool = typer.Option(False, "--private", help="Create the repository private (an existing one keeps its visibility)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan and stop; nothing is sent."),
) -> None:
    """Upload a checked build to the Hugging Face Hub; the token comes from HF_TOKEN or the saved login."""
    from .publish import DEFAULT_REVISION, REPO_ID, check, inventory, make_plan, redact, upload
    from .report import render

    if not REPO_ID.match(repo_id):
        raise typer.BadParameter(f"{repo_id!r} is not OWNER/NAME", param_hint="--repo-id")
    if create_pr and revision not in (None, DEFAULT_REVISION):
        raise typer.BadParameter("the Hub opens pull requests against main; drop --revision", param_hint="--create-pr")
    findings, build = check(dist_dir)
    if findings or build is None:
        lines = render(findings, 0, "text").splitlines()[:-1]  # without the per-document summary line
        typer.echo("\n".join(lines), err=True)
        typer.echo(f"publish refused: {dist_dir} cannot be released as it is", err=True)
        raise typer.Exit(1)
    plan = make_plan(inventory(dist_dir), build, dist_dir, repo_id, revision, create_pr, private)
    typer.echo(("publish plan (dry run: nothing is sent)\n" if dry_run else "publish plan\n") + plan.to_text(), nl=False)
    if dry_run:
        raise typer.Exit(0)
    from huggingface_hub import get_token

    token = get_token()
    if not token:
        typer.echo("error: no Hugging Face token; set HF_TOKEN or run `hf auth login`", err=True)
        raise typer.Exit(1)
    try:
        url, hub_warnings = upload(plan, token)
    except Exception as exc:  # noqa: BLE001 - any failure of the Hub or the network, reported without the token
        typer.echo(redact(f"error: publish failed: {type(exc).__name__}: {exc}", token), err=True)
        raise typer.Exit(1)
    for warning in hub_warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"published: {url}")


version_app = typer.Typer(no_args_is_help=True, help="The dataset's semantic version (geosignal.toml).")
app.add_typer(version_app, name="version")


class VersionPart(str, Enum):
    major = "major"
    minor = "minor"
    patch = "patch"


@version_app.command("show")
def version_show() -> None:
    """Print the dataset version the next build will carry."""
    from .release import dataset_version
    from .schema import schema_version

    typer.echo(f"dataset {dataset_version()} (builder {__version__}, schema {schema_version()})")


@version_app.command("bump")
def version_bump(
    part: VersionPart = typer.Argument(..., help="major: existing data changed; minor: data added; patch: same data."),
    project: Path = typer.Option(Path("."), "--project", help="The folder holding geosignal.toml and CHANGELOG.md."),
) -> None:
    """Raise the dataset version in geosignal.toml and add a CHANGELOG.md entry to fill in."""
    from .release import CHANGELOG, ReleaseError, bump

    try:
        old, new = bump(project, part.value)
    except ReleaseError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1)
    typer.echo(f"dataset version {old} -> {new}; describe the release in {project / CHANGELOG}")


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
