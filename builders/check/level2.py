"""Level 2: the annotation file against the annotation schema (``schema/annotation.schema.json``).

Every violation is reported at its line, with the most specific reason under ``oneOf``/``anyOf``
and a hint: the allowed labels (and the closest one to a misspelt label), the missing or unknown
field, the type or pattern expected.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from builders.annotation.yamlio import Parsed
from builders.findings import Finding
from builders.schema import checker

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

LEVEL = 2


def findings(parsed: Parsed, file: str) -> list[Finding]:
    """Level 2: every annotation-schema violation, each at its line with a hint."""
    if not isinstance(parsed.data, dict):
        return [Finding(file, 1, "schema", "the annotation file must be a mapping with 'format', 'document', 'entities', 'events' and 'stances'",
                        "start from the template that `geosignal new` writes", level=LEVEL)]
    out = []
    for error in checker("annotation").iter_errors(parsed.data, floats=parsed.has_floats):
        leaf = _leaf(error)
        out.append(Finding(file, parsed.line_of(tuple(leaf.absolute_path)), _code(leaf), _message(leaf), _hint(leaf), level=LEVEL))
    return out


def _leaf(error: "ValidationError") -> "ValidationError":
    """The most specific error under oneOf/anyOf, which otherwise say only 'not valid under any'."""
    from jsonschema.exceptions import best_match

    while error.context:
        error = best_match(error.context)
    return error


def _code(error: ValidationError) -> str:
    return {"enum": "unknown-label", "const": "unknown-label", "required": "missing-field",
            "additionalProperties": "unknown-field", "unevaluatedProperties": "unknown-field",
            "type": "wrong-type"}.get(str(error.validator), "schema")


def _where(error: ValidationError) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path).lstrip(".")
    return path or "the file"


def _message(error: ValidationError) -> str:
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"{_where(error)}: unknown field(s) {', '.join(map(repr, extra))}"
    return f"{_where(error)}: {error.message}"


def _hint(error: ValidationError) -> str:
    schema: Any = error.schema
    if error.validator == "enum":
        options = [v for v in schema["enum"] if v is not None]
        close = difflib.get_close_matches(str(error.instance), [str(o) for o in options], n=1, cutoff=0.5)
        return (f"did you mean {close[0]!r}? " if close else "") + f"use one of: {', '.join(map(str, options))} (see ANNOTATION.md)"
    if error.validator == "const":
        return f"write {schema['const']!r}"
    if error.validator == "required":
        return "add the missing field (see the template that `geosignal new` writes)"
    if error.validator in ("additionalProperties", "unevaluatedProperties"):
        allowed = sorted(schema.get("properties", {}))
        return f"remove or rename it; allowed here: {', '.join(allowed)}" if allowed else "remove it"
    if error.validator == "type":
        return f"write a value of type {error.validator_value}"
    if error.validator == "pattern":
        return f"the value must match the pattern {error.validator_value}"
    if error.validator in ("minimum", "minItems", "minLength"):
        return f"the smallest allowed is {error.validator_value}"
    return "see schema/annotation.schema.json for what is allowed here"
