"""Level 4: guideline lints. Warnings, not errors: a person decides, and may acknowledge them.

An acknowledgement in the annotation file (``acknowledged: [{code, text, reason}]``) silences
the warnings of that code about that text; one that silences nothing is itself reported, so
the list does not rot.
"""

from __future__ import annotations

from builders.findings import Finding, Severity
from builders.annotation.records import DocRecords
from builders.annotation.resolve import occurrences
from builders.annotation.yamlio import Parsed


def lint(records: DocRecords, parsed: Parsed, file: str) -> list[Finding]:
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
                               "remove it: the annotation no longer triggers that warning", Severity.WARNING, level=4))
    return out


def missed_mentions(records: DocRecords, parsed: Parsed, file: str) -> list[tuple[Finding, str]]:
    """A name or alias of an entity that occurs in the text with no mention covering it.

    An occurrence is covered by a mention of the entity itself, or by a longer *name* of any
    entity ("Japan" in "Sea of Japan": ANNOTATION.md 3.5). A nominal mention of another entity
    does not cover it: "United States" in "the United States military" is a mention of its own.
    """
    text = records.documents[0]["text"]
    names_spans = [(m["start"], m["end"]) for e in records.entities for m in e["mentions"] if m["kind"] == "NAM"]
    entities = {e["id"]: e for e in parsed.data["entities"]}
    out = []
    for i, record in enumerate(records.entities):
        covered = names_spans + [(m["start"], m["end"]) for m in record["mentions"]]
        exact = set(covered)  # most occurrences are mentions themselves: no scan needed
        names = {record["name"], *entities[record["entity_id"]].get("aliases", [])}
        names |= {m["text"] for m in record["mentions"] if m["kind"] == "NAM"}
        for name in sorted(names):
            found = occurrences(text, name)
            for n, start in enumerate(found, 1):
                end = start + len(name)
                if (start, end) in exact or any(s <= start and end <= e for s, e in covered):
                    continue
                out.append((Finding(
                    file, parsed.line_of(("entities", i, "mentions")), "missed-mention",
                    f"{name!r} (occurrence {n}, offset {start}) names {record['entity_id']!r} but no mention covers it",
                    f"add {{text: {name!r}, occurrence: {n}}} to its mentions; if it rightly is not a mention, "
                    f"acknowledge it: `acknowledged: [{{code: missed-mention, text: {name!r}, reason: ...}}]`",
                    Severity.WARNING, level=4), name))
    return out
