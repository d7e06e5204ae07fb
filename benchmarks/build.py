"""Benchmark the build against a same-run baseline; every figure is also given as a ratio.

    python benchmarks/build.py --docs 10000              # full build vs baseline
    python benchmarks/build.py --docs 10000 --workers 1  # one process
    python benchmarks/build.py --docs 1000 --compare-workers
    python benchmarks/build.py --docs 10000 --incremental

Measured, each in a fresh process on the same generated corpus (benchmarks/generate.py):
- build: the full ``geosignal build`` (no cache, default workers);
- baseline: the bare minimum on the same corpus: C-parse every annotation file, check every
  record with one compiled validator per record kind, one Parquet write per config;
- --compare-workers: the build on 1 worker and on 2;
- --incremental: a warm rebuild after editing one document, against the full build.

``geosignal validate --changed-since`` is measured by benchmarks/validate.py.

The last line is ``ratio=<build/baseline> docs_per_s=<n> peak_rss_mb=<n>``.
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
from generate import generate  # noqa: E402


def task(*args: str) -> dict:
    out = subprocess.run([sys.executable, str(HERE / "_task.py"), *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"task {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark geosignal build against a same-run baseline.")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=0, help="0: the machine's cores (the default of the CLI)")
    parser.add_argument("--corpus-cache", type=Path, default=HERE / ".cache", help="where generated corpora are kept")
    parser.add_argument("--compare-workers", action="store_true")
    parser.add_argument("--incremental", action="store_true")
    args = parser.parse_args()

    corpus = generate(args.corpus_cache / f"corpus-{args.docs}-{args.seed}", args.docs, args.seed)
    size_mb = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file()) / 2**20
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"corpus: {args.docs} documents, {size_mb:.1f} MiB, {corpus}")
    work = Path(tempfile.mkdtemp(prefix="geosignal-bench-"))
    try:
        dist = work / "dist"
        b = task("build", str(corpus), str(dist), str(args.workers), "-")
        base = task("baseline", str(corpus), str(dist))
        docs_s, recs_s = b["docs"] / b["seconds"], b["records"] / b["seconds"]
        print(f"build:    {b['seconds']:8.2f} s  {docs_s:8.1f} docs/s  {recs_s:9.0f} records/s  peak RSS {b['peak_rss_mb']:.0f} MB"
              f" (main {b['main_rss_mb']:.0f} MB, largest worker {b['worker_rss_mb']:.0f} MB)")
        print(f"baseline: {base['seconds']:8.2f} s  {b['docs'] / base['seconds']:8.1f} docs/s  "
              f"{b['records'] / base['seconds']:9.0f} records/s  peak RSS {base['peak_rss_mb']:.0f} MB")
        if args.compare_workers:
            one = task("build", str(corpus), str(work / "w1"), "1", "-")
            two = task("build", str(corpus), str(work / "w2"), "2", "-")
            same = _digest(work / "w1") == _digest(work / "w2")
            print(f"workers:  1 -> {one['seconds']:.2f} s, 2 -> {two['seconds']:.2f} s, "
                  f"speed-up {one['seconds'] / two['seconds']:.2f}x, identical output: {same}")
        if args.incremental:
            cache = work / "cache"
            cold = task("build", str(corpus), str(work / "inc"), str(args.workers), str(cache))
            edited = work / "corpus"
            shutil.copytree(corpus, edited)
            first = sorted(edited.glob("*/annotation.yaml"))[0]
            first.write_text(first.read_text(encoding="utf-8").replace("realis: actual", "realis: generic", 1), encoding="utf-8")
            # the same cache serves the copy: keys are content, not paths
            warm = task("build", str(edited), str(work / "inc"), str(args.workers), str(cache))
            print(f"incremental: cold {cold['seconds']:.2f} s, one document edited {warm['seconds']:.2f} s, "
                  f"ratio {warm['seconds'] / cold['seconds']:.3f}")
        print(f"ratio={b['seconds'] / base['seconds']:.2f} docs_per_s={docs_s:.1f} peak_rss_mb={b['peak_rss_mb']:.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _digest(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


if __name__ == "__main__":
    main()
