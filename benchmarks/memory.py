"""Peak memory of a full build at two corpus sizes: streaming keeps it flat.

    python benchmarks/memory.py --small 1000 --large 50000 [--shape statement]

Both builds run in fresh processes (no cache, default workers) on generated corpora; the last
line is ``rss_ratio=<large/small> small_mb=<n> large_mb=<n>``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build import task  # noqa: E402
from generate import SHAPES, generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1000)
    parser.add_argument("--large", type=int, default=50000)
    parser.add_argument("--shape", choices=SHAPES, default="article", help="long web articles or short statements")
    parser.add_argument("--corpus-cache", type=Path, default=HERE / ".cache")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="geosignal-mem-"))
    try:
        figures = {}
        for n in (args.small, args.large):
            corpus = generate(args.corpus_cache / f"corpus-{args.shape}-{n}-0", n, 0, args.shape)
            r = task("build", str(corpus), str(work / f"dist-{n}"), "0", "-")
            figures[n] = r
            print(f"{n:>7} documents: {r['seconds']:8.1f} s, {r['docs'] / r['seconds']:7.1f} docs/s, peak RSS {r['peak_rss_mb']:.0f} MB "
                  f"(main {r['main_rss_mb']:.0f} MB, largest worker {r['worker_rss_mb']:.0f} MB)")
            shutil.rmtree(work / f"dist-{n}", ignore_errors=True)
        small, large = figures[args.small]["peak_rss_mb"], figures[args.large]["peak_rss_mb"]
        print(f"rss_ratio={large / small:.2f} small_mb={small:.0f} large_mb={large:.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
