"""CPU per annotation file of the three ways to read it: the build's fast path (libyaml events ->
values), its careful path (node tree checked node by node, used for files it refuses), and
``yaml.load`` with libyaml's CSafeLoader (the floor's reader). Same files, same process, best of 3.

    python benchmarks/yaml_paths.py --docs 200
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import yaml  # noqa: E402

from builders.annotation import yamlio  # noqa: E402
from generate import SHAPES, generate  # noqa: E402


def best(fn, texts: list[str]) -> float:
    times = []
    for _ in range(3):
        start = time.process_time()
        for text in texts:
            fn(text)
        times.append(time.process_time() - start)
    return 1000 * min(times) / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--corpus-cache", type=Path, default=HERE / ".cache")
    args = parser.parse_args()
    for shape in SHAPES:
        corpus = generate(args.corpus_cache / f"corpus-{shape}-{args.docs}-0", args.docs, 0, shape)
        texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*/annotation.yaml"))]
        fast = best(yamlio.parse_yaml, texts)
        careful = best(yamlio._careful, texts)
        csafe = best(lambda t: yaml.load(t, Loader=yaml.CSafeLoader), texts)
        print(f"{shape}: fast path {fast:.2f} ms/file, careful path {careful:.2f} ms/file ({careful / fast:.1f}x), "
              f"yaml.load CSafeLoader {csafe:.2f} ms/file ({csafe / fast:.1f}x)")


if __name__ == "__main__":
    main()
