"""The compiled (jsonschema-rs) checks take cheaper forms than the schema files give; each form must
give the same answers as the schema, on generated input including the edge cases it was made for."""

from __future__ import annotations

import copy
import random
import sys
from pathlib import Path

import jsonschema
import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import schema

REPO = Path(__file__).resolve().parent.parent


def _patterns() -> list[str]:
    out: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                out.add(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema.schemas())
    return sorted(out)


def test_compiled_pattern_drops_only_a_final_unescaped_lookahead_without_inline_flags():
    assert schema.compiled_pattern("^[a-z]+$(?!\\n)") == "^[a-z]+$"
    assert schema.compiled_pattern("^(?!\\.\\.?$)[^/]+$(?!\\n)") == "^(?!\\.\\.?$)[^/]+$"
    for kept in ("^[a-z]+$", "^a\\$(?!\\n)", "(?m)^a$(?!\\n)", "(?i)^a$(?!\\n)", "^a$(?!\\n)b", "$(?!\\n)x"):
        assert schema.compiled_pattern(kept) == kept
    assert schema.compiled_pattern("^a\\\\$(?!\\n)") == "^a\\\\$"  # an escaped backslash, then the end
    assert any(schema.compiled_pattern(p) != p for p in _patterns())  # the schemas' patterns do take the form


def test_compiled_schemas_differ_from_the_schemas_only_in_patterns():
    def strip(node):
        if isinstance(node, dict):
            return {k: (None if k == "pattern" and isinstance(v, str) else strip(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    assert strip(schema.compiled_schemas()) == strip(schema.schemas())


_EDGES = ["", "\n", "\r\n", "\n\n", " ", "\t", "\u2028", "\x00", "$", "é", "#", "-", "."]


@pytest.mark.parametrize("pattern", _patterns())
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_every_schema_pattern_answers_as_its_compiled_form(pattern, data):
    """Strings matching the pattern (as Python's re reads it, so some end in a newline), and the
    same strings with a newline, space or other character added before, inside or after."""
    base = data.draw(st.one_of(st.from_regex(pattern), st.text(max_size=12)))
    edge = data.draw(st.sampled_from(_EDGES))
    at = data.draw(st.integers(0, len(base)))
    samples = {base, base + edge, edge + base, base[:at] + edge + base[at:], base.rstrip("\n")}
    original = jsonschema_rs.validator_for({"pattern": pattern})
    compiled = jsonschema_rs.validator_for({"pattern": schema.compiled_pattern(pattern)})
    python = jsonschema.Draft202012Validator({"pattern": pattern})
    for s in samples:
        assert compiled.is_valid(s) == original.is_valid(s) == python.is_valid(s), (pattern, s)


# --- whole documents ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """(annotation data, records by config) of the test corpus and of generated documents of both shapes."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    from builders.annotation.yamlio import parse_yaml
    from builders.run.outcomes import Job
    from builders.run.step import step
    from builders.source.corpus import discover, read

    root = tmp_path_factory.mktemp("gen")
    corpora = [REPO / "tests" / "data" / "corpus"] + [generate(root / s, 6, seed=5, shape=s) for s in ("statement", "article")]
    folders = [f for c in corpora for f in discover([c])[0]]
    out = []
    for folder in folders:
        doc = read(folder)
        records = step(doc, Job()).records
        assert records is not None, folder
        out.append((parse_yaml(doc.annotation).data, {c: records.config(c) for c in schema.CONFIGS}))
    return out


def _mutations(value, rng: random.Random, n: int):
    """``n`` copies of ``value``, each with one string changed (a newline or space added, emptied,
    a character replaced) or one integer made negative: what the patterns and bounds refuse."""
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i))
        elif isinstance(node, (str, int)) and not isinstance(node, bool):
            paths.append(path)

    walk(value, ())
    for _ in range(n):
        path = rng.choice(paths)
        broken = copy.deepcopy(value)
        parent = broken
        for key in path[:-1]:
            parent = parent[key]
        old = parent[path[-1]]
        if isinstance(old, int):
            parent[path[-1]] = rng.choice([-1, -old, old + 1])
        else:
            at = rng.randrange(len(old) + 1)
            parent[path[-1]] = rng.choice([old + "\n", old + "\r\n", "\n" + old, old[:at] + " " + old[at:],
                                           old[:at] + "#" + old[at + 1:], "", old.upper()])
        yield broken


def _original_validator(root: dict):
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in schema.schemas().values()])
    return jsonschema_rs.validator_for(root, registry=registry)


def test_the_compiled_annotation_check_answers_as_the_schema_on_generated_and_broken_documents(documents):
    rng = random.Random(7)
    original = _original_validator(schema.schemas()["annotation"])
    fast = schema.checker("annotation")._fast  # noqa: SLF001
    slow = schema.validator("annotation")
    answers = set()
    for ann, _ in documents:
        for n, instance in enumerate([ann, *_mutations(ann, rng, 25)]):
            answer = fast.is_valid(instance)
            assert answer == original.is_valid(instance)
            if n < 4:  # jsonschema itself too, on a few (it takes ~0.1 s an article)
                assert answer == (not list(slow.iter_errors(instance)))
            answers.add(answer)
    assert answers == {True, False}


def test_the_compiled_record_check_answers_as_the_schemas_on_generated_and_broken_records(documents):
    rng = random.Random(11)
    whole = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "properties": {c: {"type": "array", "items": {"$ref": schema.schemas()[n]["$id"]}}
                            for c, n in schema.CONFIGS.items()}}
    original = _original_validator(whole)
    valid = schema.records_valid()
    answers = set()
    for _, rows in documents:
        for n, instance in enumerate([rows, *_mutations(rows, rng, 25)]):
            answer = valid(instance)
            assert answer == original.is_valid(instance)
            if n >= 6:
                answers.add(answer)
                continue
            per_record = not any(list(schema.validator(n).iter_errors(r)) for c, n in schema.CONFIGS.items()
                                 for r in instance[c])
            assert answer == per_record
            answers.add(answer)
    assert answers == {True, False}
