"""``stats`` of a corpus: a consumer of the corpus run that adds up every document's counts.

The counts are those of the records (level 3: the lints of level 4 do not change a record); a
corpus with errors has no statistics, its report says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from builders.check import level3
from builders.check.corpus import Report
from builders.dataset.stats import empty, merge
from builders.run.engine import Engine
from builders.run.outcomes import Job
from builders.run.runner import CorpusRun


def corpus_stats(paths: list[Path], workers: int | None = None, cache: Path | None = None,
                 engine: Engine | None = None) -> tuple[dict[str, Any] | None, Report]:
    """The statistics of the documents under the paths (None when any has an error), and the report."""
    run = CorpusRun(paths, Job(level=level3.LEVEL, counts=True), workers=workers, cache=cache, engine=engine)
    total = empty()
    for chunk in run.batches():
        if chunk.stats is not None:
            total = merge(total, chunk.stats)
    report = run.finish()
    return (total if report.ok else None), report
