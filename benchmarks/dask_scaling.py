"""The local engine against Dask (a LocalCluster) with 1 and 2 workers, in one run, same corpus.

    python benchmarks/dask_scaling.py --docs 10000

Each build runs in a fresh process (benchmarks/_task.py) with no cache, on the same generated
corpus (benchmarks/generate.py): local with 1 and 2 worker processes, Dask with 1 and 2
workers (start and stop of the LocalCluster included). Reported: speed-up from 1 to 2 workers
on each engine, Dask's overhead over the local engine at equal workers, peak memory per worker,
and whether all four outputs are byte-identical. With --small N, Dask with 2 workers also builds
an N-document corpus, for memory per worker as the input grows.

Each build imports the builder afresh from this checkout, so the script checks that the code (the
builder, the schemas and the settings files) did not change between the first and the last build:
a checkout edited or merged mid-run builds different bytes, and that is reported as such, not as a
mismatch of engines (the ``identical=False`` at 2,000 documents was a merge of main made
while the run was under way).

CPU seconds are the build process's and its workers' (benchmarks/_task.py; a LocalCluster's nannies
and workers are children of that process). The last line is ``overhead_1=<dask/local wall>
overhead_2=… cpu_overhead_1=<dask/local CPU> cpu_overhead_2=… speedup_local=<n> speedup_dask=<n> identical=<bool>``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build import task  # noqa: E402
from generate import SHAPES, generate  # noqa: E402


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def code_digest() -> str:
    """What a build's bytes depend on besides the corpus: the builder, the schemas, the settings."""
    root = HERE.parent
    files = sorted([*(root / "builders").rglob("*"), *(root / "schema").rglob("*"), *root.glob("*.toml")])
    h = hashlib.sha256()
    for path in (p for p in files if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--small", type=int, default=0, help="also build this many documents on Dask with 2 workers (memory vs size)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shape", choices=SHAPES, default="article", help="long web articles or short statements")
    parser.add_argument("--corpus-cache", type=Path, default=HERE / ".cache")
    args = parser.parse_args()
    corpus = generate(args.corpus_cache / f"corpus-{args.shape}-{args.docs}-{args.seed}", args.docs, args.seed, args.shape)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    print(f"corpus: {args.docs} {args.shape} documents, {corpus}")
    work = Path(tempfile.mkdtemp(prefix="geosignal-dask-bench-"))
    code = code_digest()
    try:
        runs = {}
        for name, kind, workers in (("local-1", "build", 1), ("dask-1", "dask_build", 1),
                                    ("local-2", "build", 2), ("dask-2", "dask_build", 2)):
            r = task(kind, str(corpus), str(work / name), str(workers), "-")
            runs[name] = r
            if kind == "build":
                memory = f"largest worker {r['worker_rss_mb']:.0f} MB, main {r['main_rss_mb']:.0f} MB"
            else:
                memory = (f"workers {', '.join(f'{m:.0f}' for m in r['dask_worker_rss_mb'])} MB, main {r['main_rss_mb']:.0f} MB; "
                          f"cluster start {r['start_s']:.1f} s, stop {r['stop_s']:.1f} s")
            print(f"{name:8} {r['seconds']:8.1f} s  {r['docs'] / r['seconds']:7.1f} docs/s  cpu {r['cpu_seconds']:7.1f} s  "
                  f"{memory}  (load {os.getloadavg()[0]:.1f})", flush=True)
            if code_digest() != code:
                raise SystemExit(f"the builder's code changed on disk during the run (after {name}): the builds "
                                 "are not comparable; run again on a checkout nobody edits meanwhile")
        digests = {name: digest(work / name) for name in runs}
        same = all(d == digests["local-2"] for d in digests.values())
        for name, d in digests.items():  # name what differs, if anything
            differ = sorted(f for f in set(d) | set(digests["local-2"]) if d.get(f) != digests["local-2"].get(f))
            if differ:
                print(f"{name} differs from local-2 in {len(differ)} file(s): {', '.join(differ[:5])}")
        o1 = runs["dask-1"]["seconds"] / runs["local-1"]["seconds"]
        o2 = runs["dask-2"]["seconds"] / runs["local-2"]["seconds"]
        sl = runs["local-1"]["seconds"] / runs["local-2"]["seconds"]
        sd = runs["dask-1"]["seconds"] / runs["dask-2"]["seconds"]
        c1 = runs["dask-1"]["cpu_seconds"] / runs["local-1"]["cpu_seconds"]
        c2 = runs["dask-2"]["cpu_seconds"] / runs["local-2"]["cpu_seconds"]
        print(f"speed-up 1 -> 2 workers: local {sl:.2f}x, dask {sd:.2f}x; dask over local: {o1:.2f}x (1 worker), "
              f"{o2:.2f}x (2 workers); all four outputs byte-identical: {same}")
        print(f"CPU seconds (processes and their workers), dask over local: {c1:.2f}x (1 worker), {c2:.2f}x (2 workers): "
              "the overhead a shared machine's load does not distort as much as wall time")
        if args.small:
            small = generate(args.corpus_cache / f"corpus-{args.shape}-{args.small}-{args.seed}", args.small, args.seed,
                             args.shape)
            r = task("dask_build", str(small), str(work / "small"), "2", "-")
            big, little = max(runs["dask-2"]["dask_worker_rss_mb"]), max(r["dask_worker_rss_mb"])
            print(f"memory per worker (dask, 2 workers): {args.small} docs {little:.0f} MB, {args.docs} docs {big:.0f} MB, "
                  f"ratio {big / little:.2f}")
        print(f"load average {os.getloadavg()[0]:.1f} at the end")
        print(f"overhead_1={o1:.2f} overhead_2={o2:.2f} cpu_overhead_1={c1:.2f} cpu_overhead_2={c2:.2f} "
              f"speedup_local={sl:.2f} speedup_dask={sd:.2f} identical={same}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
