"""A built dataset folder -> records with label names (stats, export, evaluate), and ``Corpus``:
documents' records with their splits, whether read from a build or from the corpus (run/load.py)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builders.annotation.records import DocRecords
from builders.dataset.splits import load_config
from builders.schema import ALL_CONFIGS, CONFIGS, features


@dataclass
class Corpus:
    """Documents (sorted by id) with their split: what the exporters read."""

    docs: list[DocRecords]
    splits: dict[str, str]  # doc id -> split
    split_names: list[str]  # in the order of splits.toml

    def by_split(self) -> dict[str, list[DocRecords]]:
        parts = {name: [d for d in self.docs if self.splits[d.doc_id] == name] for name in self.split_names}
        return {name: docs for name, docs in parts.items() if docs}


def _decode(value: Any, feature: Any) -> Any:
    import datasets

    if value is None:
        return None
    if isinstance(feature, datasets.ClassLabel):
        return feature.int2str(value)
    if isinstance(feature, dict):
        return {k: _decode(value[k], f) for k, f in feature.items()}
    if isinstance(feature, datasets.List):
        return [_decode(v, feature.feature) for v in value]
    return value


def read_splits(folder: Path) -> dict[str, str]:
    """doc id -> split of a built folder, from the file each document row is in."""
    import pyarrow.parquet as pq

    out: dict[str, str] = {}
    for path in sorted((folder / "data" / "documents").glob("*.parquet")):
        split = path.name.split("-")[0]
        out.update({doc_id: split for doc_id in pq.read_table(path, columns=["doc_id"]).column("doc_id").to_pylist()})
    return out


def read_dataset(folder: Path, configs: Iterable[str] = ALL_CONFIGS) -> dict[str, list[dict[str, Any]]]:
    """Every config (records and views; or only ``configs``) of a built folder, labels decoded to their names."""
    import pyarrow.parquet as pq

    out: dict[str, list[dict[str, Any]]] = {}
    for config in configs:
        feats = features(config)
        rows: list[dict[str, Any]] = []
        for path in sorted((folder / "data" / config).glob("*.parquet")):
            rows.extend(_decode(r, dict(feats)) for r in pq.read_table(path).to_pylist())
        out[config] = rows
    return out


def group(rows: dict[str, list[dict]]) -> list[DocRecords]:
    """Rows of the record configs -> one DocRecords per document, sorted by doc id."""
    docs: dict[str, DocRecords] = {}
    for config in CONFIGS:
        for row in rows.get(config, []):
            docs.setdefault(row["doc_id"], DocRecords(row["doc_id"])).config(config).append(row)
    return [docs[k] for k in sorted(docs)]


def read_corpus(folder: Path) -> Corpus:
    """The records of a built dataset folder, each document in the split it was built into."""
    splits = read_splits(folder)
    names = load_config().names
    names += sorted(set(splits.values()) - set(names))
    return Corpus(group(read_dataset(folder)), splits, names)
