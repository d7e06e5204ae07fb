"""Fuzzing the validator: a mutated contribution is accepted or reported, never a crash.

A small valid document (tests/data/small/new_doc) is mutated the way contributors and editors
break files: lines deleted, duplicated or swapped, characters changed (YAML punctuation, tabs,
CR, NUL, a BOM, bytes that are not UTF-8), files truncated, labels and ids changed. The library
is called on a temporary corpus, so 500 examples stay cheap.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builders.schema import schemas
from builders import load_corpus, validate

SEED = Path(__file__).resolve().parent / "data" / "small" / "new_doc"
ANNOTATION = (SEED / "annotation.yaml").read_bytes()
SOURCE = (SEED / "source.txt").read_bytes()


def _enums(node) -> set[str]:
    """Every label of every schema: the fuzzer swaps them, so it must know them (from the schemas)."""
    out: set[str] = set()
    if isinstance(node, dict):
        out |= {v for v in node.get("enum", []) if isinstance(v, str)}
        for value in node.values():
            out |= _enums(value)
    elif isinstance(node, list):
        for value in node:
            out |= _enums(value)
    return out


LABELS = sorted(_enums(schemas()) | {"COUNTRY", "gpe", ""})
_seed = yaml.safe_load(ANNOTATION)
IDS = sorted({item["id"] for section in ("entities", "events", "stances") for item in _seed[section]}
             | {"x", "1bad", "ev exercise", "china "})
NASTY = [":", "-", "[", "]", "{", "}", ",", "#", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`", "?",
         " ", "\t", "\r", "\n", "\x00", "\x07", "\ufeff", "\u2028", "é", "\u0301", "日"]

index = st.integers(min_value=0, max_value=10**6)
mutation = st.one_of(
    st.tuples(st.just("delete"), index),
    st.tuples(st.just("duplicate"), index),
    st.tuples(st.just("swap"), index, index),
    st.tuples(st.just("char"), index, st.one_of(st.sampled_from(NASTY), st.characters())),
    st.tuples(st.just("byte"), index, st.sampled_from([b"\xff", b"\xc3", b"\xe2\x80", b"\x80"])),
    st.tuples(st.just("truncate"), index),
    st.tuples(st.just("label"), st.sampled_from(LABELS), st.sampled_from(LABELS)),
    st.tuples(st.just("id"), st.sampled_from(IDS), st.sampled_from(IDS)),
)


def mutate(data: bytes, op: tuple) -> bytes:
    kind = op[0]
    lines = data.split(b"\n")
    if kind in ("delete", "duplicate", "swap"):
        i = op[1] % len(lines)
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        else:
            j = op[2] % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)
    if kind == "char":
        i = op[1] % (len(data) + 1)
        return data[:i] + op[2].encode("utf-8", "surrogatepass") + data[i + 1:]
    if kind == "byte":
        i = op[1] % (len(data) + 1)
        return data[:i] + op[2] + data[i:]
    if kind == "truncate":
        return data[: op[1] % (len(data) + 1)]
    old, new = op[1].encode(), op[2].encode()
    if not old or old not in data:
        return data
    key = b"type: " if kind == "label" else b""
    return data.replace(key + old, key + new, 1) if key + old in data else data.replace(old, new, 1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "corpus"
    (root / "new_doc").mkdir(parents=True)
    return root


@settings(max_examples=500, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(in_annotation=st.lists(mutation, max_size=4), in_source=st.lists(mutation, max_size=2))
def test_mutated_contribution_is_accepted_or_reported_never_raises(corpus, in_annotation, in_source):
    ann, src = ANNOTATION, SOURCE
    for op in in_annotation:
        ann = mutate(ann, op)
    for op in in_source:
        src = mutate(src, op)
    (corpus / "new_doc" / "annotation.yaml").write_bytes(ann)
    (corpus / "new_doc" / "source.txt").write_bytes(src)

    report = validate([corpus])  # must not raise, whatever the bytes

    assert report.checked == 1
    event("accepted" if report.ok else "refused at level %d" % min(f.level for f in report.findings if f.is_error))
    for f in report.findings:
        assert f.file and f.code and f.message and f.hint
        assert f.line is None or 1 <= f.line <= max(ann.count(b"\n"), src.count(b"\n")) + 1
    assert report.ok == (report.valid == ["new_doc"])  # accepted with its records, or refused with errors
    for doc in load_corpus([corpus])[0].docs if report.ok else []:
        text = doc.documents[0]["text"]
        spans = [m for e in doc.entities for m in e["mentions"]]
        spans += [e["trigger"] for e in doc.events] + [s["evidence"] for s in doc.stances]
        spans += [a for e in doc.events for a in e["arguments"] if a["start"] is not None]
        for span in spans:
            assert text[span["start"]:span["end"]] == span["text"]


def test_the_unmutated_seed_is_accepted(corpus):
    (corpus / "new_doc" / "annotation.yaml").write_bytes(ANNOTATION)
    (corpus / "new_doc" / "source.txt").write_bytes(SOURCE)
    report = validate([corpus])
    assert report.ok and report.findings == [] and report.valid == ["new_doc"]
