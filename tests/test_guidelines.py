"""ANNOTATION.md defines every label of every enum in schema/, read from the schema files.

The convention the guidelines follow (and this test parses): a marker line
``<!-- labels: schema/FILE#POINTER -->`` opens the section of one enum; it ends at the next marker
or the next ``##``/``###`` heading. Inside it, one ``#### `LABEL` `` heading per label, followed
by the four fields below, each non-empty.
"""

from __future__ import annotations

import re

import pytest

from builders.schema import schemas, walk_enums

from conftest import REPO

GUIDELINES = REPO / "ANNOTATION.md"
FIELDS = ("Definition", "Use when", "Do not use when", "Example")
_MARKER = re.compile(r"^<!-- labels: schema/(?P<file>[\w.]+)\.schema\.json#(?P<pointer>\S+) -->$")
_SECTION_END = re.compile(r"^#{2,3} ")
_LABEL = re.compile(r"^#### `(?P<label>[^`]+)`\s*$")
_FIELD = re.compile(r"^- \*\*(?P<field>[^*]+):\*\* (?P<text>\S.*)$")


def parse(text: str) -> dict[tuple[str, str], dict[str, dict[str, str]]]:
    """{(schema stem, JSON pointer): {label: {field: text}}}; duplicates raise."""
    sections: dict[tuple[str, str], dict[str, dict[str, str]]] = {}
    current: dict[str, dict[str, str]] | None = None
    label: str | None = None
    for line in text.splitlines():
        if m := _MARKER.match(line):
            key = (m["file"], m["pointer"])
            assert key not in sections, f"two sections for the enum {key}"
            current, label = sections.setdefault(key, {}), None
        elif _SECTION_END.match(line):
            current, label = None, None
        elif current is not None and (m := _LABEL.match(line)):
            label = m["label"]
            assert label not in current, f"{label!r} is defined twice"
            current[label] = {}
        elif current is not None and label is not None and (m := _FIELD.match(line)):
            assert m["field"] not in current[label], f"{label!r} has two {m['field']!r} lines"
            current[label][m["field"]] = m["text"]
    return sections


def schema_enums() -> dict[tuple[str, str], list[str]]:
    return {(name, pointer): labels for name in schemas() for pointer, labels in walk_enums(name)}


def test_the_parser_reads_the_convention():
    text = "\n".join([
        "### Colours",
        "<!-- labels: schema/x.schema.json#/$defs/colour -->",
        "#### `red`",
        "- **Definition:** the colour of blood.",
        "- **Use when:** it is red.",
        "#### `blue`",
        "- **Definition:** the colour of the sky.",
        "### Next section",
        "#### `green`",
    ])
    assert parse(text) == {("x", "/$defs/colour"): {
        "red": {"Definition": "the colour of blood.", "Use when": "it is red."},
        "blue": {"Definition": "the colour of the sky."},
    }}
    with pytest.raises(AssertionError, match="defined twice"):
        parse(text + "\n<!-- labels: schema/y.schema.json#/e -->\n#### `a`\n#### `a`")


def test_every_enum_of_every_schema_has_a_section():
    sections = parse(GUIDELINES.read_text(encoding="utf-8"))
    enums = schema_enums()
    assert len(enums) >= 9  # entity types ... target kinds: the schemas are really read
    assert sorted(sections) == sorted(enums), "ANNOTATION.md sections and schema enums differ"


@pytest.mark.parametrize("key", sorted(schema_enums()), ids=lambda k: f"{k[0]}{k[1]}")
def test_every_label_is_defined_with_all_fields(key):
    sections = parse(GUIDELINES.read_text(encoding="utf-8"))
    defined = sections.get(key, {})
    labels = schema_enums()[key]
    missing = [label for label in labels if label not in defined]
    stale = [label for label in defined if label not in labels]
    assert not missing, f"{key}: no definition in ANNOTATION.md for {missing}"
    assert not stale, f"{key}: ANNOTATION.md defines labels the schema does not have: {stale}"
    for label in labels:
        absent = [f for f in FIELDS if len(defined[label].get(f, "")) < 3]
        assert not absent, f"{key} {label!r}: missing or empty {absent}"


def test_readme_links_the_guidelines():
    assert "(ANNOTATION.md)" in (REPO / "README.md").read_text(encoding="utf-8")
