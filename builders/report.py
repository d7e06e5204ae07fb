"""Findings -> text for people, JSON for tools, GitHub Actions workflow commands for CI."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from builders.findings import Finding
from builders.formats import FINDINGS as FORMATS


def summary(findings: Sequence[Finding], checked: int, unlisted: int = 0) -> str:
    """One line of counts. Notes ask for nothing, so they are counted apart (and only when there are any)."""
    n_err = sum(f.is_error for f in findings)
    n_note = sum(f.is_note for f in findings)
    n_warn = len(findings) - n_err - n_note
    line = f"checked {checked} document(s): {n_err} error(s), {n_warn} warning(s)"
    if n_note:
        codes = Counter(f.code for f in findings if f.is_note)
        line += f", {n_note} note(s) ({', '.join(f'{c} {n}' for c, n in sorted(codes.items()))}"
        line += "; --verbose lists them)" if unlisted else ")"
    return line


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


def as_text(findings: Sequence[Finding], checked: int, verbose: bool = True) -> str:
    """The findings and a summary line; without ``verbose``, notes are only counted."""
    listed = [f for f in findings if verbose or not f.is_note]
    return "\n".join([*text_lines(listed), summary(findings, checked, len(findings) - len(listed))]) + "\n"


def as_json(findings: Sequence[Finding], checked: int) -> str:
    payload = {
        "checked": checked,
        "errors": sum(f.is_error for f in findings),
        "warnings": sum(not f.is_error and not f.is_note for f in findings),
        "notes": sum(f.is_note for f in findings),
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
        command = "notice" if f.is_note else f.severity.value  # the workflow commands: error, warning, notice
        lines.append(f"::{command} {','.join(props)}::{_escape_data(f.message + chr(10) + 'hint: ' + f.hint)}")
    lines.append(summary(findings, checked))
    return "\n".join(lines) + "\n"


RENDERERS = dict(zip(FORMATS, (as_text, as_json, as_github), strict=True))


def render(findings: Sequence[Finding], checked: int, fmt: str, verbose: bool = True) -> str:
    """Findings in one of ``FORMATS``; ``verbose`` (text only) lists the notes too, else they are counted."""
    if fmt == "text":
        return as_text(findings, checked, verbose)
    return RENDERERS[fmt](findings, checked)
