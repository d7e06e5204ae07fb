"""Counts -> precision, recall, F1; chance-corrected agreement (Cohen's kappa, Krippendorff's alpha).

Pure arithmetic, no matching: the layers module decides what a true positive is. An undefined
figure (0/0) is None, never 0 or 1, so an empty layer is reported as n/a and not as perfect.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class Counts:
    """Matched pairs (tp), predicted items and reference items of one layer or label."""

    tp: int = 0
    predicted: int = 0
    reference: int = 0

    def add(self, tp: int, predicted: int, reference: int) -> None:
        self.tp += tp
        self.predicted += predicted
        self.reference += reference

    def as_dict(self) -> dict[str, Any]:
        return {**prf(self.tp, self.predicted, self.reference), "tp": self.tp,
                "predicted": self.predicted, "support": self.reference}


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def prf(tp: int, predicted: int, reference: int) -> dict[str, float | None]:
    """P = tp/predicted, R = tp/reference, F1 = 2tp/(predicted+reference) (symmetric in the sides)."""
    return {"precision": _ratio(tp, predicted), "recall": _ratio(tp, reference),
            "f1": _ratio(2 * tp, predicted + reference)}


@dataclass
class Accuracy:
    """Agreement of an attribute over matched pairs: the share of pairs with equal values."""

    agree: int = 0
    items: int = 0

    def add(self, same: bool) -> None:
        self.agree += bool(same)
        self.items += 1

    def as_dict(self) -> dict[str, Any]:
        return {"accuracy": _ratio(self.agree, self.items), "agree": self.agree, "items": self.items}


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen (1960): (p_o - p_e) / (1 - p_e), p_e from each coder's own label distribution.

    None when there are no pairs or chance agreement is certain (both coders used one label).
    """
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data, any number of coders, missing values as None.

    The textbook computation (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"):
    a coincidence matrix o_ck, each unit with m >= 2 values adding 1/(m-1) per ordered pair of
    its values; n_c = sum_k o_ck, n = sum n_c; alpha = 1 - (n-1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k.
    None when no unit is pairable or every value is the same (no expected disagreement).
    """
    coincidences: Counter[tuple[Hashable, Hashable]] = Counter()
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidences[(c, k)] += 1 / (m - 1)
    totals: Counter[Hashable] = Counter()
    for (c, _), value in coincidences.items():
        totals[c] += value
    n = sum(totals.values())
    disagree = sum(v for (c, k), v in coincidences.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if not expected:
        return None
    return 1 - (n - 1) * disagree / expected


def agreement(pairs: Sequence[tuple[Hashable, Hashable]]) -> dict[str, Any]:
    """Observed agreement, kappa and alpha of one label decision over matched items."""
    n = len(pairs)
    return {"items": n, "observed": _ratio(sum(a == b for a, b in pairs), n),
            "kappa": cohen_kappa(pairs), "alpha": krippendorff_alpha(pairs),
            "labels": sorted({str(v) for pair in pairs for v in pair})}
