"""``validate``: a consumer of the corpus run that keeps the findings only.

Every document is checked and every finding reported: one bad document never hides another.
The report keeps findings only, so memory stays flat however large the corpus. Documents named
one by one are still compared with every document of their corpus for duplicates (their
sources are hashed, not validated; the cache's fingerprint store keeps those git holds
unchanged by blob id).
"""

from __future__ import annotations

from pathlib import Path

from builders.check.corpus import Report
from builders.run.engine import Engine
from builders.run.outcomes import Job
from builders.run.runner import CorpusRun


def validate(paths: list[Path], level: int = 4, workers: int | None = None, cache: Path | None = None,
             engine: Engine | None = None) -> Report:
    """Validate every document under the paths up to ``level``; never raises for bad input."""
    run = CorpusRun(paths, Job(level=level), workers=workers, cache=cache, engine=engine)
    for _ in run.batches():
        pass
    return run.finish()
