"""The JSON Schemas are the one source of truth: everything else is derived from them."""

from __future__ import annotations

import json

import datasets
import pytest
from jsonschema import Draft202012Validator

from builders import schema


@pytest.mark.parametrize("path", sorted(schema.schema_dir().glob("*.json")), ids=lambda p: p.name)
def test_every_schema_file_is_valid_draft_2020_12_with_id_and_version(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(doc)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert doc["$id"].endswith("/" + path.name)
    assert doc["version"] == schema.schema_version()


def enum_of(name, *path):
    node = schema.schemas()[name]
    for key in path:
        node = node[key]
    return [v for v in node["enum"] if v is not None]


@pytest.mark.parametrize(
    "config, feature_path, schema_path",
    [
        ("entities", ("type",), ("entity", "$defs", "entity_type")),
        ("entities", ("mentions", "kind"), ("entity", "$defs", "mention_kind")),
        ("events", ("type",), ("event", "$defs", "event_type")),
        ("events", ("realis",), ("event", "$defs", "realis")),
        ("events", ("modality",), ("event", "$defs", "modality")),
        ("events", ("arguments", "role"), ("event", "$defs", "role")),
        ("events", ("links", "type"), ("event", "$defs", "link_type")),
        ("stances", ("polarity",), ("stance", "$defs", "polarity")),
        ("stances", ("target_kind",), ("stance", "$defs", "target_kind")),
    ],
)
def test_class_labels_equal_schema_enums(config, feature_path, schema_path):
    feature = schema.features(config)
    for key in feature_path:
        feature = feature[key] if isinstance(feature, dict) else feature.feature[key]
    assert isinstance(feature, datasets.ClassLabel)
    assert feature.names == enum_of(*schema_path)


def test_every_enum_of_the_record_schemas_becomes_a_class_label():
    """No label column is left as a plain string."""
    def class_labels(feature):
        if isinstance(feature, datasets.ClassLabel):
            yield feature.names
        elif isinstance(feature, dict):
            for f in feature.values():
                yield from class_labels(f)
        elif isinstance(feature, datasets.List):
            yield from class_labels(feature.feature)

    derived = {tuple(names) for c in schema.CONFIGS for names in class_labels(schema.features(c))}
    # the enums of the record schema files, and the shared ones of common.schema.json they refer to
    defined = {tuple(labels) for name in [*schema.CONFIGS.values(), "common"] for _, labels in schema.walk_enums(name)}
    assert derived == defined


def test_record_columns_follow_schema_properties():
    for config, name in schema.ALL_CONFIGS.items():
        assert list(schema.features(config)) == list(schema.schemas()[name]["properties"])
        assert schema.arrow_schema(config).names == list(schema.schemas()[name]["properties"])


def test_annotation_schema_reuses_record_enums():
    """The annotation file's labels are $refs into the record schemas, never a second copy."""
    text = (schema.schema_dir() / "annotation.schema.json").read_text(encoding="utf-8")
    assert '"enum"' not in text
    v = schema.validator("annotation")
    bad = {"format": "geosignal-annotation/2", "document": {}, "entities": [
        {"id": "x", "name": "X", "type": "GEP", "kb_id": None, "mentions": ["X"]}], "events": [], "stances": []}
    assert any(e.validator == "enum" for e in v.iter_errors(bad))


def test_compiled_validator_agrees_with_jsonschema_on_every_annotation_in_the_repo():
    """The fast yes/no (jsonschema-rs) may skip jsonschema only where both give the same answer."""
    from pathlib import Path

    from builders.annotation.yamlio import YamlProblem, parse_yaml

    repo = Path(__file__).resolve().parent.parent
    checked = 0
    for path in sorted(repo.glob("corpus/*/annotation.yaml")) + sorted(repo.glob("tests/**/annotation.yaml")):
        try:
            parsed = parse_yaml(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, YamlProblem):
            continue
        fast = schema.checker("annotation")._fast  # noqa: SLF001
        slow_ok = not list(schema.validator("annotation").iter_errors(parsed.data))
        if not parsed.has_floats:
            assert fast.is_valid(parsed.data) == slow_ok, path
        assert (not list(schema.checker("annotation").iter_errors(parsed.data, floats=parsed.has_floats))) == slow_ok, path
        checked += 1
    assert checked >= 30


def test_one_call_over_a_documents_records_answers_as_the_record_by_record_check():
    """level3 checks all of a document's records in one compiled call and explains a 'no' record by
    record: the one call must say no exactly when some record breaks its schema."""
    import copy
    from pathlib import Path

    from builders.check import level3
    from builders.run.outcomes import Job
    from builders.run.step import step
    from builders.source.corpus import discover, read

    folders, _ = discover([Path(__file__).resolve().parent / "data" / "corpus"])
    records = step(read(folders[0]), Job()).records
    assert records is not None and records.events and records.entities
    valid = schema.records_valid()

    def per_record(recs):
        return not any(list(schema.checker(name).iter_errors(r)) for c, name in schema.CONFIGS.items()
                       for r in recs.config(c))

    assert valid({c: records.config(c) for c in schema.CONFIGS}) and per_record(records)
    assert level3.record_schema_findings(records, "x.yaml") == []
    breaks = [("documents", "text", 7), ("entities", "type", "NOT-A-TYPE"), ("events", "realis", None),
              ("events", "trigger", {"start": "0"}), ("entities", "unknown_field", 1)]
    for config, key, value in breaks:
        broken = copy.deepcopy(records)
        broken.config(config)[-1][key] = value
        assert not per_record(broken), (config, key)
        assert not valid({c: broken.config(c) for c in schema.CONFIGS}), (config, key)
        found = level3.record_schema_findings(broken, "x.yaml")
        assert found and {f.code for f in found} == {"record-schema"}, (config, key)
        assert all(f.message.startswith(f"{config} record") for f in found)


@pytest.mark.parametrize("config", list(schema.ALL_CONFIGS))
def test_the_forms_derived_without_datasets_equal_what_datasets_gives(config):
    """The build derives Arrow schemas, label names and the card's features from ``schema.fields``
    without importing ``datasets``: each form must be the one ``datasets.Features`` gives."""
    feats = schema.features(config)
    assert schema.features_dict(config) == feats.to_dict()
    assert schema.arrow_schema(config).equals(feats.arrow_schema, check_metadata=True)
    assert schema.arrow_schema(config).metadata == feats.arrow_schema.metadata
    info = datasets.DatasetInfo(features=feats, config_name=config)._to_yaml_dict()  # noqa: SLF001
    assert schema.features_yaml(config) == info["features"]
    from_datasets = []

    def walk(feature, path):
        if isinstance(feature, datasets.ClassLabel):
            from_datasets.append((path, tuple(feature.names)))
        elif isinstance(feature, dict):
            for name, sub in feature.items():
                walk(sub, (*path, name))
        elif isinstance(feature, datasets.List):
            walk(feature.feature, path)

    walk(dict(feats), ())
    assert [(path, label.names) for path, label in schema.class_labels(config)] == from_datasets
    for path, names in from_datasets:
        assert tuple(schema.label_names(config, *path)) == names


def test_build_does_not_import_datasets(tmp_path):
    """``geosignal build`` (cold, then warm from its cache) never imports ``datasets`` (~1.8 s a process)."""
    import subprocess
    import sys

    from conftest import CORPUS

    probe = ("import atexit, sys\n"
             "atexit.register(lambda: print('datasets imported:', 'datasets' in sys.modules))\n"
             "from builders import cli\n"
             "sys.argv = ['geosignal', *sys.argv[1:]]\n"
             "cli.run()\n")
    for workers in ("1", "2", "2"):  # the second 2-worker run is warm: every chunk from the cache
        ran = subprocess.run([sys.executable, "-c", probe, "build", "--corpus", str(CORPUS), "--out",
                              str(tmp_path / "dist"), "--workers", workers, "--cache", str(tmp_path / "cache")],
                             capture_output=True, text=True)
        assert ran.returncode == 0, ran.stderr
        assert "datasets imported: False" in ran.stdout, ran.stdout + ran.stderr
