"""Densities per document of real and generated corpora: are the benchmark documents like the real ones?

    python benchmarks/density.py --docs 1000            # corpus/ by source vs 1,000 generated of each shape

Counts are read from the annotation files as written (entities, mentions, time expressions, events,
their arguments and links, stances) and from the clean text; the last columns are the annotation
file's and the clean text's sizes. Prints a Markdown table (means per document).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from builders.annotation.yamlio import parse_yaml  # noqa: E402
from builders.source.clean import clean  # noqa: E402
from generate import SHAPES, generate  # noqa: E402

COLUMNS = ("events", "stances", "annotation bytes", "entities", "mentions", "times", "arguments", "links", "text chars")
REAL = {"000_": "the seed article", "wh-": "White House statements", "wn-": "Wikinews articles"}


def counts(folder: Path) -> dict[str, float]:
    annotation = (folder / "annotation.yaml").read_text(encoding="utf-8")
    data = parse_yaml(annotation).data
    meta = data["document"]
    raw = (folder / "source.txt").read_bytes().decode("utf-8")
    events = data.get("events") or []
    return {
        "events": len(events),
        "stances": len(data.get("stances") or []),
        "annotation bytes": len(annotation.encode("utf-8")),
        "entities": len(data.get("entities") or []),
        "mentions": sum(len(e.get("mentions") or []) for e in data.get("entities") or []),
        "times": len(data.get("times") or []),
        "arguments": sum(len(e.get("arguments") or []) for e in events),
        "links": sum(len(e.get("links") or []) for e in events),
        "text chars": len(clean(raw, meta.get("publisher"), meta.get("source_format", "text")).text),
    }


def means(folders: list[Path]) -> dict[str, float]:
    rows = [counts(f) for f in folders]
    return {c: sum(r[c] for r in rows) / len(rows) for c in COLUMNS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parent / "corpus")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--corpus-cache", type=Path, default=HERE / ".cache")
    args = parser.parse_args()
    table = []
    for prefix, name in REAL.items():
        folders = sorted(f for f in args.corpus.iterdir() if f.is_dir() and f.name.startswith(prefix))
        if folders:
            table.append((f"real: {name}", len(folders), means(folders)))
    for shape in SHAPES:
        corpus = generate(args.corpus_cache / f"corpus-{shape}-{args.docs}-0", args.docs, 0, shape)
        table.append((f"generated: {shape}", args.docs, means(sorted(f for f in corpus.iterdir() if f.is_dir()))))
    print("| per document (mean) | docs | " + " | ".join(COLUMNS) + " |")
    print("|---|---:|" + "---:|" * len(COLUMNS))
    for name, n, row in table:
        print(f"| {name} | {n} | " + " | ".join(f"{row[c]:,.0f}" if row[c] >= 100 else f"{row[c]:.1f}" for c in COLUMNS) + " |")


if __name__ == "__main__":
    main()
