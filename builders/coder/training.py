"""Everything the full coder learns from gold documents, in one call: the lexicon (names,
triggers, nominals; lexicon.learn) and then the stance model, trained on the training documents
as the coder analyses them with that lexicon (stances.train_stances). Cross-validation calls it
on the training folds only; ``python -m builders.coder.model`` on the whole gold corpus."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from builders.coder import analyse
from builders.coder.lexicon import Lexicon, learn
from builders.coder.stances import train_stances


def fit(gold: Sequence[dict[str, Any]]) -> Lexicon:
    """The full coder's lexicon learned from gold record dicts (never the scored documents)."""

    lexicon = learn(gold)
    docs = [(analyse(r["documents"][0]["text"], r["documents"][0], lexicon), r) for r in gold]
    return replace(lexicon, stance_model=train_stances(docs, lexicon))
