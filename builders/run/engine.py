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
    chunk will need it), so that they inherit it instead of each loading it. ``start`` launches
    the workers before there is work for them, each running ``warm`` first (spaCy's pipeline, when
    this process will not need it): their start then overlaps whatever this process does until
    ``map`` (a warm rebuild: hashing the files, reading the cached chunks). ``close`` ends them.
    """

    def __init__(self, workers: int | None = None, preload: Callable[[], Any] | None = None) -> None:
        self.workers = workers or default_workers()
        self.preload = preload
        self._pool: ProcessPoolExecutor | None = None

    def start(self, warm: Callable[[], Any] | None = None) -> "LocalPool":
        """Launch the workers now (forked at the first submission: a call that does nothing)."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_worker_start, initargs=(warm,))
            self._pool.submit(_nothing)
        return self

    def close(self) -> None:
        """End the started workers now, whatever they are doing (a worker still loading what ``warm``
        loads, for a rebuild that needed none, would otherwise hold up this process's exit)."""
        if self._pool is not None:
            for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                process.terminate()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map(self, fn: Callable[..., Any], calls: Iterable[tuple],
            lost: Callable[[tuple, BaseException], Any] | None = None) -> Iterator[Any]:
        if self._pool is not None:  # started: the calls go to its workers, however few
            return Ordered(self._pool, fn, list(calls), self.workers * WINDOW)
        return self._map(fn, calls)

    def _map(self, fn: Callable[..., Any], calls: Iterable[tuple]) -> Iterator[Any]:
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


class Ordered:
    """Calls submitted to a started pool a window at a time, results in the order of the calls;
    ``ready()`` says whether the next result is done (the runner reads cached chunks meanwhile)."""

    def __init__(self, pool: ProcessPoolExecutor, fn: Callable[..., Any], calls: list[tuple], window: int) -> None:
        self.pool, self.fn, self.window = pool, fn, window
        self.calls = iter(calls)
        self.pending: deque = deque()
        self._fill()

    def _fill(self) -> None:
        while len(self.pending) < self.window and (call := next(self.calls, None)) is not None:
            self.pending.append(self.pool.submit(self.fn, *call))

    def ready(self) -> bool:
        return bool(self.pending) and self.pending[0].done()

    def __iter__(self) -> "Ordered":
        return self

    def __next__(self) -> Any:
        if not self.pending:
            raise StopIteration
        result = self.pending.popleft().result()
        self._fill()
        return result


def _nothing() -> None:
    return None


def _worker_start(warm: Callable[[], Any] | None) -> None:
    gctune.worker_init()
    if warm is not None:
        warm()
        gctune.worker_init()  # what it loaded is frozen too
