"""``load_corpus``: a consumer of the corpus run that keeps every valid document's records, in memory.

For what needs the records themselves (``export``, a notebook, a test): one run over the
corpus checks every document and hands back the records of the valid ones, each with the split
``build`` puts it in, and the report (the corpus-level checks included). Records are not
cached (the chunk cache holds tables): a large corpus is better read from a build
(``dataset.read.read_corpus``).
"""

from __future__ import annotations

from pathlib import Path

from builders.check.corpus import Report
from builders.dataset import splits
from builders.dataset.read import Corpus
from builders.run.engine import Engine
from builders.run.outcomes import Job
from builders.run.runner import CorpusRun


def load_corpus(paths: list[Path], level: int = 4, workers: int | None = None,
                engine: Engine | None = None) -> tuple[Corpus, Report]:
    """The valid documents under the paths (sorted by id, with their splits) and the run's report."""
    run = CorpusRun(paths, Job(level=level, records=True), workers=workers, engine=engine)
    docs = [doc for chunk in run.batches() for doc in chunk.records or []]
    report = run.finish()
    config = splits.load_config()
    assignment = splits.assign((f.doc_id for f in run.folders), config)
    return Corpus(sorted(docs, key=lambda d: d.doc_id), assignment, config.names), report
