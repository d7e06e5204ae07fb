"""croissant.json as Croissant tools read it: mlcroissant validates it and reads every record set, offline."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest

from builders.release.croissant import CONFORMS_TO, labels_id
from builders.release.metadata import metadata
from builders.schema import ALL_CONFIGS as CONFIGS, class_labels, features

pytestmark = [  # mlcroissant's dependencies warn about their own dependencies; nothing of ours
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.reset_index is deprecated"),
]


@pytest.fixture(scope="module")
def doc(built) -> dict[str, Any]:
    return json.loads((built / "croissant.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def records(built) -> dict[str, list[dict[str, Any]]]:
    dataset = mlc.Dataset(str(built / "croissant.json"))
    return {rs.uuid: list(dataset.records(rs.uuid)) for rs in dataset.metadata.record_sets}


def test_mlcroissant_validate_passes_without_warnings(built):
    cmd = Path(sys.executable).with_name("mlcroissant")
    result = subprocess.run([str(cmd), "validate", "--jsonld", str(built / "croissant.json")], capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Done." in output and "warning" not in output.lower() and "error" not in output.lower()


def plain(value: Any) -> Any:
    """mlcroissant's record values with ids shortened to names and text decoded, to compare with Parquet rows."""
    if isinstance(value, dict):
        out = {k.rsplit("/", 1)[-1]: plain(v) for k, v in value.items()}
        # Croissant has no null struct: mlcroissant reads a null struct (a document without an
        # author or provenance) as one whose fields are all null; a struct's own fields are never
        # all null in our records (each has a required non-null field), so this maps back exactly
        return None if out and all(v is None for v in out.values()) else out
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.decode("utf-8") if isinstance(value, bytes) else value


@pytest.mark.parametrize("config", list(CONFIGS))
def test_every_config_record_set_reads_the_parquet_rows(built, records, config):
    expected = [row for path in sorted((built / "data" / config).glob("*.parquet")) for row in pq.read_table(path).to_pylist()]
    got = [plain(r) for r in records[config]]
    assert len(got) == len(expected) > 0
    assert {r.pop("split") for r in got} == {"train"}
    assert got == expected


def test_every_record_set_reads(records, doc):
    assert set(records) == {rs["@id"] for rs in doc["recordSet"]}
    assert all(records[name] for name in records)
    assert [plain(r) for r in records["splits"]] == [{"name": "train", "url": "cr:TrainingSplit"}]


def test_label_record_sets_name_every_class_label(records, doc):
    fields = {f["@id"]: f for rs in doc["recordSet"] for f in rs["field"]}
    fields.update({s["@id"]: s for f in list(fields.values()) for s in f.get("subField", [])})
    n = 0
    for config in CONFIGS:
        for path, label in class_labels(config):
            rows = sorted((r[f"{labels_id(config, path)}/id"], plain(r[f"{labels_id(config, path)}/name"]))
                          for r in records[labels_id(config, path)])
            assert rows == list(enumerate(label.names))
            field = fields["/".join((config, *path))]
            assert field["dataType"] == "sc:Integer" and f"0 = {label.names[0]}" in field["description"]
            n += 1
    assert n >= 8


def test_fields_follow_the_features(doc):
    for config in CONFIGS:
        rs = next(r for r in doc["recordSet"] if r["@id"] == config)
        assert [f["name"] for f in rs["field"]] == ["split", *features(config)]
    events = next(r for r in doc["recordSet"] if r["@id"] == "events")
    arguments = next(f for f in events["field"] if f["name"] == "arguments")
    assert arguments["isArray"] is True and [s["name"] for s in arguments["subField"]] == list(features("events")["arguments"].feature)
    trigger = next(f for f in events["field"] if f["name"] == "trigger")
    assert "isArray" not in trigger and {s["dataType"] for s in trigger["subField"]} == {"sc:Integer", "sc:Text"}


def test_file_objects_are_the_parquet_files_with_sha256(built, doc):
    objects = {d["contentUrl"]: d for d in doc["distribution"] if d["@type"] == "cr:FileObject"}
    files = {p.relative_to(built).as_posix(): p for p in (built / "data").rglob("*.parquet")}
    assert set(objects) == set(files)
    for path, obj in objects.items():
        assert obj["sha256"] == hashlib.sha256(files[path].read_bytes()).hexdigest()
        assert obj["encodingFormat"] == "application/x-parquet"


def test_dataset_level_metadata_and_responsible_ai_fields(doc):
    assert doc["conformsTo"] == CONFORMS_TO and doc["@type"] == "sc:Dataset"
    assert doc["citeAs"].startswith("@misc{") and doc["license"][0]["name"]
    # then one CreativeWork per licence of the build's documents, with their number
    assert all(w["@type"] == "sc:CreativeWork" and "document(s) of this build" in w["description"] for w in doc["license"][1:])
    assert len(doc["license"]) > 1
    rai = {k.removeprefix("rai:") for k in doc if k.startswith("rai:")}
    assert {"dataCollection", "dataBiases", "dataLimitations", "dataUseCases", "personalSensitiveInformation",
            "dataAnnotationProtocol"} <= rai
    assert rai == set(metadata()["rai"])
