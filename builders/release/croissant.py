"""Croissant 1.1 JSON-LD (croissant.json) of a built folder, for Croissant-aware tools (MLCommons).

Everything is derived: one RecordSet per config with fields typed from its Features (label columns
are integers whose names are given in a ``sc:Enumeration`` RecordSet of their own), the Parquet
files actually written as FileObjects with sha256 (one FileSet per config reads them), a ``cr:Split``
RecordSet of the splits found among the files, and the responsible-AI statements of geosignal.toml.
No dates other than the version's release date: the file is byte-identical across rebuilds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from builders.files import FileEntry, file_entry
from builders.release.card import spdx_url
from builders.release.provenance import BuildInfo
from builders.release.metadata import bibtex, current_release_date, metadata
from builders.schema import ALL_CONFIGS, Label, Seq, Value, class_labels, columns, fields, label_descriptions

FILE = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
PARQUET = "application/x-parquet"
SPLITS = "splits"
SPLIT_URLS = {"train": "cr:TrainingSplit", "validation": "cr:ValidationSplit", "test": "cr:TestSplit"}
_SHARD = re.compile(r"^data/(?P<config>[^/]+)/(?P<split>[A-Za-z0-9_]+)-\d+-of-\d+\.parquet$")

# The official Croissant 1.1 @context (the specification's 1.1 example datasets, plus
# equivalentProperty as mlcroissant expects: a context missing any of these keys draws a warning).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "description": {"@container": "@language"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "name": {"@container": "@language"},
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def data_files(folder: Path) -> list[FileEntry]:
    """Every Parquet file written under ``folder``/data, with its size and sha256."""
    return [file_entry(folder, p) for p in sorted((folder / "data").rglob("*.parquet"))]


def split_of(path: str) -> tuple[str, str]:
    """(config, split) of a data file path such as ``data/entities/train-00000-of-00001.parquet``."""
    match = _SHARD.match(path)
    if match is None:
        raise ValueError(f"{path} is not named data/<config>/<split>-NNNNN-of-NNNNN.parquet")
    return match["config"], match["split"]


def _scalar_type(feature: Any) -> str:
    if isinstance(feature, Label):
        return "sc:Integer"
    types = {"string": "sc:Text", "large_string": "sc:Text", "bool": "sc:Boolean"}
    if isinstance(feature, Value):
        if feature.dtype in types:
            return types[feature.dtype]
        if feature.dtype.startswith(("int", "uint")):
            return "sc:Integer"
        if feature.dtype.startswith("float"):
            return "sc:Float"
    raise ValueError(f"no Croissant data type for the feature {feature!r}")


def labels_id(config: str, path: tuple[str, ...]) -> str:
    return ".".join((config, *path, "labels"))


def _field(fid: str, description: str, **rest: Any) -> dict[str, Any]:
    return {"@type": "cr:Field", "@id": fid, "name": fid.rsplit("/", 1)[-1],
            **({"description": description} if description else {}), **rest}


def _leaf(config: str, path: tuple[str, ...], feature: Any, description: str) -> dict[str, Any]:
    """A scalar field; label ids say which names they stand for."""
    if isinstance(feature, Label):
        names = ", ".join(f"{i} = {n}" for i, n in enumerate(feature.names))
        description = f"{description} Label id: {names} (record set {labels_id(config, path)})".strip()
    return {"description": description, "dataType": _scalar_type(feature)}


def _fields(config: str) -> list[dict[str, Any]]:
    """The config's columns as Croissant fields: structs as subFields, lists as isArray fields."""
    described = {row["column"]: row["description"] for row in columns(config)}
    source = {"fileSet": {"@id": f"{config}-parquet"}}
    out = []
    for name, feature in fields(config).items():
        fid = f"{config}/{name}"
        column = {**source, "extract": {"column": name}}
        is_list = isinstance(feature, Seq)
        inner = feature.feature if is_list else feature
        array = {"isArray": True, "arrayShape": "-1"} if is_list else {}
        if not isinstance(inner, dict):
            leaf = _leaf(config, (name,), inner, described.get(name, ""))
            out.append(_field(fid, leaf.pop("description"), **leaf, source=column, **array))
            continue
        subs = []
        for key, sub in inner.items():
            if isinstance(sub, (dict, Seq)):
                raise ValueError(f"{config}.{name}.{key}: Croissant fields nest one struct level here")
            leaf = _leaf(config, (name, key), sub, described.get(f"{name}{'[]' if is_list else ''}.{key}", ""))
            subs.append(_field(f"{fid}/{key}", leaf.pop("description"), **leaf,
                               source={**column, "transform": {"jsonPath": key}}))
        out.append(_field(fid, described.get(name, ""), **array, subField=subs))
    return out


def _split_field(config: str, splits: list[str]) -> dict[str, Any]:
    """The split of a record, from its file's path; it references the ``cr:Split`` record set.

    The regex also matches a bare split name: mlcroissant applies it again after the join.
    """
    names = "|".join(re.escape(s) for s in splits)
    regex = f"^(?:data/{re.escape(config)}/)?({names})(?:-[0-9]+-of-[0-9]+[.]parquet)?$"
    return _field(f"{config}/split", "The split the record belongs to.", dataType="sc:Text",
                  source={"fileSet": {"@id": f"{config}-parquet"}, "extract": {"fileProperty": "fullpath"},
                          "transform": {"regex": regex}},
                  references={"field": {"@id": f"{SPLITS}/name"}})


def _enumerations() -> list[dict[str, Any]]:
    """One categorical (sc:Enumeration) record set per label column, with its names inline."""
    out = []
    for config in ALL_CONFIGS:
        for path, label in class_labels(config):
            rid = labels_id(config, path)
            notes = label_descriptions(label.names)
            fields = [_field(f"{rid}/id", "The integer stored in the data.", dataType="sc:Integer"),
                      _field(f"{rid}/name", "The label name.", dataType="sc:Text")]
            if notes:
                fields.append(_field(f"{rid}/description", "What the label means.", dataType="sc:Text"))
            rows = [{f"{rid}/id": i, f"{rid}/name": n, **({f"{rid}/description": notes.get(n, "")} if notes else {})}
                    for i, n in enumerate(label.names)]
            out.append({"@type": "cr:RecordSet", "@id": rid, "name": rid, "dataType": "sc:Enumeration",
                        "description": f"Labels of {config}.{'.'.join(path)}.", "key": {"@id": f"{rid}/id"},
                        "field": fields, "data": rows})
    return out


def licence_works(meta: dict[str, Any], licences: Any = None) -> list[dict[str, Any]] | dict[str, Any]:
    """The dataset's licence; with ``licences`` (card.Licences), also one CreativeWork per licence
    of the documents the build holds, with their number."""
    dataset = {"@type": "sc:CreativeWork", "name": meta["license_name"],
               "description": meta["license_details"] + (f" {licences.summary()}" if licences else "")}
    if licences is None:
        return dataset
    return [dataset] + [
        {"@type": "sc:CreativeWork", "name": spdx, "description": f"{n} document(s) of this build.",
         **({"url": spdx_url(spdx)} if spdx_url(spdx) else {})}
        for spdx, n in sorted(licences.by_spdx.items())
    ]


def document(files: list[FileEntry], info: BuildInfo, languages: list[str], licences: Any = None) -> dict[str, Any]:
    """The Croissant description of a build whose data files are ``files``."""
    meta = metadata()["dataset"]
    by_config: dict[str, list[str]] = {}
    for path, _, _ in files:
        config, split = split_of(path)
        by_config.setdefault(config, []).append(split)
    order = {s: i for i, s in enumerate(SPLIT_URLS)}
    splits = sorted({s for ss in by_config.values() for s in ss}, key=lambda s: (order.get(s, len(order)), s))
    distribution: list[dict[str, Any]] = [
        {"@type": "cr:FileObject", "@id": path, "name": path, "contentUrl": path, "encodingFormat": PARQUET,
         "contentSize": f"{size} B", "sha256": sha}
        for path, size, sha in files
    ]
    distribution += [
        {"@type": "cr:FileSet", "@id": f"{config}-parquet", "name": f"{config}-parquet",
         "description": f"The Parquet files of the {config} config, one per split and shard.",
         "encodingFormat": PARQUET, "includes": f"data/{config}/*.parquet"}
        for config in ALL_CONFIGS if config in by_config
    ]
    split_set = {
        "@type": "cr:RecordSet", "@id": SPLITS, "name": SPLITS, "dataType": "cr:Split", "key": {"@id": f"{SPLITS}/name"},
        "description": "The splits of the dataset.",
        "field": [_field(f"{SPLITS}/name", "The split name used in the data file names.", dataType="sc:Text"),
                  _field(f"{SPLITS}/url", "The meaning of the split.", dataType="sc:URL")],
        "data": [{f"{SPLITS}/name": s, f"{SPLITS}/url": SPLIT_URLS.get(s, "cr:Split")} for s in splits],
    }
    record_sets = [split_set] + [
        {"@type": "cr:RecordSet", "@id": config, "name": config,
         "description": f"The {config} config: one record per row of data/{config}/*.parquet.",
         "field": [_split_field(config, sorted(set(by_config[config]))), *_fields(config)]}
        for config in ALL_CONFIGS if config in by_config
    ] + _enumerations()
    date = current_release_date()
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": meta["pretty_name"],
        "description": meta["summary"],
        "version": info.dataset_version,
        "license": licence_works(meta, licences),
        **({"url": meta["url"]} if meta.get("url") else {}),
        "creator": {"@type": "sc:Organization", "name": meta["creator"]},
        **({"datePublished": date} if date else {}),
        "citeAs": bibtex(info.dataset_version, date),
        "keywords": list(meta["tags"]),
        "inLanguage": languages,
        "isLiveDataset": False,
    }
    doc.update({f"rai:{key}": value for key, value in metadata().get("rai", {}).items()})
    doc["distribution"] = distribution
    doc["recordSet"] = record_sets
    return doc


def render(folder: Path, info: BuildInfo, languages: list[str], licences: Any = None) -> str:
    return json.dumps(document(data_files(folder), info, languages, licences), indent=2, ensure_ascii=False) + "\n"
