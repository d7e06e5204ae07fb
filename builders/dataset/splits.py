"""Document-level train / validation / test assignment, by a stable hash of the doc id.

The ratios and the small-corpus rule are in ``splits.toml`` (its comments say why they are as
they are). Every config of the built dataset uses this one assignment, so no document's text
appears in two splits.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Iterable

from builders.files import project_file

TRAIN = "train"
_SPLIT_NAME = re.compile(r"^\w+(\.\w+)*$")  # what datasets accepts as a split name


class SplitConfigError(ValueError):
    """splits.toml is malformed: a maintainer's mistake, reported before anything is written."""


@dataclass(frozen=True)
class SplitConfig:
    ratios: tuple[tuple[str, float], ...]  # in file order: the order of the hash intervals
    min_documents: int

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.ratios]


def config_path() -> Path:
    """splits.toml of a source checkout, or the copy packaged inside an installed wheel."""
    return project_file("splits.toml")


def parse_config(text: str) -> SplitConfig:
    """Check and read the TOML text of a split configuration."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SplitConfigError(f"splits.toml is not valid TOML: {exc}") from None
    ratios = data.get("ratios")
    minimum = data.get("min_documents", 0)
    if not isinstance(ratios, dict) or not ratios:
        raise SplitConfigError("splits.toml needs a [ratios] table, e.g. train = 0.8")
    for name, value in ratios.items():
        if not _SPLIT_NAME.match(name):
            raise SplitConfigError(f"splits.toml: {name!r} is not a valid split name")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise SplitConfigError(f"splits.toml: the ratio of {name!r} must be a number above 0")
    if TRAIN not in ratios:
        raise SplitConfigError("splits.toml: [ratios] must have a train split")
    if abs(sum(ratios.values()) - 1) > 1e-9:
        raise SplitConfigError(f"splits.toml: the ratios add up to {sum(ratios.values())}, not 1")
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
        raise SplitConfigError("splits.toml: min_documents must be a whole number, 0 or more")
    return SplitConfig(tuple((n, float(v)) for n, v in ratios.items()), minimum)


@cache
def load_config() -> SplitConfig:
    return parse_config(config_path().read_text(encoding="utf-8"))


def position(doc_id: str) -> float:
    """Where a doc id falls in [0, 1): its sha256, independent of Python's hash seed and platform."""
    return int.from_bytes(hashlib.sha256(doc_id.encode("utf-8")).digest()[:8], "big") / 2**64


def split_of(doc_id: str, config: SplitConfig) -> str:
    """The split the hash gives a document (the small-corpus rule aside)."""
    x, upper = position(doc_id), 0.0
    for name, ratio in config.ratios:
        upper += ratio
        if x < upper:
            return name
    return config.ratios[-1][0]  # x within rounding of 1.0


def assign(doc_ids: Iterable[str], config: SplitConfig | None = None) -> dict[str, str]:
    """doc id -> split for a whole corpus; everything is train below ``min_documents``."""
    config = config or load_config()
    ids = list(doc_ids)
    if len(set(ids)) < config.min_documents:
        return {doc_id: TRAIN for doc_id in ids}
    return {doc_id: split_of(doc_id, config) for doc_id in ids}
