"""The Dask engine: the per-chunk step as Dask futures on a LocalCluster or a running scheduler.

Dask itself is imported only when this engine is started (it needs ``pip install "geosignal[dask]"``):
importing this module costs nothing, and the base install never loads Dask.

Order and naming are made deterministic here, not left to Dask: one task per chunk (chunks are
cut by doc id, so they are the same on every engine), results taken back in submission order
whatever order they finish in, and at most ``WINDOW`` tasks per worker thread in flight, so
memory stays flat on the client and on the workers however large the input. Task keys carry a
random run id: two builds sharing a scheduler never share results. A worker that dies is
replaced (LocalCluster's nanny) and its tasks recomputed by the scheduler; a chunk that kills
``distributed.scheduler.allowed-failures`` workers in a row comes back as findings on its
documents, never as a failed job.

Workers read the corpus by path and write the cache by path: on a cluster of several machines
both must be on a filesystem every worker sees at the same path.
"""

from __future__ import annotations

import importlib.util
import logging
import resource
import sys
import uuid
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from builders.__about__ import __version__
from builders.run import gctune
from builders.run.engine import INSTALL_HINT, EngineError, default_workers
from builders.run.runner import code_fingerprint

WINDOW = 8  # tasks in flight per worker thread, as the local pool
CONNECT_TIMEOUT = "10s"
WORKERS_TIMEOUT = 60  # seconds to wait for a running scheduler to have a worker
# The engine's own LocalCluster runs quieter than distributed's defaults. Its background work costs
# CPU in proportion to the run's length, not to the work (benchmarks/README.md, "Dask engine"):
# - the statistical profiler samples every worker's stack every 10 ms: ~8% of the step's CPU,
#   for a dashboard tab this engine does not need;
# - the event loop's 20 ms tick (it only detects a blocked loop), the 500 ms system monitor (the
#   dashboard's CPU and memory plots, now every 2 s) and each nanny's 100 ms memory poll: together
#   ~1.5 of the client's ~6 CPU s and ~0.4 s a worker in a 30 s build of 1,000 documents.
# A running scheduler's workers keep their own settings.
QUIET = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "1s",
         "distributed.admin.system-monitor.interval": "2s", "distributed.worker.memory.monitor-interval": "1s"}


def dask_installed() -> bool:
    """Whether the extra is there (imports it: only asked when the engine is about to start)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def worker_fingerprint() -> str:
    """Run on each worker: the builder code it would run (version + schemas + sources)."""
    return code_fingerprint()


def tuned(fn: Callable[..., Any], *args: Any) -> Any:
    """Run on a worker: ``fn(*args)`` with the collector tuned as in the local pool's workers
    (gctune.py), for the task only: a shared cluster's workers keep their own settings otherwise."""
    with gctune.tuned():
        return fn(*args)


def peak_rss_mb() -> float:
    """Run on each worker: its peak resident memory so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


class DaskEngine:
    """A Dask client (and the LocalCluster it owns, if any) that maps a step over chunks in order."""

    def __init__(self, workers: int | None = None, address: str | None = None, dashboard: bool = True) -> None:
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise EngineError(INSTALL_HINT) from None
        self.cluster = None
        self.address = address
        self.serve_dashboard = dashboard
        if address is None:
            n = workers or default_workers()
            # processes (the step holds the GIL), one thread each; loopback only; the dashboard
            # only when asked (tests do not need one); QUIET: background work kept down
            # a busy port 8787 makes distributed pick another and warn; the link printed is the real one
            with dask.config.set(QUIET), warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Port .* is already in use")
                self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                            dashboard_address="127.0.0.1:8787" if dashboard else None,
                                            silence_logs=logging.CRITICAL)
            self.client = Client(self.cluster)
            self.client.wait_for_workers(n)
        else:
            try:
                self.client = Client(address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                raise EngineError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
            try:
                self.client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
            except TimeoutError:
                self.close()
                raise EngineError(f"the Dask scheduler at {address} has no worker after {WORKERS_TIMEOUT} s") from None
        self._check_workers()

    def _check_workers(self) -> None:
        """Every worker must run this very builder: other code would write other bytes."""
        try:
            theirs = self.client.run(worker_fingerprint)
        except Exception as exc:  # noqa: BLE001 - a worker without geosignal fails to unpickle the call
            self.close()
            raise EngineError(f"the Dask workers cannot run GeoSignal ({type(exc).__name__}: {exc}); "
                              "install the same geosignal on every worker") from None
        other = sorted(addr for addr, fp in theirs.items() if fp != code_fingerprint())
        if other:
            self.close()
            raise EngineError(f"{len(other)} Dask worker(s) run another GeoSignal version or schema "
                              f"(e.g. {other[0]}); install this one ({__version__}) on every worker")

    def slots(self) -> int:
        """Worker threads of the cluster, now."""
        workers = self.client.scheduler_info()["workers"]
        return max(1, sum(w.get("nthreads", 1) for w in workers.values()))

    def dashboard(self) -> str | None:
        """The dashboard's link: a running scheduler's own, or the LocalCluster's when asked for
        (it needs bokeh, part of the extra)."""
        if self.cluster is not None and not (self.serve_dashboard and importlib.util.find_spec("bokeh")):
            return None
        return self.client.dashboard_link

    def describe(self) -> str:
        where = (f"LocalCluster of {len(self.client.scheduler_info()['workers'])} worker processes"
                 if self.cluster is not None else f"scheduler {self.address}, {self.slots()} worker threads")
        link = self.dashboard()
        return f"dask: {where}; dashboard " + (link if link else "off")

    def map(self, fn: Callable[..., Any], calls: Iterable[tuple],
            lost: Callable[[tuple, BaseException], Any] | None = None) -> Iterator[Any]:
        """``fn(*args)`` for each of ``calls`` on the cluster, yielded in the order of ``calls``.

        ``lost(args, error)`` stands in for a task whose workers kept dying (Dask's
        ``KilledWorker``); without it the error is raised.
        """
        from distributed import KilledWorker

        window = self.slots() * WINDOW
        run = uuid.uuid4().hex[:12]
        pending: deque = deque()

        def take() -> Any:
            args, future = pending.popleft()
            try:
                return future.result()
            except KilledWorker as exc:
                if lost is None:
                    raise
                return lost(args, exc)
            finally:
                future.release()

        try:
            for i, args in enumerate(calls):
                # earlier chunks first: the writer waits for them
                pending.append((args, self.client.submit(tuned, fn, *args, key=f"geosignal-{fn.__name__}-{run}-{i:07d}",
                                                         priority=-i)))
                if len(pending) >= window:
                    yield take()
            while pending:
                yield take()
        finally:
            if pending:  # stopped early: nothing of this run keeps the cluster busy
                self.client.cancel([f for _, f in pending])

    def peak_memory(self) -> dict[str, float]:
        """Peak resident memory of each worker (MB), by worker address."""
        try:
            return dict(sorted(self.client.run(peak_rss_mb).items()))
        except Exception:  # noqa: BLE001 - a figure for the progress output, never a failure
            return {}

    def close(self) -> None:
        client, cluster = getattr(self, "client", None), self.cluster
        self.cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

