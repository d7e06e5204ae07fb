"""A small logistic-regression learner on sparse string features, in pure Python.

Why not scikit-learn or spaCy's textcat: the coder's stance step scores (holder, target) pairs
from hand-made features, a few thousand per fold; a linear model over them trains in a second,
its weights are a JSON dict that can be shipped and diffed, and the base install stays as it
is (scikit-learn is a test extra only). Training is deterministic: examples are visited in an
order fixed by ``seed``, and the weights are rounded when saved.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass
class Logistic:
    """P(label = 1 | features) = sigmoid(sum of the features' weights)."""

    weights: dict[str, float] = field(default_factory=dict)

    def probability(self, features: Iterable[str]) -> float:
        w = self.weights
        return _sigmoid(sum(map(w.get, features, repeat(0.0))))  # the same sum as a loop, in C

    def to_json(self) -> dict[str, float]:
        return {f: round(v, 4) for f, v in sorted(self.weights.items()) if abs(v) >= 1e-4}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Logistic":
        return cls({str(k): float(v) for k, v in data.items()})


def train(examples: Sequence[tuple[Sequence[str], int]], epochs: int = 12, rate: float = 0.3, l2: float = 1e-4,
          positive_weight: float = 1.0, seed: int = 13) -> Logistic:
    """AdaGrad on the log loss with an L2 penalty (applied lazily to the features of each example).

    ``positive_weight`` scales the loss of the positive examples (rare classes). Deterministic:
    the same examples in the same order give the same weights.
    """
    weights: dict[str, float] = {}
    squares: dict[str, float] = {}
    order = list(range(len(examples)))
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            feats, label = examples[i]
            z = sum(weights.get(f, 0.0) for f in feats)
            g = _sigmoid(z) - label
            if label:
                g *= positive_weight
            for f in feats:
                w = weights.get(f, 0.0)
                grad = g + l2 * w
                s = squares.get(f, 0.0) + grad * grad
                squares[f] = s
                weights[f] = w - rate * grad / math.sqrt(s + 1e-8)
    return Logistic(weights)
