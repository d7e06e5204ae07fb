"""``stats`` of a corpus: a consumer of the corpus run that adds up every document's counts, in
total and by the split ``build`` puts each document in.

The counts are those of the records (level 3: the lints of level 4 do not change a record); a
corpus with errors has no statistics, its report says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from builders.check import level3
from builders.check.corpus import Report
from builders.dataset import splits
from builders.dataset.stats import empty, merge
from builders.run.engine import Engine
from builders.run.outcomes import Job
from builders.run.runner import CorpusRun


def corpus_stats(paths: list[Path], workers: int | None = None, cache: Path | None = None,
                 engine: Engine | None = None) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]], Report]:
    """(total, split -> counts, report) of the documents under the paths; the total is None when
    any document has an error. Every split of splits.toml is listed, empty ones included."""
    run = CorpusRun(paths, Job(level=level3.LEVEL, counts=True), workers=workers, cache=cache, engine=engine)
    assignment = splits.assign(f.doc_id for f in run.folders)
    total = empty()
    by_split = {name: empty() for name in dict.fromkeys([*splits.load_config().names, *assignment.values()])}
    for chunk in run.batches(assignment):
        if chunk.stats is not None:
            total = merge(total, chunk.stats)
        for name, counts in (chunk.split_stats or {}).items():
            by_split[name] = merge(by_split[name], counts)
    report = run.finish()
    return (total if report.ok else None), by_split, report
