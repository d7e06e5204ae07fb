"""Where a Dask build's CPU goes: the step on the workers, the workers' background, the client.

    python benchmarks/dask_cpu.py --docs 1000 --rounds 2

Alternates, on the same generated corpus, a local build with 2 worker processes and Dask builds
on a LocalCluster of 2 workers with the engine's settings (``QUIET`` in dask_engine.py) and with
distributed's defaults (the profiler still off). Each build runs in a fresh process. For Dask it
reports, per worker, the CPU of the step itself (the compute thread's CPU time inside the tasks,
spaCy's one load per worker included) and of the whole worker process, and the client process's
CPU (client, scheduler and nannies live there); for local, the main process's and the workers'.
CPU seconds, not wall time: the figures of a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def timed(fn, *args):  # the engine's per-task wrapper, timed on the worker's compute thread (sent by value)
    import builtins

    from builders.run import gctune

    start = time.thread_time()
    try:
        with gctune.tuned():
            return fn(*args)
    finally:
        builtins._step_cpu = getattr(builtins, "_step_cpu", 0.0) + time.thread_time() - start


def worker_cpu() -> tuple[float, float]:
    """Run on each worker: (CPU in the step, CPU of the whole process)."""
    import builtins

    r = resource.getrusage(resource.RUSAGE_SELF)
    return getattr(builtins, "_step_cpu", 0.0), r.ru_utime + r.ru_stime


def one(kind: str, corpus: Path) -> dict:
    """One build in this process (called in a fresh one)."""
    from builders.run.build import build

    out = Path(tempfile.mkdtemp(prefix="geosignal-dask-cpu-"))
    try:
        if kind == "local":
            build(corpus, out / "o", workers=2)
            own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
            return {"main": own.ru_utime + own.ru_stime, "workers": [children.ru_utime + children.ru_stime]}
        import builders.run.dask_engine as engine_module
        from builders.run.engines import open_engine

        engine_module.tuned = timed
        if kind == "dask-defaults":
            engine_module.QUIET = {"distributed.worker.profile.enabled": False}
        with open_engine("dask", 2, dashboard=False) as engine:
            build(corpus, out / "o", engine=engine)
            cpu = list(engine.client.run(worker_cpu).values())
        own = resource.getrusage(resource.RUSAGE_SELF)
        return {"main": own.ru_utime + own.ru_stime, "workers": [c[1] for c in cpu], "step": [c[0] for c in cpu]}
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--corpus-cache", type=Path, default=HERE / ".cache")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "CORPUS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], Path(args.one[1]))))
        return
    sys.path.insert(0, str(HERE))
    from generate import generate

    corpus = generate(args.corpus_cache / f"corpus-article-{args.docs}-0", args.docs)
    print(f"{args.docs} generated articles, 2 workers; load average {os.getloadavg()[0]:.1f} at the start")
    for _ in range(args.rounds):
        for kind in ("local", "dask", "dask-defaults"):
            start = time.perf_counter()
            done = subprocess.run([sys.executable, __file__, "--one", kind, str(corpus)], capture_output=True, text=True)
            if done.returncode:
                raise SystemExit(done.stderr[-2000:])
            r = json.loads(done.stdout.strip().splitlines()[-1])
            total = r["main"] + sum(r["workers"])
            step = f"  step {' + '.join(f'{s:.1f}' for s in r['step'])}" if "step" in r else ""
            print(f"{kind:14} CPU {total:6.1f} s: main {r['main']:5.1f}, workers {' + '.join(f'{w:.1f}' for w in r['workers'])}"
                  f"{step}  (wall {time.perf_counter() - start:.1f} s, load {os.getloadavg()[0]:.1f})", flush=True)


if __name__ == "__main__":
    main()
