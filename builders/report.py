"""Findings -> text for people, JSON for tools, GitHub Actions workflow commands for CI."""

from __future__ import annotations

import json
from collections.abc import Sequence

from builders.findings import Finding

FORMATS = ("text", "json", "github")


def summary(findings: Sequence[Finding], checked: int) -> str:
    n_err = sum(f.is_error for f in findings)
    n_warn = len(findings) - n_err
    return f"checked {checked} document(s): {n_err} error(s), {n_warn} warning(s)"


def printable(s: str) -> str:
    """Control characters (ESC, CR, LF, ...) as escapes: a file name is data, not terminal commands."""
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in s)


def text_lines(findings: Sequence[Finding]) -> list[str]:
    """Two lines a finding: where, severity, code and message; then the hint (escaped: one line each)."""
    lines = []
    for f in findings:
        where = f"{printable(f.file)}:{f.line}" if f.line else printable(f.file)
        lines.append(f"{where}: {f.severity.value} [{f.code}] {printable(f.message)}")
        lines.append(f"    hint: {printable(f.hint)}")
    return lines


def as_text(findings: Sequence[Finding], checked: int) -> str:
    return "\n".join([*text_lines(findings), summary(findings, checked)]) + "\n"


def as_json(findings: Sequence[Finding], checked: int) -> str:
    payload = {
        "checked": checked,
        "errors": sum(f.is_error for f in findings),
        "warnings": sum(not f.is_error for f in findings),
        "findings": [f.as_dict() for f in findings],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def as_github(findings: Sequence[Finding], checked: int) -> str:
    """One ``::error``/``::warning`` workflow command per finding, shown inline on the PR diff."""
    lines = []
    for f in findings:
        props = [f"file={_escape_property(f.file)}"]
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_escape_property(f.code)}")
        lines.append(f"::{f.severity.value} {','.join(props)}::{_escape_data(f.message + chr(10) + 'hint: ' + f.hint)}")
    lines.append(summary(findings, checked))
    return "\n".join(lines) + "\n"


def render(findings: Sequence[Finding], checked: int, fmt: str) -> str:
    return {"text": as_text, "json": as_json, "github": as_github}[fmt](findings, checked)
