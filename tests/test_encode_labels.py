"""The writer encodes label columns in Arrow (names -> ids with ``pyarrow.compute.index_in``); these
tests hold it to the Python encoder (``write.encode_rows``, itself checked against ``datasets``),
cell for cell, on generated documents of both shapes and on random rows with every edge the
schemas allow: missing labels, empty and missing lists, missing structs, nested lists of structs."""

from __future__ import annotations

import random
import sys

import pyarrow as pa
import pytest

from builders import load_corpus
from builders.dataset import write
from builders.dataset.views import TAG_COLUMNS, doc_views
from builders.schema import ALL_CONFIGS, CONFIGS, Label, Seq, Value, fields

from conftest import CORPUS, REPO

ROW_CONFIGS = [c for c in ALL_CONFIGS if c not in TAG_COLUMNS]


def python_table(config: str, rows: list) -> pa.Table:
    """The table as the writer made it before: every row copied and encoded in Python, then converted."""
    array = pa.array(write.encode_rows(config, rows), type=write._row_type(config))
    return pa.Table.from_batches([pa.RecordBatch.from_struct_array(array)], schema=write._bare_schema(config))


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    root = tmp_path_factory.mktemp("gen")
    records = [*load_corpus([CORPUS])[0].docs]
    for shape in ("statement", "article"):
        records += load_corpus([generate(root / shape, 8, seed=3, shape=shape)])[0].docs
    return records, [doc_views(r, r.doc_id) for r in records]


@pytest.mark.parametrize("config", ROW_CONFIGS)
def test_arrow_labels_equal_the_python_encoder_on_generated_documents(generated, config):
    records, views = generated
    rows = ([r for doc in records for r in doc.config(config)] if config in CONFIGS
            else [r for v in views for r in v.rows_of(config)])
    assert rows
    table = write.tables_of(records, [config], views)[config]
    expected = python_table(config, rows)
    assert table.schema == expected.schema
    assert table.equals(expected)
    assert table.to_pylist() == expected.to_pylist()


def random_value(feature, rng: random.Random, depth: int = 0):
    if rng.random() < 0.15:
        return None
    if isinstance(feature, dict):
        return {name: random_value(sub, rng, depth + 1) for name, sub in feature.items()}
    if isinstance(feature, Seq):
        return [random_value(feature.feature, rng, depth + 1) for _ in range(rng.choice([0, 0, 1, 2, 3]))]
    if isinstance(feature, Label):
        return rng.choice(feature.names)
    assert isinstance(feature, Value)
    return {"string": lambda: rng.choice(["", "a", "é x"]), "int64": lambda: rng.randrange(-5, 10 ** 6),
            "float64": lambda: rng.random(), "bool": lambda: rng.random() < 0.5}[feature.dtype]()


def random_rows(config: str, rng: random.Random, n: int) -> list[dict]:
    rows = []
    for _ in range(n):
        row = random_value(fields(config), rng)
        rows.append(row if row is not None else {name: None for name in fields(config)})
    return rows


@pytest.mark.parametrize("config", ROW_CONFIGS)
def test_arrow_labels_equal_the_python_encoder_on_random_rows(config):
    rng = random.Random(config)
    schema = write._bare_schema(config)
    for n in (0, 1, 7, 200):
        rows = random_rows(config, rng, n)
        array = pa.array(rows, type=write._raw_row_type(config))
        encoded = write._encode_labels(array, write._row_type(config), fields(config))
        table = pa.Table.from_batches([pa.RecordBatch.from_struct_array(encoded)], schema=schema)
        expected = python_table(config, rows)
        assert table.equals(expected)
        assert table.to_pylist() == expected.to_pylist()
        if n > 2:  # a slice of the rows (offsets into the buffers) gives the slice's ids
            part = write._encode_labels(array[2:], write._row_type(config), fields(config))
            assert part.to_pylist() == python_table(config, rows[2:]).to_pylist()


def label_paths(feature, path=()):
    if isinstance(feature, dict):
        for name, sub in feature.items():
            yield from label_paths(sub, (*path, name))
    elif isinstance(feature, Seq):
        yield from label_paths(feature.feature, (*path, []))
    elif isinstance(feature, Label):
        yield path


def with_value(feature, path, value):
    """A row (or sub-value) with ``value`` at ``path`` (a list step: a one-item list)."""
    if not path:
        return value
    step, rest = path[0], path[1:]
    if step == []:
        return [with_value(feature.feature, rest, value)]
    return {name: with_value(sub, rest, value) if name == step else None for name, sub in feature.items()}


@pytest.mark.parametrize("config", [c for c in ROW_CONFIGS if any(label_paths(fields(c)))])
def test_an_unknown_label_fails_loudly_as_before(config):
    for path in label_paths(fields(config)):
        row = with_value(fields(config), path, "not-a-label")
        with pytest.raises(KeyError):
            python_table(config, [row])
        with pytest.raises(KeyError, match="not-a-label"):
            write._encode_labels(pa.array([row], type=write._raw_row_type(config)), write._row_type(config),
                                 fields(config))
