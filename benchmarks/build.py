"""Benchmark the build against a same-run floor at equal cores, in CPU seconds; every figure is a ratio.

    python benchmarks/build.py --docs 1000                    # build (1 worker) vs floor, GC tuned vs default
    python benchmarks/build.py --docs 1000 --shape statement  # short statements instead of long web articles
    python benchmarks/build.py --docs 1000 --before /tmp/old  # + the same build by another checkout (before a change)
    python benchmarks/build.py --docs 1000 --compare-workers  # + wall time on 1 and 2 workers
    python benchmarks/build.py --docs 10000 --incremental     # + a warm rebuild after a one-document edit
    python benchmarks/build.py --docs 10000 --incremental-only  # only that (cold with a cache, then warm)
    python benchmarks/build.py --docs 10000 --tuned-only      # without the two default-collector runs
    python benchmarks/build.py --docs 10000 --repeat 3        # each CPU task 3 times, rounds alternated: the least

Measured, each in a fresh process on the same generated corpus (benchmarks/generate.py, either
shape), CPU
seconds of the process and its workers (getrusage SELF + CHILDREN; start-up and imports count):
- build: the full ``geosignal build`` on ONE worker (no cache), with the collector tuned as
  shipped (builders/gctune.py) and, in the same run, with CPython's default collector;
- floor: the same essential work on one core with the fastest well-kept libraries, nothing
  preloaded (see _task.floor): read + sha256, libyaml C loader, one jsonschema-rs validation,
  clean, resolve quotes, spaCy blank tokenizer + sentencizer read as arrays, BIO tags of the
  mentions and triggers (numpy searchsorted, int arrays), one Parquet write per table; the collector treated as the build treats it;
- a strict floor: the same, its YAML read by the build's own reader (libyaml events straight to
  values), which is several times faster than CSafeLoader: the build's own reader must not
  make the floor look slow (benchmarks/yaml_paths.py compares the readers);
- --compare-workers: wall time of the tuned build on 1 and 2 workers (the speed-up is wall
  time; CPU is compared at equal cores above) and whether their bytes are identical;
- --incremental: a warm rebuild after editing one document, against the cold build (both on
  default workers, on the same copy of the corpus: cache keys hold the folders' paths);
- --before TREE: the tuned 1-worker build run by the builders/ of another checkout (say ``git
  archive`` of main before a change) on the same corpus: CPU before/after and whether the bytes
  are identical.

--repeat N runs the CPU tasks (build, floors, before, default collector) in N alternated rounds
and keeps each task's least CPU time (--incremental: N rounds of cold build and warm rebuild, the
least wall time of each) (as ``timeit`` does: a shared machine only ever adds time),
printing the spread; one run of a 10k statement build has moved by 25% between runs here.

The former baseline (C-parse + validate + write records preloaded from the build's output) is
gone: it ran on 1 core against a 2-worker build, left out tokenising, cleaning and resolving,
and ~45% of its time was the collector walking its own preload (issue 19).

The last line is ``cpu_ratio=<build_cpu/floor_cpu> ms_per_doc=<build CPU ms> floor_ms_per_doc=<n>``.
"""


from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import SHAPES, generate  # noqa: E402


def task(*args: str, tree: Path | None = None) -> dict:
    """One measured task in a fresh process; ``tree``: run the _task.py (and so the builders/) of that checkout."""
    script = (tree / "benchmarks" / "_task.py") if tree else HERE / "_task.py"
    out = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"task {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark geosignal build against a same-run floor.")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shape", choices=SHAPES, default="article", help="long web articles or short statements")
    parser.add_argument("--before", type=Path, help="another checkout whose build to measure on the same corpus")
    parser.add_argument("--corpus-cache", type=Path, default=HERE / ".cache", help="where generated corpora are kept")
    parser.add_argument("--compare-workers", action="store_true")
    parser.add_argument("--tuned-only", action="store_true", help="skip the two runs with CPython's default collector")
    parser.add_argument("--incremental", action="store_true")
    parser.add_argument("--incremental-only", action="store_true", help="only the cold build and the warm rebuild")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the CPU tasks, alternated; the least CPU is kept")
    args = parser.parse_args()

    corpus = generate(args.corpus_cache / f"corpus-{args.shape}-{args.docs}-{args.seed}", args.docs, args.seed, args.shape)
    size_mb = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file()) / 2**20
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} (wall times suffer from it; CPU less)")
    print(f"corpus: {args.docs} {args.shape} documents, {size_mb:.1f} MiB, {corpus}")
    work = Path(tempfile.mkdtemp(prefix="geosignal-bench-"))
    n = args.docs

    def line(name: str, r: dict) -> None:
        print(f"{name:<24} CPU {r['cpu_seconds']:8.2f} s = {1000 * r['cpu_seconds'] / n:6.2f} ms/doc   "
              f"wall {r['seconds']:8.2f} s   peak RSS {r['peak_rss_mb']:.0f} MB")

    try:
        if args.incremental_only:
            incremental(corpus, work, args.repeat)
            return
        rounds: dict[str, list[dict]] = {}

        def measured(name: str, *a: str, tree: Path | None = None) -> None:
            rounds.setdefault(name, []).append(task(*a, tree=tree))

        for _ in range(max(1, args.repeat)):  # alternated: a slow spell of the machine hits every task alike
            measured("tuned", "build", str(corpus), str(work / "tuned"), "1", "-", "tuned")
            measured("floor", "floor", str(corpus), str(work / "floor"), "tuned")
            measured("strict", "floor", str(corpus), str(work / "floor-strict"), "tuned", "events")
            if not args.tuned_only:
                measured("default", "build", str(corpus), str(work / "default"), "1", "-", "default")
                measured("floor_default", "floor", str(corpus), str(work / "floor-default"), "default")
            if args.before:
                measured("before", "build", str(corpus), str(work / "before"), "1", "-", "tuned", tree=args.before.resolve())
        best = {name: min(runs, key=lambda r: r["cpu_seconds"]) for name, runs in rounds.items()}
        tuned, floor, strict = best["tuned"], best["floor"], best["strict"]

        def shown(name: str, key: str) -> None:
            line(name, best[key])
            if len(rounds[key]) > 1:
                each = sorted(1000 * r["cpu_seconds"] / n for r in rounds[key])
                print(f"{'':<24} least of {len(each)} alternated runs: {' '.join(f'{x:.2f}' for x in each)} ms/doc")

        shown("build, GC tuned", "tuned")
        shown("floor, GC tuned", "floor")
        shown("floor, build's YAML reader", "strict")
        if not args.tuned_only:
            default, floor_default = best["default"], best["floor_default"]
            shown("build, default GC", "default")
            shown("floor, default GC", "floor_default")
            same = _digest(work / "default") == _digest(work / "tuned")
            print(f"GC tuning: build CPU {default['cpu_seconds'] / tuned['cpu_seconds']:.2f}x less, identical output: {same}; "
                  f"default-GC cpu_ratio {default['cpu_seconds'] / floor_default['cpu_seconds']:.2f}")
        if args.before:
            before = best["before"]
            shown("build before, GC tuned", "before")
            same = _digest(work / "before") == _digest(work / "tuned")
            print(f"before/after: build CPU {before['cpu_seconds'] / tuned['cpu_seconds']:.2f}x less, "
                  f"before cpu_ratio {before['cpu_seconds'] / floor['cpu_seconds']:.2f}, identical output: {same}")
        if args.compare_workers:
            two = task("build", str(corpus), str(work / "w2"), "2", "-", "tuned")
            same = _digest(work / "tuned") == _digest(work / "w2")
            print(f"workers (wall): 1 -> {tuned['seconds']:.2f} s, 2 -> {two['seconds']:.2f} s, speed-up "
                  f"{tuned['seconds'] / two['seconds']:.2f}x, {n / two['seconds']:.1f} docs/s; CPU 2 workers "
                  f"{1000 * two['cpu_seconds'] / n:.2f} ms/doc; identical output: {same}")
        if args.incremental:
            incremental(corpus, work, args.repeat)
        print(f"strict: cpu_ratio against a floor reading YAML with the build's own reader "
              f"{tuned['cpu_seconds'] / strict['cpu_seconds']:.2f} (floor {1000 * strict['cpu_seconds'] / n:.2f} ms/doc)")
        print(f"cpu_ratio={tuned['cpu_seconds'] / floor['cpu_seconds']:.2f} ms_per_doc={1000 * tuned['cpu_seconds'] / n:.2f} "
              f"floor_ms_per_doc={1000 * floor['cpu_seconds'] / n:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def incremental(corpus: Path, work: Path, repeat: int = 1) -> None:
    """A cold build with a cache, then the rebuild after editing one document (default workers);
    ``repeat`` rounds (a fresh cache and output each, another document edited), the least of each kept."""
    # cold and warm build the same copy: a chunk's cache key holds its folders' paths too
    # (findings name files as they were reached), so a copy elsewhere would miss every chunk
    cache, edited, out = work / "cache", work / "corpus", work / "inc"
    shutil.copytree(corpus, edited)
    annotations = sorted(edited.glob("*/annotation.yaml"))
    colds, warms = [], []
    for k in range(max(1, repeat)):
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
        colds.append(task("build", str(edited), str(out), "0", str(cache), "tuned"))
        target = annotations[k * len(annotations) // max(1, repeat)]
        target.write_text(target.read_text(encoding="utf-8").replace("realis: actual", "realis: generic", 1), encoding="utf-8")
        warms.append(task("build", str(edited), str(out), "0", str(cache), "tuned"))
    cold, warm = (min(runs, key=lambda r: r["seconds"]) for runs in (colds, warms))
    cold_cpu, warm_cpu = (min(r["cpu_seconds"] for r in runs) for runs in (colds, warms))
    cold_s, warm_s = (" ".join(f"{r['seconds']:.2f}" for r in runs) for runs in (colds, warms))
    spread = f" (least of {len(colds)} rounds: cold {cold_s} s, warm {warm_s} s)" if len(colds) > 1 else ""
    print(f"incremental: cold {cold['seconds']:.2f} s, one document edited {warm['seconds']:.2f} s, "
          f"ratio {warm['seconds'] / cold['seconds']:.3f} (CPU {warm_cpu / cold_cpu:.3f}: "
          f"{cold_cpu:.2f} s -> {warm_cpu:.2f} s){spread}")


def _digest(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


if __name__ == "__main__":
    main()
