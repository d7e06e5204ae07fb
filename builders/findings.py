"""Problems are data: every check returns findings, the CLI decides how to print them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"  # worth a look: it may ask for a fix
    NOTE = "note"  # asks for nothing (a view left a span out by its own rule): counted, listed on request


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one file, with a place to look and a way to fix it."""

    file: str
    line: int | None
    code: str
    message: str
    hint: str
    severity: Severity = Severity.ERROR
    level: int = 3

    def as_dict(self) -> dict:
        d = asdict(self)
        d["severity"] = self.severity.value
        return d

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_note(self) -> bool:
        return self.severity is Severity.NOTE


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_error]


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line or 0, f.code, f.message))
