"""What ``geosignal agree`` and ``geosignal evaluate`` do once their arguments are parsed: load the two
sides, refuse bad input with findings (exit 1), score, print. Returns the exit code."""

from __future__ import annotations

import json
from pathlib import Path

from builders.dataset.stats import embed
from builders.findings import sort_findings
from builders.report import text_lines
from builders.score import Side, compare
from builders.score.render import print_tables, to_markdown


# The agreement tables embedded in DATASHEET.md between these markers, rewritten by
# `geosignal agree A B --format markdown --update DATASHEET.md` and checked against a fresh run by a test.
BLOCK_BEGIN = "<!-- agree:begin -->"
BLOCK_END = "<!-- agree:end -->"


def run(prediction: Side, reference: Side, mode: str, fmt: str, labels: bool = True, update: Path | None = None) -> int:
    import typer

    findings = sort_findings(list(set(prediction.findings + reference.findings)))  # both sides may read the same folder
    if findings:
        for line in text_lines(findings):
            typer.echo(line, err=True)
        typer.echo(f"{mode} refused: {len(findings)} document problem(s) above; fix them (`geosignal validate`) "
                   "and run again", err=True)
        return 1
    result = compare(prediction, reference, mode)
    if not result["documents"]:
        typer.echo(f"error: no document is on both sides ({prediction.label}: {len(prediction.docs)}, "
                   f"{reference.label}: {len(reference.docs)}); pairs are matched by document id", err=True)
        return 1
    if fmt == "json":
        typer.echo(json.dumps(result, indent=2, ensure_ascii=False))
    elif fmt == "markdown" and update is not None:
        try:
            update.write_text(embed(update.read_text(encoding="utf-8"), to_markdown(result), BLOCK_BEGIN, BLOCK_END),
                              encoding="utf-8")
        except (OSError, ValueError) as exc:
            typer.echo(f"error: cannot update {update}: {getattr(exc, 'strerror', None) or exc}", err=True)
            return 1
        typer.echo(f"updated the agreement figures in {update}")
    elif fmt == "markdown":
        typer.echo(to_markdown(result), nl=False)
    else:
        from rich.console import Console

        print_tables(result, Console(), labels)
    return 0
