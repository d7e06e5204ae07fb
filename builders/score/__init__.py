"""Scoring two annotations of the same documents, layer by layer: one measurement for agreement
between annotators (``geosignal agree``) and for a coder against the gold (``geosignal evaluate``)."""

from __future__ import annotations

from typing import Any

from builders.score.layers import DocView, Tally, score, score_pair, view
from builders.score.load import Side, load, pair, second_annotations
from builders.score.result import report

__all__ = ["DocView", "Side", "Tally", "compare", "load", "pair", "report", "score", "score_pair",
           "second_annotations", "view"]


def compare(prediction: Side, reference: Side, mode: str) -> dict[str, Any]:
    """Score the documents both sides hold; the report lists the ones only one side holds."""
    both, unpaired = pair(prediction, reference)
    tally = score((view(d, prediction.docs[d]), view(d, reference.docs[d])) for d in both)
    return report(tally, mode=mode, prediction=prediction.label, reference=reference.label, unpaired=unpaired)
