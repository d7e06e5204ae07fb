"""Where the per-chunk step runs: the seam between the corpus runner and the machines.

An engine maps a function over calls (argument tuples) and yields the results in the order of
the calls, whatever order they finish in; that order is what makes every build byte-identical
whatever the engine or the number of workers. The runner (runner.py) hands every engine the
same chunks and the same step, and its consumers (validate, build, stats, export) never see
which engine ran it. Two engines live here: ``Serial`` (this process) and ``LocalPool`` (this
machine's worker processes); a Dask cluster's (dask_engine.py) implements the same ``map``, and
engines.py opens the one a command names.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol

from builders.run import gctune

WINDOW = 8  # calls in flight per worker: bounds memory whatever the corpus size
INSTALL_HINT = 'the dask engine needs the optional extra: pip install "geosignal[dask]"'


class EngineError(Exception):
    """An engine cannot start: a missing extra, an unreachable scheduler, options that do not go together."""


class Engine(Protocol):
    """Runs ``fn(*call)`` for every call, anywhere, and yields the results in the order given;
    ``lost(call, error)`` may stand in for a call an engine could not get done (its workers died)."""

    def map(self, fn: Callable[..., Any], calls: Iterable[tuple],
            lost: Callable[[tuple, BaseException], Any] | None = None) -> Iterator[Any]: ...


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Serial:
    """Every call in this process, one after the other."""

    def map(self, fn: Callable[..., Any], calls: Iterable[tuple],
            lost: Callable[[tuple, BaseException], Any] | None = None) -> Iterator[Any]:
        for call in calls:
            yield fn(*call)


class LocalPool:
    """This machine's worker processes, at most ``WINDOW`` calls each in flight.

    ``preload`` runs once in this process before the workers fork (spaCy's pipeline, when every
    chunk will need it), so that they inherit it instead of each loading it.
    """

    def __init__(self, workers: int | None = None, preload: Callable[[], Any] | None = None) -> None:
        self.workers = workers or default_workers()
        self.preload = preload

    def map(self, fn: Callable[..., Any], calls: Iterable[tuple],
            lost: Callable[[tuple, BaseException], Any] | None = None) -> Iterator[Any]:
        calls = list(calls)
        if self.preload is not None and calls:  # loaded, then frozen with the rest (also for one worker)
            self.preload()
            gctune.refreeze()
        if self.workers <= 1 or len(calls) <= 1:
            yield from Serial().map(fn, calls)
            return
        with ProcessPoolExecutor(max_workers=self.workers, initializer=gctune.worker_init) as pool:
            pending: deque = deque()
            for call in calls:
                pending.append(pool.submit(fn, *call))
                if len(pending) >= self.workers * WINDOW:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
