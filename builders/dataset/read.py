"""A built dataset folder -> records with label names, for stats and tests."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from builders.schema import ALL_CONFIGS, features


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
