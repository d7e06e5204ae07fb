"""A tally -> the JSON report (``geosignal-scores/1``): the one shape the table, the datasheet and
tests read."""

from __future__ import annotations

from typing import Any

from builders.score.layers import ACCURACIES, DECISIONS, FORMAT, PRF_LAYERS, Tally
from builders.score.metrics import agreement

NOT_AVAILABLE = "n/a"


def report(tally: Tally, *, mode: str, prediction: str, reference: str,
           unpaired: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Every layer's precision, recall, F1 and support (micro-averaged over documents), per label
    where the layer has labels; accuracies and chance-corrected agreement over aligned items."""
    times_ok = len(tally.documents) > len(tally.times_missing)
    layers: dict[str, Any] = {}
    for layer, (matches, label_kind) in PRF_LAYERS.items():
        if layer.startswith("times") and not times_ok:
            layers[layer] = {"status": NOT_AVAILABLE, "reason": _times_reason(tally)}
            continue
        entry: dict[str, Any] = {}
        for match in matches:
            scores = tally.counts[(layer, match)].as_dict()
            if label_kind:
                per = tally.labels[(layer, match)]
                scores["labels"] = {label: per[label].as_dict() for label in sorted(per)}
            entry[match] = scores
        if label_kind:
            entry["label_kind"] = label_kind
        if layer.startswith("times") and tally.times_missing:
            entry["note"] = _times_reason(tally)
        layers[layer] = entry
    accuracies: dict[str, Any] = {}
    for name, over in ACCURACIES.items():
        if name.startswith("times") and not times_ok:
            accuracies[name] = {"status": NOT_AVAILABLE, "reason": _times_reason(tally)}
        else:
            accuracies[name] = {**tally.accuracies[name].as_dict(), "over": over}
            if name.startswith("times") and tally.times_missing:
                accuracies[name]["note"] = _times_reason(tally)
    return {
        "format": FORMAT,
        "mode": mode,
        "prediction": prediction,
        "reference": reference,
        "documents": sorted(tally.documents),
        "unpaired": unpaired or {"prediction_only": [], "reference_only": []},
        "layers": layers,
        "accuracy": accuracies,
        "agreement": {name: agreement(tally.decisions[name]) for name in DECISIONS},
    }


def _times_reason(tally: Tally) -> str:
    if not tally.documents:
        return "no documents were scored"
    missing = sorted(tally.times_missing)
    return (f"{len(missing)} of {len(tally.documents)} document(s) lack a times layer on one side "
            f"({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''}); times are scored over "
            "the documents that have it on both sides")
