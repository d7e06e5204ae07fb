"""Where the per-chunk step runs: this machine's worker processes (``local``) or a Dask cluster (``dask``).

Both engines map the same pure step (``pipeline.run_chunk``) over the same chunks and hand the
results back in corpus order, so the writer sees the same sequence of tables and writes the
same bytes whatever the engine, the number of workers or the order in which tasks finish.

The local engine is ``pipeline.process``'s own process pool (no object here). The Dask engine
lives in ``dask_engine`` and is imported only when it is chosen: the base install has no Dask.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, ContextManager, Protocol

ENGINES = ("local", "dask")
INSTALL_HINT = 'the dask engine needs the optional extra: pip install "geosignal[dask]"'
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"


class EngineError(Exception):
    """The engine cannot start: a missing extra, an unreachable scheduler, options that do not go together."""


class Engine(Protocol):
    """Runs ``fn(*args)`` for every args tuple, anywhere, and yields the results in the order given;
    ``lost(args, error)`` stands in for a call whose workers kept dying."""

    def map(self, fn: Callable[..., Any], calls: Iterable[tuple],
            lost: Callable[[tuple, BaseException], Any] | None = None) -> Iterator[Any]: ...


def scheduler_address(scheduler: str | None) -> str | None:
    """``--scheduler``, else ``DASK_SCHEDULER_ADDRESS``, else None (a LocalCluster)."""
    return scheduler or os.environ.get(SCHEDULER_ENV) or None


def open_engine(name: str, workers: int | None = None, scheduler: str | None = None, dashboard: bool = True,
                say: Callable[[str], None] | None = None) -> ContextManager[Engine | None]:
    """A context giving the engine to pass to ``build`` (None: the local pool), closed on exit.

    Raises ``EngineError`` before anything is started when the options do not fit the engine.
    """
    if name not in ENGINES:
        raise EngineError(f"unknown engine {name!r}: choose one of {', '.join(ENGINES)}")
    if name == "local":
        if scheduler:
            raise EngineError("--scheduler needs --engine dask")
        return nullcontext(None)
    address = scheduler_address(scheduler)
    if address and workers:
        raise EngineError(f"--workers sizes a LocalCluster; the scheduler at {address} has its own workers "
                          f"(drop --workers, or unset {SCHEDULER_ENV} for a LocalCluster)")
    try:
        import distributed  # noqa: F401 - only to know whether the extra is installed
    except ImportError:
        raise EngineError(INSTALL_HINT) from None
    return _dask(workers, address, dashboard, say)


@contextmanager
def _dask(workers: int | None, address: str | None, dashboard: bool, say: Callable[[str], None] | None):
    from builders.run.dask_engine import DaskEngine

    engine = DaskEngine(workers=workers, address=address, dashboard=dashboard)
    try:
        if say:
            say(engine.describe())
        yield engine
        if say:
            memory = engine.peak_memory()
            if memory:
                say("dask: peak memory per worker " + ", ".join(f"{mb:.0f} MB" for mb in memory.values()))
    finally:
        engine.close()
