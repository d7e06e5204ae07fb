"""What ``geosignal agree`` and ``geosignal evaluate`` do once their arguments are parsed: load the two
sides, refuse bad input with findings (exit 1), score, print. Returns the exit code."""

from __future__ import annotations

import json

from . import Side, compare


def run(prediction: Side, reference: Side, mode: str, fmt: str, labels: bool = True) -> int:
    import typer

    from ..report import text_lines

    findings = prediction.findings + reference.findings
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
    elif fmt == "markdown":
        from .render import to_markdown

        typer.echo(to_markdown(result), nl=False)
    else:
        from rich.console import Console

        from .render import print_tables

        print_tables(result, Console(), labels)
    return 0
