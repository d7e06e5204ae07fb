"""The full coder's learned part as one file, and the back-ends ``geosignal code --model`` selects.

``python -m builders.coder.model GOLD_CORPUS [OUT]`` learns from every gold document of
GOLD_CORPUS what cross-validation learns from the training folds (``training.fit``: the names,
triggers and nominals of the lexicon, then the stance model) and writes it as JSON, by default
to builders/coder/data/model.json, the model shipped with the package. Training is
deterministic, so the same gold gives the same bytes; the file records the gold it was
trained on (documents and a fingerprint of their annotations).

``--model`` of ``geosignal code``:

- ``builtin`` (the default): data/model.json, dictionaries + what the gold taught;
- ``none``: the dictionary-only coder (the README's baseline);
- a path to a model file written by this script;
- a spaCy pipeline (an installed package name or a directory) whose named-entity recogniser
  adds the mentions the dictionaries miss, on top of the builtin model: the one place a
  stronger back-end plugs in (``Lexicon.recognizer``, text -> spans; nothing else changes).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from builders.coder.crossval import load_gold
from builders.coder.lexicon import DATA, Lexicon, Name, TriggerEntry
from builders.coder.stances import StanceModel
from builders.coder.training import fit

FORMAT = "geosignal-coder-model/1"
BUILTIN = DATA / "model.json"
SPACY_TYPES = {"PERSON": "PER", "ORG": "ORG", "GPE": "GPE", "NORP": "GPE", "LOC": "LOC", "FAC": "FAC",
               "PER": "PER", "VEH": "VEH", "WEA": "WEA"}  # spaCy's OntoNotes labels (and GeoSignal's own) -> types


class ModelError(ValueError):
    """A --model that cannot be used (missing, not a model file, an unloadable pipeline)."""


def to_json(lexicon: Lexicon, trained_on: dict[str, Any]) -> str:
    """The learned part of ``lexicon`` as canonical JSON text (sorted keys, one line per table row)."""
    if lexicon.stance_model is None:
        raise ModelError("the lexicon has no stance model: train it with training.fit")
    data = {
        "format": FORMAT,
        "trained_on": trained_on,
        "names": {k: [n.key, n.name, n.type, n.kb_id] for k, n in sorted(lexicon.names.items())},
        "triggers": {k: [t.type, t.cameo] for k, t in sorted(lexicon.triggers.items())},
        "blocked": sorted(lexicon.blocked),
        "nominals": {k: list(v) for k, v in sorted(lexicon.nominals.items())},
        "stances": dict(sorted(lexicon.stances.items())),
        "stance_model": lexicon.stance_model.to_json(),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n"


def from_json(text: str, where: str = "model") -> Lexicon:
    """A model file's text -> the full coder's lexicon; anything else is a ModelError."""
    try:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ModelError(f"{where} is not a GeoSignal coder model (format {data.get('format')!r}, expected {FORMAT})")
        return Lexicon(
            names={k: Name(*v) for k, v in data["names"].items()},
            triggers={k: TriggerEntry(*v) for k, v in data["triggers"].items()},
            blocked=frozenset(data["blocked"]),
            nominals={k: tuple(v) for k, v in data["nominals"].items()},
            stances=dict(data["stances"]),
            learned=True,
            stance_model=StanceModel.from_json(data["stance_model"]),
        )
    except ModelError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(f"{where} is not a readable coder model: {type(exc).__name__}: {exc}") from None


def fingerprint(docs: list[Any]) -> dict[str, Any]:
    """What a model was trained on: the number of gold documents and a SHA-256 over their ids and
    record texts (so two models from the same gold can be compared)."""
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda d: d.doc_id):
        h.update(d.doc_id.encode() + b"\0")
        h.update(json.dumps([d.records[k] for k in ("entities", "events", "stances")], sort_keys=True,
                            ensure_ascii=False, default=str).encode() + b"\0")
    return {"documents": len(docs), "sha256": h.hexdigest()}


def train(corpus: Path) -> str:
    """The model text learned from every gold document of ``corpus``."""
    docs, findings = load_gold(corpus)
    if findings:
        raise ModelError(f"{corpus}: {len(findings)} problem(s) in the gold, first: {findings[0].message}")
    if len(docs) < 4:
        raise ModelError(f"{corpus}: {len(docs)} gold document(s); a model needs at least 4")
    return to_json(fit([d.records for d in docs]), fingerprint(docs))


def spacy_recognizer(name: str) -> Callable[[str], list[tuple[int, int, str]]]:
    """Entity spans (start, end, GeoSignal type) from a spaCy pipeline the user has installed."""
    import spacy

    try:
        nlp = spacy.load(name)
    except (OSError, ValueError, ImportError) as exc:
        raise ModelError(f"--model {name}: not a model file, 'builtin', 'none' or a loadable spaCy pipeline ({exc})") from None
    if not nlp.has_pipe("ner") and not nlp.has_pipe("entity_ruler"):
        raise ModelError(f"--model {name}: the spaCy pipeline has no named-entity component (ner or entity_ruler)")

    def recognize(text: str) -> list[tuple[int, int, str]]:
        return [(e.start_char, e.end_char, SPACY_TYPES[e.label_]) for e in nlp(text).ents if e.label_ in SPACY_TYPES]

    return recognize


def load(spec: str | None) -> Lexicon:
    """The lexicon ``--model SPEC`` names (None: builtin)."""
    spec = spec or "builtin"
    if spec == "none":
        return Lexicon()
    if spec == "builtin":
        if not BUILTIN.is_file():
            raise ModelError(f"the builtin model {BUILTIN} is missing: run `python -m builders.coder.model corpus`")
        return from_json(BUILTIN.read_text(encoding="utf-8"), "the builtin model")
    path = Path(spec)
    if path.is_file():
        return from_json(path.read_text(encoding="utf-8"), spec)
    return replace(load("builtin"), recognizer=spacy_recognizer(spec))


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help") or len(argv) > 2:
        print("usage: python -m builders.coder.model GOLD_CORPUS [OUT]  (OUT: builders/coder/data/model.json)")
        return 2
    out = Path(argv[1]) if len(argv) > 1 else BUILTIN
    try:
        text = train(Path(argv[0]))
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(out)
    print(f"wrote {out} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
