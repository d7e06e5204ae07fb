"""The garbage collector during a run over the corpus: freeze what is loaded, then collect less often.

A build allocates millions of short-lived container objects (parsed YAML, records, token rows)
and almost no reference cycles, so with CPython's default generation-0 threshold (700) the
collector runs tens of thousands of times and walks every long-lived object (modules, schemas,
spaCy's tables) again and again: it was ~40% of a build's CPU (issue 19). While a run is on:

- ``gc.freeze()`` moves everything alive now (imports, the spaCy pipeline loaded before the
  first document, ``refreeze``) to a permanent generation the collector never walks; forked
  workers inherit it, and the copy-on-write pages stay shared;
- the generation-0 threshold is raised to ``THRESHOLD``, so cycles are still collected, in
  fewer, larger passes.

Nothing about the output depends on when the collector runs (tests/test_gctune.py compares the
bytes). The previous settings come back when the run ends.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

THRESHOLD = 50_000  # allocations between generation-0 collections (CPython's default: 700)
ENABLED = True  # benchmarks/build.py turns it off to measure the difference in the same run

_depth = 0
T = TypeVar("T")


@contextmanager
def tuned() -> Iterator[None]:
    """Freeze what is alive and raise the generation-0 threshold until the block ends (re-entrant)."""
    global _depth
    if not ENABLED or _depth:
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
        return
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(THRESHOLD, before[0]), *before[1:])
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        gc.set_threshold(*before)
        gc.unfreeze()


def refreeze() -> None:
    """Inside a run, freeze again what was loaded since it began (the spaCy pipeline, loaded for
    the first document that needs it), so that the collector does not walk that either."""
    if ENABLED and _depth:
        gc.freeze()


def worker_init() -> None:
    """Process-pool initializer: a worker keeps the settings whatever the start method (a forked
    worker inherits them anyway; a spawned one would not)."""
    if ENABLED:
        gc.freeze()
        gc.set_threshold(max(THRESHOLD, gc.get_threshold()[0]), *gc.get_threshold()[1:])


def during(generator: Callable[..., Iterator[T]]) -> Callable[..., Iterator[T]]:
    """Run a generator function with the collector tuned for as long as it is being consumed."""

    @functools.wraps(generator)
    def wrapper(*args, **kwargs) -> Iterator[T]:
        with tuned():
            yield from generator(*args, **kwargs)

    return wrapper
