"""The ``geosignal`` command: a thin typer layer over the library; exit 0 clean, 1 findings, 2 usage."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from builders import formats
from builders.__about__ import __version__
from builders.present.help import CONTEXT, Command, Group

app = typer.Typer(
    cls=Group,
    context_settings=CONTEXT,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Build, validate and describe the GeoSignal corpus.",
)


CACHE_DEFAULT = "$XDG_CACHE_HOME/geosignal, else ~/.cache/geosignal"
VERBOSE_HELP = "List the notes too (findings that ask for nothing, e.g. overlapping spans the token views keep one of); else they are counted."


def _choices(name: str, values: Sequence[str]) -> type[Enum]:
    """A typer choice made from one of the library's own lists (the library names its formats once)."""
    return Enum(name, {value: value for value in values}, type=str)


FindingFormat = _choices("FindingFormat", formats.FINDINGS)
TableFormat = _choices("TableFormat", formats.TABLES)  # statistics and scores
ExportFormat = _choices("ExportFormat", formats.EXPORTS)
CodeFormat = _choices("CodeFormat", formats.COLLECTIONS)
VersionPart = _choices("VersionPart", formats.VERSION_PARTS)
EngineName = _choices("EngineName", formats.ENGINES)

CACHE_HELP = ("GeoSignal's cache folder, the same for every command that reads the corpus: its chunk store keeps "
              "checked and built chunks of documents (reused while their files, the schemas and the builder are "
              "unchanged), its fingerprint store the sources git holds unchanged (for the duplicate check).")
CacheOption = Annotated[Optional[Path], typer.Option("--cache", metavar="DIR", show_default=CACHE_DEFAULT, help=CACHE_HELP)]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Check (and build) every document again; read and write no cache.")]
WorkersOption = Annotated[Optional[int], typer.Option("--workers", min=1, show_default="the machine's cores", help="Worker processes.")]
EngineOption = Annotated[EngineName, typer.Option("--engine", help="local: this machine's worker processes; dask: a Dask cluster (pip install \"geosignal[dask]\"). Same bytes either way.")]
SchedulerOption = Annotated[Optional[str], typer.Option("--scheduler", metavar="ADDRESS", show_default="$DASK_SCHEDULER_ADDRESS, else a LocalCluster of --workers processes", help="With --engine dask: a running Dask scheduler, e.g. tcp://host:8786.")]
DashboardOption = Annotated[bool, typer.Option("--dashboard/--no-dashboard", help="With --engine dask and a LocalCluster: serve Dask's dashboard on 127.0.0.1 and print its link.")]


def _cache(cache: Optional[Path], no_cache: bool) -> Optional[Path]:
    from builders.run.runner import default_cache_dir

    return None if no_cache else (cache or default_cache_dir())


def _notes(notes: list[str]) -> None:
    for note in notes:
        typer.echo(f"note: {note}", err=True)


def _corpus_folder(corpus: Path) -> Path:
    """A --corpus that names no folder is a usage error (exit 2), not a finding about documents."""
    if not corpus.is_dir():
        raise typer.BadParameter(f"{corpus} is not a folder" + ("" if corpus.exists() else " (it does not exist)"),
                                 param_hint="--corpus")
    return corpus


def _named(what: str) -> Callable[[Any], Any]:
    """The callback of a path parameter: a path that names nothing is a usage error (exit 2, one line
    saying what to name), as a --corpus that is no folder is; what an existing path holds is the
    command's to judge (findings, exit 1). A dangling link goes on to the command, which names it."""

    def check(value: Any) -> Any:
        for path in value if isinstance(value, list) else [value]:
            if path is not None and not path.exists() and not path.is_symlink():
                raise typer.BadParameter(f"{path} does not exist; name {what}")
        return value

    return check


def _version(value: bool) -> None:
    if value:
        typer.echo(f"geosignal {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")] = False,
) -> None:
    """GeoSignal: news articles -> schema-validated entities, events and stances."""


@app.command(cls=Command)
def validate(
    paths: Annotated[Optional[list[Path]], typer.Argument(callback=_named("a corpus folder, a document folder or a file in one"), help="Corpus folders, document folders or files in them (default: corpus).")] = None,
    format: Annotated[FindingFormat, typer.Option("--format", "-f", help="text for people, json for tools, github for Actions.")] = FindingFormat.text,
    level: Annotated[int, typer.Option("--level", min=1, max=4, help="1 files/YAML, 2 schema, 3 spans/references, 4 lints.")] = 4,
    changed_since: Annotated[Optional[str], typer.Option("--changed-since", metavar="REF", help="Only the documents changed, added or renamed since this git ref, and untracked ones (for pull requests).")] = None,
    workers: WorkersOption = None,
    cache: CacheOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Check corpus documents: every finding names a file, a line where there is one, a code and a hint.

    Levels (each builds on the one before; --level N stops after N):
    1  files: both present, size limits, UTF-8, no BOM, LF (annotation); YAML syntax
    2  the annotation schema
    3  spans, offsets, references, source sha256, duplicate ids and articles
    4  guideline lints (warnings)

    Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error (a bad option, a path that does not exist; for --changed-since, not a git repository or an unknown ref).
    """
    from builders.report import render
    from builders.run.validate import validate as run

    targets = list(paths) if paths else [Path("corpus")]
    if changed_since is not None:
        from builders.check.changes import GitError, select

        try:
            targets, note = select(targets, changed_since)
        except GitError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2)
        typer.echo(note, err=True)
    report = run(targets, level, workers, _cache(cache, no_cache))
    _notes(report.notes)
    typer.echo(render(report.findings, report.checked, format.value), nl=False)
    raise typer.Exit(0 if report.ok else 1)


@app.command(cls=Command)
def new(
    source_file: Annotated[Optional[Path], typer.Argument(callback=_named("the raw article file"), help="The raw article, as received (UTF-8); a Markdown file's front matter fills the metadata.")] = None,
    doc_id: Annotated[Optional[str], typer.Option("--doc-id", help="The document id (default: the file's stem if valid, else its slug, else a sha256 prefix).")] = None,
    corpus: Annotated[Path, typer.Option("--corpus", help="The corpus folder.")] = Path("corpus"),
    publisher: Annotated[Optional[str], typer.Option("--publisher", help="Publisher or site name.")] = None,
    url: Annotated[Optional[str], typer.Option("--url", help="Where the article was published.")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="The headline.")] = None,
    language: Annotated[Optional[str], typer.Option("--language", help="BCP-47 language tag (default: en).")] = None,
    published: Annotated[Optional[str], typer.Option("--published", help="Publication date, YYYY-MM-DD.")] = None,
    obtained: Annotated[Optional[str], typer.Option("--obtained", help="How the raw source was obtained.")] = None,
    license: Annotated[Optional[str], typer.Option("--license", help="SPDX id of the source text's licence (CC-BY-2.5, CC0-1.0, LicenseRef-PublicDomain-USGov).")] = None,
    annotator: Annotated[Optional[str], typer.Option("--annotator", help="Your name or a stable pseudonym, recorded as the document's annotator.")] = None,
    csv_file: Annotated[Optional[Path], typer.Option("--csv", callback=_named("the CSV file"), help="Take the source from a field of this CSV file (instead of SOURCE_FILE).")] = None,
    row: Annotated[Optional[int], typer.Option("--row", min=0, help="With --csv: the data row, from 0, header excluded.")] = None,
    column: Annotated[str, typer.Option("--field", help="With --csv: the column holding the article text.")] = "text",
    repository: Annotated[Optional[str], typer.Option("--repository", help="With --csv: owner/name of the repository the CSV comes from (provenance).")] = None,
    commit: Annotated[Optional[str], typer.Option("--commit", help="With --csv: the commit the CSV was taken from (provenance).")] = None,
) -> None:
    """Start a document: copy SOURCE_FILE byte-for-byte into CORPUS/<doc_id>/ with a template.

    With --csv FILE --row N [--field text], the source is that field's text (its UTF-8 bytes) and the row's title, url and date fill the metadata; --repository and --commit fill the provenance (else level 4 warns). The annotation template validates as it is (levels 1-3); level 4 warns about the metadata still marked TODO. Exit 1 and nothing written when the doc id exists, the same article is already in the corpus, or the file breaks the level-1 rules (size, UTF-8).
    """
    from builders.new import create, create_from_csv
    from builders.report import text_lines

    if (source_file is None) == (csv_file is None) or (csv_file is not None and row is None):
        typer.echo("usage: name either SOURCE_FILE or --csv FILE --row N", err=True)
        raise typer.Exit(2)
    meta = {"publisher": publisher, "url": url, "title": title, "language": language, "published": published,
            "obtained": obtained, "license": license, "annotator": annotator}
    if csv_file is not None:
        result = create_from_csv(csv_file, row, column, corpus, doc_id, meta, repository, commit)
    else:
        result = create(source_file, corpus, doc_id, meta)
    for line in text_lines(result.findings):
        typer.echo(line, err=True)
    if result.folder is None:
        typer.echo(f"new refused: nothing was written to {corpus}", err=True)
        raise typer.Exit(1)
    typer.echo(f"created {result.folder}/source.txt and {result.folder}/annotation.yaml\n"
               f"next: replace any TODO, annotate (ANNOTATION.md), look at it with `geosignal show {result.doc_id}`,\n"
               f"      then `geosignal validate {result.folder}`")


@app.command(cls=Command)
def build(
    corpus: Annotated[Path, typer.Option("--corpus", callback=_corpus_folder, help="The corpus folder.")] = Path("corpus"),
    out: Annotated[Path, typer.Option("--out", help="The dataset folder to (re)write.")] = Path("dist"),
    workers: WorkersOption = None,
    cache: CacheOption = None,
    no_cache: NoCacheOption = False,
    redistributable_only: Annotated[bool, typer.Option("--redistributable-only", help="Leave out the documents whose licence forbids redistribution (a build to publish).")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=VERBOSE_HELP)] = False,
    engine: EngineOption = EngineName.local,
    scheduler: SchedulerOption = None,
    dashboard: DashboardOption = True,
) -> None:
    """Validate the corpus and write the Hugging Face dataset folder (atomically).

    Unchanged documents (same source, annotation, schemas and builder) come from the cache.
    """
    from builders.dataset.outdir import OutputRefused, OutputUnusable
    from builders.dataset.splits import SplitConfigError
    from builders.report import render
    from builders.run.build import build as run
    from builders.run.engine import EngineError
    from builders.run.engines import open_engine

    try:
        with open_engine(engine.value, workers, scheduler, dashboard, say=lambda m: typer.echo(m, err=True)) as chosen:
            result = run(corpus, out, workers, _cache(cache, no_cache), redistributable_only=redistributable_only,
                         engine=chosen)
    except EngineError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    except (OutputRefused, SplitConfigError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2 if isinstance(exc, OutputUnusable) else 1)
    _notes(result.notes)
    if not result.written:
        typer.echo(render(result.report.findings, result.report.checked, "text", verbose), nl=False, err=True)
        typer.echo(f"build refused: fix the errors above; {out} was left as it was", err=True)
        raise typer.Exit(1)
    warnings = [f for f in result.report.findings if not f.is_error]
    if warnings:
        typer.echo(render(warnings, result.report.checked, "text", verbose), nl=False, err=True)
    rows = ", ".join(f"{n} {c}" for c, n in result.counts.items())
    docs = Counter(result.splits.values())
    typer.echo(f"wrote {out} ({rows}; documents by split: {', '.join(f'{n} {s}' for s, n in docs.items())})")


@app.command(cls=Command)
def stats(
    dataset_dir: Annotated[Optional[Path], typer.Argument(callback=_named("a folder `geosignal build` wrote"), help="A built dataset folder; without it, the corpus is read.")] = None,
    corpus: Annotated[Path, typer.Option("--corpus", help="The corpus folder, when no DATASET_DIR is given.")] = Path("corpus"),
    format: Annotated[TableFormat, typer.Option("--format", "-f", help="table for people (one table per layer, a column per split), json for tools (totals, and the same per split under by_split), markdown for the datasheet (totals, every label).")] = TableFormat.table,
    workers: WorkersOption = None,
    cache: CacheOption = None,
    no_cache: NoCacheOption = False,
    update: Annotated[Optional[Path], typer.Option("--update", help="With --format markdown: rewrite the <!-- stats:begin/end --> block of this file (DATASHEET.md).")] = None,
) -> None:
    """Documents, tokens, entities and mentions by type, time expressions, events by type and realis, links, stances by polarity: per split and in total."""
    from builders.dataset.stats import by_split, compute, to_json, to_markdown

    if update is not None and format is not TableFormat.markdown:
        typer.echo("error: --update writes markdown; add --format markdown", err=True)
        raise typer.Exit(2)
    if dataset_dir is None:
        _corpus_folder(corpus)
    if dataset_dir is not None:
        from builders.dataset.read import read_dataset, read_splits
        from builders.dataset.splits import load_config
        from builders.dataset.write import is_previous_build

        if not is_previous_build(dataset_dir):
            typer.echo(f"error: {dataset_dir} is not a dataset folder written by `geosignal build`", err=True)
            raise typer.Exit(1)
        rows = read_dataset(dataset_dir)
        result, per_split = compute(rows), by_split(rows, read_splits(dataset_dir), load_config().names)
    else:
        from builders.report import render
        from builders.run.stats import corpus_stats

        result, per_split, report = corpus_stats([corpus], workers, _cache(cache, no_cache))
        _notes(report.notes)
        if result is None:
            typer.echo(render([f for f in report.findings if f.is_error], report.checked, "text"), nl=False, err=True)
            raise typer.Exit(1)
    if format is TableFormat.json:
        typer.echo(to_json(result, per_split), nl=False)
    elif format is TableFormat.markdown and update is not None:
        from builders.dataset.stats import embed

        try:
            update.write_text(embed(update.read_text(encoding="utf-8"), to_markdown(result)), encoding="utf-8")
        except (OSError, ValueError) as exc:
            typer.echo(f"error: cannot update {update}: {getattr(exc, 'strerror', None) or exc}", err=True)
            raise typer.Exit(1)
        typer.echo(f"updated the statistics in {update}")
    elif format is TableFormat.markdown:
        typer.echo(to_markdown(result), nl=False)
    else:
        from rich.console import Console

        from builders.present.stats import tables

        Console(highlight=False).print(tables(result, per_split))


@app.command(cls=Command)
def publish(
    repo_id: Annotated[str, typer.Option("--repo-id", help="The Hub dataset repository, OWNER/NAME.")],
    dist_dir: Annotated[Path, typer.Argument(callback=_named("the folder `geosignal build` wrote"), help="The built dataset folder.")] = Path("dist"),
    revision: Annotated[Optional[str], typer.Option("--revision", show_default="main", help="Branch to commit to (created if missing).")] = None,
    create_pr: Annotated[bool, typer.Option("--create-pr", help="Open a pull request against main instead of committing.")] = False,
    private: Annotated[bool, typer.Option("--private", help="Create the repository private (an existing one keeps its visibility).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan and stop; nothing is sent.")] = False,
) -> None:
    """Upload a checked build to the Hugging Face Hub; the token comes from HF_TOKEN or the saved login."""
    from builders.release.publish import DEFAULT_REVISION, REPO_ID, check, inventory, make_plan, redact, upload
    from builders.report import render

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


version_app = typer.Typer(cls=Group, no_args_is_help=True, help="The dataset's semantic version (geosignal.toml).")
app.add_typer(version_app, name="version")


@version_app.command("show", cls=Command)
def version_show() -> None:
    """Print the dataset version the next build will carry."""
    from builders.release.metadata import dataset_version
    from builders.schema import schema_version

    typer.echo(f"dataset {dataset_version()} (builder {__version__}, schema {schema_version()})")


@version_app.command("bump", cls=Command)
def version_bump(
    part: Annotated[VersionPart, typer.Argument(help="major: existing data changed; minor: data added; patch: same data.")],
    project: Annotated[Path, typer.Option("--project", help="The folder holding geosignal.toml and CHANGELOG.md.")] = Path("."),
) -> None:
    """Raise the dataset version in geosignal.toml and add a CHANGELOG.md entry to fill in."""
    from builders.release.metadata import CHANGELOG, ReleaseError, bump

    try:
        old, new = bump(project, part.value)
    except ReleaseError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1)
    typer.echo(f"dataset version {old} -> {new}; describe the release in {project / CHANGELOG}")


@app.command(cls=Command)
def show(
    document: Annotated[str, typer.Argument(metavar="DOC", help="A document id of the corpus, or the path of a document folder.")],
    corpus: Annotated[Path, typer.Option("--corpus", help="The corpus the id is looked up in.")] = Path("corpus"),
    html: Annotated[Optional[Path], typer.Option("--html", help="Write a self-contained HTML page here (arcs for arguments and links) instead of printing.")] = None,
) -> None:
    """Show a document's clean text with every mention, time, event trigger and stance evidence marked and labelled.

    The terminal view writes each label as text ([China|GPE], {deployed|MOBILIZE}), so it reads the
    same without colour (NO_COLOR, or piped). Exit 0 shown, 1 no such document or annotation errors
    (the text is still shown), 2 the corpus folder or the document path does not exist.
    """
    from rich.console import Console

    from builders import show as view
    from builders.present import marks as marking, page, terminal
    from builders.report import render

    found = view.locate(document, corpus)
    if found.folder is None:
        typer.echo(f"error: {found.problem} ({found.hint})", err=True)
        raise typer.Exit(2 if found.usage else 1)
    shown = view.load(found.folder)
    if shown.findings:
        typer.echo(render(shown.findings, 1, "text"), nl=False, err=True)
    if shown.text is None:
        raise typer.Exit(1)
    if shown.records is None:
        typer.echo("the annotation has errors (above): showing the clean text without highlights", err=True)
    doc_marks = marking.marks(shown.records) if shown.records is not None else []
    if html is not None:
        try:
            html.write_text(page.render(shown.doc_id, shown.text, shown.records, doc_marks, shown.dropped), encoding="utf-8")
        except OSError as exc:
            typer.echo(f"error: cannot write {html}: {exc.strerror or exc}", err=True)
            raise typer.Exit(1)
        typer.echo(f"wrote {html}")
    else:
        console = Console(highlight=False)
        console.print(terminal.render(shown.text, doc_marks, shown.dropped))
        console.print()
        console.print(terminal.legend())
    raise typer.Exit(0 if shown.records is not None else 1)


@app.command(cls=Command)
def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="brat standoff, CoNLL BIO columns, JSON Lines, a spaCy DocBin, or INCEpTION (UIMA CAS XMI + project zip; reads the corpus).")],
    out: Annotated[Path, typer.Option("--out", help="The folder to (re)write, one set of files per split.")],
    dataset_dir: Annotated[Optional[Path], typer.Argument(callback=_named("a folder `geosignal build` wrote"), help="A built dataset folder; without it, the corpus is read.")] = None,
    corpus: Annotated[Path, typer.Option("--corpus", help="The corpus folder, when no DATASET_DIR is given.")] = Path("corpus"),
    workers: WorkersOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help=VERBOSE_HELP)] = False,
) -> None:
    """Write the annotations for brat, CoNLL tools, JSON readers or spaCy (atomically); the corpus is checked once, as build checks it."""
    from builders.dataset.outdir import OutputRefused, OutputUnusable
    from builders.dataset.write import is_previous_build
    from builders.export import export as run, export_corpus, from_dataset
    from builders.report import render

    if dataset_dir is None:
        _corpus_folder(corpus)
    if format.value == "inception":
        _require_inception(dataset_dir is None, "export --format inception reads the corpus (--corpus), not a built dataset")
    try:
        if dataset_dir is not None:
            if not is_previous_build(dataset_dir):
                typer.echo(f"error: {dataset_dir} is not a dataset folder written by `geosignal build`", err=True)
                raise typer.Exit(1)
            records = from_dataset(dataset_dir)
            warnings = run(records, format.value, out, None, [dataset_dir])
        else:
            records, warnings = export_corpus(corpus, format.value, out, workers)
            if records is None:
                typer.echo(render(warnings, len({f.file for f in warnings}), "text"), nl=False, err=True)
                typer.echo("export refused: fix the errors above", err=True)
                raise typer.Exit(1)
    except OutputRefused as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2 if isinstance(exc, OutputUnusable) else 1)
    if warnings:
        typer.echo(render(warnings, len(records.docs), "text", verbose), nl=False, err=True)
    parts = ", ".join(f"{len(docs)} {split}" for split, docs in records.by_split().items())
    typer.echo(f"wrote {out} ({format.value}; documents: {parts})")


def _require_inception(usage_ok: bool = True, usage: str = "") -> None:
    """Exit 2 with one line when the optional extra is missing or the usage is wrong."""
    from builders.inception import MissingExtra, require

    if not usage_ok:
        typer.echo(f"usage: {usage}", err=True)
        raise typer.Exit(2)
    try:
        require()
    except MissingExtra as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)


import_app = typer.Typer(cls=Group, no_args_is_help=True, help="Read annotations made in another tool back into annotation.yaml.")
app.add_typer(import_app, name="import")


@import_app.command("inception", cls=Command)
def import_inception(
    path: Annotated[Path, typer.Argument(help="An XMI, a folder of XMIs, or a zip exported from INCEpTION.")],
    corpus: Annotated[Path, typer.Option("--corpus", help="The corpus the documents were exported from.")] = Path("corpus"),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change; write nothing.")] = False,
) -> None:
    """Merge INCEpTION's XMIs into annotation.yaml: only changed items change; nothing is written unless all validates."""
    _require_inception(path.exists() and corpus.is_dir(),
                       f"{path if not path.exists() else corpus} does not exist; geosignal import inception FILE.xmi|DIR|ZIP --corpus CORPUS")
    from builders.inception.importer import import_xmis
    from builders.report import render

    result = import_xmis(path, corpus, dry_run)
    if result.findings:
        typer.echo(render(result.findings, len({f.file for f in result.findings}), "text"), nl=False, err=True)
    if not result.ok:
        typer.echo(f"import refused: fix the errors above; nothing in {corpus} was written", err=True)
        raise typer.Exit(1)
    for doc_id, changes in sorted(result.changes.items()):
        typer.echo(f"{doc_id}: {'; '.join(changes)}")
    verb = "would update" if dry_run else "updated"
    typer.echo(f"{verb} {len(result.changes)} annotation file(s); {'nothing changed' if not result.changes else 'run geosignal validate to review'}")


ScoreFormatOption = Annotated[TableFormat, typer.Option("--format", "-f")]
SCORED_PATH = _named("an annotation file, a document folder, a corpus or a built dataset")
LabelsOption = Annotated[bool, typer.Option("--labels/--no-labels", help="Table rows per label.")]


@app.command(cls=Command)
def agree(
    a: Annotated[Optional[Path], typer.Argument(callback=SCORED_PATH, help="Annotation A: a file, a document folder or a corpus.")] = None,
    b: Annotated[Optional[Path], typer.Argument(callback=SCORED_PATH, help="Annotation B (the reference for P/R): same kinds as A.")] = None,
    corpus: Annotated[Path, typer.Option("--corpus", help="Without A and B: every document of this corpus with an annotation.b.yaml beside its annotation.yaml.")] = Path("corpus"),
    format: ScoreFormatOption = TableFormat.table,
    labels: LabelsOption = True,
    update: Annotated[Optional[Path], typer.Option("--update", help="With --format markdown: rewrite the <!-- agree:begin/end --> block of this file (DATASHEET.md).")] = None,
) -> None:
    """Agreement of two annotations of the same documents, layer by layer (pairs matched by doc id).

    Mention, trigger, argument, link, stance and time F1 (exact and overlap, typed), entity linking,
    realis, CAMEO and modality agreement, and Cohen's kappa / Krippendorff's alpha on label decisions.
    Exit 0 scored, 1 a document failed to load or no document is on both sides, 2 usage.
    """
    from builders.score import load, second_annotations
    from builders.score.command import run

    if (a is None) != (b is None):
        typer.echo("error: give both A and B, or neither (then --corpus is read)", err=True)
        raise typer.Exit(2)
    if update is not None and format is not TableFormat.markdown:
        typer.echo("error: --update writes markdown; add --format markdown", err=True)
        raise typer.Exit(2)
    if a is None:
        _corpus_folder(corpus)
    first, second = (load(a), load(b)) if a is not None and b is not None else second_annotations(corpus)
    if a is None and not first.docs and not first.findings and not second.findings:
        typer.echo(f"error: no document of {corpus} has an annotation.b.yaml beside its annotation.yaml; "
                   "name two annotations: geosignal agree A B", err=True)
        raise typer.Exit(1)
    raise typer.Exit(run(first, second, "agree", format.value, labels, update))


@app.command(cls=Command)
def evaluate(
    gold: Annotated[Path, typer.Argument(callback=SCORED_PATH, help="The reference: an annotation file, a document folder, a corpus or a built dataset.")],
    pred: Annotated[Path, typer.Argument(callback=SCORED_PATH, help="The prediction (e.g. a silver dataset): same kinds as GOLD.")],
    format: ScoreFormatOption = TableFormat.table,
    labels: LabelsOption = True,
) -> None:
    """Score PRED against GOLD per layer and label: the same measurement as `geosignal agree`.

    Exit 0 scored, 1 a document failed to load or no document is on both sides, 2 usage.
    """
    from builders.score import load
    from builders.score.command import run

    raise typer.Exit(run(load(pred), load(gold), "evaluate", format.value, labels))


@app.command(cls=Command)
def code(
    path: Annotated[Optional[Path], typer.Argument(callback=_named("a document folder or a raw article file"), help="corpus/<doc_id> (coded in place) or a raw article file (added to --corpus with `new` first).")] = None,
    corpus: Annotated[Path, typer.Option("--corpus", help="Where a raw article's document folder is created.")] = Path("corpus"),
    collection: Annotated[Optional[Path], typer.Option("--collection", callback=_named("a folder of articles"), help="Code every article of this folder (with --format and --out).")] = None,
    shape: Annotated[CodeFormat, typer.Option("--format", help="With --collection: the articles' shape.")] = CodeFormat("text"),
    out: Annotated[Optional[Path], typer.Option("--out", help="With --collection: OUT/corpus (silver documents), OUT/dataset (silver build), OUT/findings.jsonl.")] = None,
    publisher: Annotated[Optional[str], typer.Option("--publisher", help="With --collection: the publisher (default by --format).")] = None,
    cross_validate: Annotated[Optional[Path], typer.Option("--cross-validate", callback=_named("a gold corpus"), help="Score the coder on this gold corpus by document-level k-fold cross-validation (baseline and full coder).")] = None,
    folds: Annotated[int, typer.Option("--folds", min=2, help="With --cross-validate: the number of folds.")] = 5,
    report: Annotated[TableFormat, typer.Option("--report", help="With --cross-validate: markdown (the README tables), json (both full reports) or table.")] = TableFormat.markdown,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, show_default="the machine's cores", help="With --collection: build workers (and the LocalCluster's size with --engine dask).")] = None,
    engine: Annotated[EngineName, typer.Option("--engine", help="With --collection: where the articles are drafted and the silver dataset is built (as `geosignal build --engine`).")] = EngineName.local,
    scheduler: SchedulerOption = None,
    dashboard: DashboardOption = True,
    model: Annotated[Optional[str], typer.Option("--model", show_default="builtin", help="builtin (dictionaries + what the gold taught, builders/coder/data/model.json), none (dictionaries only), a model file (python -m builders.coder.model), or a spaCy pipeline whose NER adds the names the dictionaries miss.")] = None,
) -> None:
    """Draft a silver annotation with the coder: dictionaries, rules and the model learned from the gold (every item origin: machine).

    `geosignal code corpus/<doc_id>` writes a draft annotation.yaml that validates (levels 1-3) and
    never overwrites a gold or reviewed annotation; `geosignal code ARTICLE` first adds the article
    with `new`. `--collection DIR --format F --out OUT` codes a whole collection into a silver
    corpus and dataset; a bad article is a finding, the rest is coded. `--cross-validate GOLD`
    prints the coder's cross-validated scores. Exit 0 done, 1 findings, 2 usage.
    """
    from builders.report import text_lines

    chosen = [x is not None for x in (path, collection, cross_validate)]
    if sum(chosen) != 1 or (collection is not None and out is None):
        typer.echo("usage: geosignal code PATH | --collection DIR --format F --out OUT | --cross-validate GOLD", err=True)
        raise typer.Exit(2)
    if cross_validate is not None and model is not None:
        typer.echo("usage: --model is for coding; --cross-validate trains its own models on the folds", err=True)
        raise typer.Exit(2)
    lexicon = None
    if cross_validate is None:
        from builders.coder.model import ModelError, load

        try:
            lexicon = load(model)
        except ModelError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2)
    if cross_validate is not None:
        import json

        from builders.coder.crossval import cross_validate as run_cv, load_gold, to_markdown

        docs, findings = load_gold(cross_validate)
        for line in text_lines(findings):
            typer.echo(line, err=True)
        if findings or len(docs) < 2:
            typer.echo(f"cross-validation refused: {len(docs)} gold document(s) loaded, {len(findings)} problem(s)", err=True)
            raise typer.Exit(1)
        results = run_cv(docs, folds)
        if report == TableFormat.json:
            typer.echo(json.dumps(results, indent=2, ensure_ascii=False))
        elif report == TableFormat.table:
            from rich.console import Console

            from builders.score.render import print_tables

            for result in results.values():
                print_tables(result, Console(), False)
        else:
            typer.echo(to_markdown(results, min(folds, len(docs))))
        raise typer.Exit(0)
    if collection is not None:
        from builders.coder.collection import code_collection

        if not collection.is_dir():
            raise typer.BadParameter(f"{collection} is not a folder", param_hint="--collection")

        import time

        started = time.monotonic()

        def progress(n: int, coded: int, where: str) -> None:
            if n % 25 == 0:  # the rate lets a long run be extrapolated while it runs
                rate = n / max(time.monotonic() - started, 1e-6)
                typer.echo(f"  {n} article(s) read, {coded} coded, {rate:.2f}/s ({where})", err=True)

        from builders.run.engine import EngineError
        from builders.run.engines import open_engine

        try:
            with open_engine(engine.value, workers, scheduler, dashboard, say=lambda m: typer.echo(m, err=True)) as chosen:
                result = code_collection(collection, shape.value, out, lexicon=lexicon, publisher=publisher, progress=progress,
                                         workers=workers, engine=chosen, say=lambda m: typer.echo(m, err=True))
        except EngineError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2)
        for line in text_lines(result.findings + result.build_findings):
            typer.echo(line, err=True)
        typer.echo(f"coded {result.coded} article(s) into {out}/corpus; {len(result.findings)} article finding(s) in "
                   f"{out}/findings.jsonl; dataset {'written to ' + str(out / 'dataset') if result.built else 'NOT built'}")
        raise typer.Exit(0 if result.built and not result.findings else 1)
    from builders.coder.draft import code_path

    result = code_path(path, corpus, lexicon)
    for line in text_lines(result.findings):
        typer.echo(line, err=True)
    if result.folder is None:
        typer.echo("code refused: nothing was written", err=True)
        raise typer.Exit(1)
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    typer.echo(f"drafted {result.folder}/annotation.yaml (silver, every item origin: machine): {counts}\n"
               f"next: correct it against ANNOTATION.md (`geosignal show {result.doc_id}`), then set status reviewed or gold")


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
