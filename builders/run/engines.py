"""The engine a command names (``--engine local|dask``), opened for the length of a run.

``local`` is the runner's own default (this machine's worker processes): nothing to open. ``dask``
is a client of a running scheduler (``--scheduler``, else ``DASK_SCHEDULER_ADDRESS``) or of a
LocalCluster it starts and stops. Options that do not fit the engine, and a missing extra, are an
``EngineError`` before anything starts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from builders.formats import ENGINES
from builders.run.dask_engine import DaskEngine, dask_installed
from builders.run.engine import INSTALL_HINT, Engine, EngineError

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"


def scheduler_address(scheduler: str | None) -> str | None:
    """``--scheduler``, else ``DASK_SCHEDULER_ADDRESS``, else None (a LocalCluster)."""
    return scheduler or os.environ.get(SCHEDULER_ENV) or None


@contextmanager
def open_engine(name: str, workers: int | None = None, scheduler: str | None = None, dashboard: bool = True,
                say: Callable[[str], None] | None = None) -> Iterator[Engine | None]:
    """The engine to hand to a run (None: the runner's local pool), closed when the block ends;
    ``say`` gets the cluster, its dashboard link and, at the end, each worker's peak memory."""
    if name not in ENGINES:
        raise EngineError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
    if name == "local":
        if scheduler:
            raise EngineError("--scheduler needs --engine dask")
        yield None
        return
    address = scheduler_address(scheduler)
    if address and workers:
        raise EngineError(f"--workers sizes a LocalCluster; the scheduler at {address} has its own workers "
                          f"(drop --workers, or unset {SCHEDULER_ENV} for a LocalCluster)")
    if not dask_installed():
        raise EngineError(INSTALL_HINT)
    engine = DaskEngine(workers=workers, address=address, dashboard=dashboard)
    try:
        if say:
            say(engine.describe())
        yield engine
        if say and (memory := engine.peak_memory()):
            say("dask: peak memory per worker " + ", ".join(f"{mb:.0f} MB" for mb in memory.values()))
    finally:
        engine.close()
