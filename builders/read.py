"""A built dataset folder -> records with label names, for stats and tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .schema import CONFIGS, features


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


def read_dataset(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every config of a built folder, labels decoded to their names."""
    import pyarrow.parquet as pq

    out: dict[str, list[dict[str, Any]]] = {}
    for config in CONFIGS:
        feats = features(config)
        rows: list[dict[str, Any]] = []
        for path in sorted((folder / "data" / config).glob("*.parquet")):
            rows.extend(_decode(r, dict(feats)) for r in pq.read_table(path).to_pylist())
        out[config] = rows
    return out
