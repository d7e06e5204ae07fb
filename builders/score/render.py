"""The JSON report -> tables for a terminal (rich). Nothing is computed here."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def tables(report: dict[str, Any], labels: bool = True) -> list[Table]:
    """Layers (P/R/F1/support, per label), accuracies, and chance-corrected agreement."""
    prf = Table(title=f"{report['mode']}: prediction {report['prediction']} vs reference {report['reference']} "
                      f"({len(report['documents'])} documents, micro-averaged)")
    for name, justify in (("layer", "left"), ("match", "left"), ("P", "right"), ("R", "right"), ("F1", "right"),
                          ("tp", "right"), ("predicted", "right"), ("support", "right")):
        prf.add_column(name, justify=justify)  # type: ignore[arg-type]
    for layer, entry in report["layers"].items():
        if entry.get("status"):
            prf.add_row(layer, "", "n/a", "n/a", "n/a", "", "", "", style="dim")
            continue
        for match, s in entry.items():
            if not isinstance(s, dict):
                continue
            prf.add_row(layer, match, _num(s["precision"]), _num(s["recall"]), _num(s["f1"]),
                        str(s["tp"]), str(s["predicted"]), str(s["support"]))
            if labels:
                for label, ls in s.get("labels", {}).items():
                    prf.add_row(f"  {label}", "", _num(ls["precision"]), _num(ls["recall"]), _num(ls["f1"]),
                                str(ls["tp"]), str(ls["predicted"]), str(ls["support"]), style="dim")
    acc = Table(title="Attribute agreement over aligned items")
    for name in ("attribute", "accuracy", "agree", "items", "over"):
        acc.add_column(name, justify="left" if name in ("attribute", "over") else "right")
    for name, a in report["accuracy"].items():
        if a.get("status"):
            acc.add_row(name, "n/a", "", "", a["reason"], style="dim")
        else:
            acc.add_row(name, _num(a["accuracy"]), str(a["agree"]), str(a["items"]), a["over"])
    agr = Table(title="Chance-corrected agreement on label decisions (aligned items)")
    for name in ("decision", "items", "observed", "Cohen's kappa", "Krippendorff's alpha"):
        agr.add_column(name, justify="left" if name == "decision" else "right")
    for name, a in report["agreement"].items():
        agr.add_row(name, str(a["items"]), _num(a["observed"]), _num(a["kappa"]), _num(a["alpha"]))
    return [prf, acc, agr]


def print_tables(report: dict[str, Any], console: Console, labels: bool = True) -> None:
    for table in tables(report, labels):
        console.print(table)
    for side, ids in report["unpaired"].items():
        if ids:
            console.print(f"not scored, {side.replace('_', ' ')}: {', '.join(ids)}")


def to_markdown(report: dict[str, Any]) -> str:
    """The main figures as Markdown tables (for DATASHEET.md and the README): no per-label rows."""
    lines = [f"Documents: {len(report['documents'])}; micro-averaged; reference: {report['reference']}.", "",
             "| layer | match | P | R | F1 | support |", "|---|---|---:|---:|---:|---:|"]
    for layer, entry in report["layers"].items():
        if entry.get("status"):
            lines.append(f"| {layer} | | n/a | n/a | n/a | |")
            continue
        for match, s in entry.items():
            if isinstance(s, dict):
                lines.append(f"| {layer} | {match} | {_num(s['precision'])} | {_num(s['recall'])} | {_num(s['f1'])} | {s['support']} |")
    lines += ["", "| attribute | accuracy | items |", "|---|---:|---:|"]
    for name, a in report["accuracy"].items():
        lines.append(f"| {name} | n/a | |" if a.get("status") else f"| {name} | {_num(a['accuracy'])} | {a['items']} |")
    lines += ["", "| decision | items | observed | Cohen's kappa | Krippendorff's alpha |", "|---|---:|---:|---:|---:|"]
    for name, a in report["agreement"].items():
        lines.append(f"| {name} | {a['items']} | {_num(a['observed'])} | {_num(a['kappa'])} | {_num(a['alpha'])} |")
    return "\n".join(lines) + "\n"
