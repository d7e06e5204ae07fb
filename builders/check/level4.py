"""Level 4: guideline lints. Warnings, not errors: a person decides, and may acknowledge them.

- ``missed-mention``: a name or alias of an entity occurs in the text with no mention covering it;
- ``template-unfilled``: document metadata still holds the ``TODO`` placeholder that
  `geosignal new` writes (or a shaped source has no provenance).

An acknowledgement in the annotation file (``acknowledged: [{code, text, reason}]``) silences
the warnings of that code about that text; one that silences nothing is itself reported, so
the list does not rot.
"""

from __future__ import annotations

from typing import Any

from builders.annotation.records import DocRecords
from builders.annotation.resolve import QuoteIndex
from builders.annotation.yamlio import Parsed
from builders.findings import Finding, Severity

LEVEL = 4
TODO = "TODO"  # the placeholder of the template `geosignal new` writes


def findings(records: DocRecords, parsed: Parsed, file: str) -> list[Finding]:
    """Every level-4 warning of an annotation whose records were built."""
    return lint(records, parsed, file) + unfilled(parsed, file)


def lint(records: DocRecords, parsed: Parsed, file: str) -> list[Finding]:
    """Missed mentions, less the acknowledged ones; an acknowledgement that silences nothing is reported."""
    acknowledged = parsed.data.get("acknowledged", []) if isinstance(parsed.data, dict) else []
    raw = missed_mentions(records, parsed, file)
    used: set[int] = set()
    out = []
    for finding, text in raw:
        hit = next((i for i, a in enumerate(acknowledged) if a["code"] == finding.code and a["text"] == text), None)
        if hit is None:
            out.append(finding)
        else:
            used.add(hit)
    for i, ack in enumerate(acknowledged):
        if i not in used:
            out.append(Finding(file, parsed.line_of(("acknowledged", i)), "stale-acknowledgement",
                               f"the acknowledgement of {ack['code']} for {ack['text']!r} matches no warning",
                               "remove it: the annotation no longer triggers that warning", Severity.WARNING, level=LEVEL))
    return out


def missed_mentions(records: DocRecords, parsed: Parsed, file: str) -> list[tuple[Finding, str]]:
    """A name or alias of an entity that occurs in the text with no mention covering it.

    An occurrence is covered by a mention of the entity itself, or by a longer *name* of any
    entity ("Japan" in "Sea of Japan": ANNOTATION.md 3.5). A nominal mention of another entity
    does not cover it: "United States" in "the United States military" is a mention of its own.
    """
    text = records.documents[0]["text"]
    # level 3's index of this text (its quotes already found), else a fresh one
    index = records.quotes if records.quotes is not None and records.quotes.text == text else QuoteIndex(text)
    names_spans = [(m["start"], m["end"]) for e in records.entities for m in e["mentions"] if m["kind"] == "NAM"]
    names_exact = set(names_spans)  # made once: most occurrences are mentions themselves, no scan needed
    entities = {e["id"]: e for e in parsed.data["entities"]}
    out = []
    for i, record in enumerate(records.entities):
        own = [(m["start"], m["end"]) for m in record["mentions"]]
        own_exact = set(own)
        covered = None  # every name span and the entity's own, joined only when an occurrence is no mention
        names = {record["name"], *entities[record["entity_id"]].get("aliases", [])}
        names |= {m["text"] for m in record["mentions"] if m["kind"] == "NAM"}
        for name in sorted(names):
            found = index.occurrences(name)
            for n, start in enumerate(found, 1):
                end = start + len(name)
                if (start, end) in names_exact or (start, end) in own_exact:
                    continue
                if covered is None:
                    covered = names_spans + own
                if any(s <= start and end <= e for s, e in covered):
                    continue
                out.append((Finding(
                    file, parsed.line_of(("entities", i, "mentions")), "missed-mention",
                    f"{name!r} (occurrence {n}, offset {start}) names {record['entity_id']!r} but no mention covers it",
                    f"add {{text: {name!r}, occurrence: {n}}} to its mentions; if it rightly is not a mention, "
                    f"acknowledge it: `acknowledged: [{{code: missed-mention, text: {name!r}, reason: ...}}]`",
                    Severity.WARNING, level=LEVEL), name))
    return out


def unfilled(parsed: Parsed, file: str) -> list[Finding]:
    """Level 4: template metadata still marked TODO (a warning: the reviewer decides)."""
    meta = parsed.data.get("document") if isinstance(parsed.data, dict) else None
    if not isinstance(meta, dict):
        return []
    missing = [] if meta.get("source_format", "text") == "text" or "provenance" in meta else [
        Finding(file, parsed.line_of(("document", "source_format")), "template-unfilled",
                f"document.provenance is missing for a {meta.get('source_format')} source",
                "add provenance: repository, commit, path (and row, field for a CSV field), see ANNOTATION.md 6",
                Severity.WARNING, level=LEVEL)]
    return missing + [
        Finding(file, parsed.line_of(("document", *path)), "template-unfilled",
                f"document.{'.'.join(map(str, path))} is still the template's placeholder",
                f"write the document's real {path[0]} in place of the {TODO} text", Severity.WARNING, level=LEVEL)
        for path, value in _leaves(meta, ()) if isinstance(value, str) and value.startswith(TODO)
    ]


def _leaves(node: Any, path: tuple) -> list[tuple[tuple, Any]]:
    """(path, value) of every scalar under ``node``: placeholders sit in nested fields too."""
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(node, list):
        return [leaf for i, value in enumerate(node) for leaf in _leaves(value, (*path, i))]
    return [(path, node)]
