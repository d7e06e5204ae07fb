"""Speed of the silver coder: sentences/s and docs/s on one core, all preprocessing included
(reading the Markdown file, front matter, cleaning, tokenising and sentence splitting, coding,
writing the draft as YAML), on a sample of White House statements.

    python benchmarks/coder.py [--sample N] [--source DIR]

The sample is read from a folder of White House Markdown files (default: the wh-briefings mirror
at /work/.mirror/brian14708+wh-briefings/repo, statements-releases/, read with git; or any folder
of *.md given with --source). Figures are per core: CPU time of the one process (wall time on a shared machine would count other work). The ratio printed against a
baseline in the same run is the cost of the coder over cleaning + sentence splitting alone.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MIRROR = Path("/work/.mirror/brian14708+wh-briefings/repo")


def sample(n: int, source: Path | None) -> list[tuple[str, bytes]]:
    if source is not None:
        files = sorted(source.rglob("*.md"))[:n]
        return [(p.name, p.read_bytes()) for p in files]
    names = subprocess.run(["git", "-C", str(MIRROR), "ls-tree", "-r", "--name-only", "HEAD", "statements-releases/"],
                           check=True, capture_output=True, text=True).stdout.split()
    names = [p for p in names if p.endswith(".md")]
    step = max(1, len(names) // n)
    picked = names[::step][:n]
    return [(Path(p).name, subprocess.run(["git", "-C", str(MIRROR), "show", f"HEAD:{p}"], check=True,
                                          capture_output=True).stdout) for p in picked]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--source", type=Path, default=None)
    args = parser.parse_args()

    from builders.source.clean import clean
    from builders.coder import Article, code
    from builders.coder.collection import SHAPE
    from builders.coder.draft import to_yaml
    from builders.coder.lexicon import Lexicon, base_names, verbs
    from builders.new import front_matter
    from builders.dataset.tokens import pipeline, sentences

    docs = sample(args.sample, args.source)
    base_names(), verbs(), pipeline()  # tables and spaCy loaded once per process, as in a collection run
    lexicon = Lexicon()
    start = time.process_time()
    n_sent = 0
    for _, data in docs:
        text = data.decode("utf-8")
        n_sent += len(sentences(clean(text, "The White House", SHAPE["wh-markdown"]).text))
    split_time = time.process_time() - start
    start = time.process_time()
    items = 0
    for name, data in docs:
        text = data.decode("utf-8")
        meta = front_matter(text) or {}
        document = {"source_format": "markdown", "publisher": "The White House", **meta}
        draft = code(Article(Path(name).stem, text, document), lexicon)
        to_yaml(draft, "bench")
        items += sum(len(draft[k]) for k in ("entities", "times", "events", "stances"))
    coder_time = time.process_time() - start
    print(json.dumps({
        "documents": len(docs), "sentences": n_sent, "items_drafted": items,
        "coder_seconds": round(coder_time, 3),
        "sentences_per_s_per_core": round(n_sent / coder_time, 1),
        "docs_per_s_per_core": round(len(docs) / coder_time, 2),
        "baseline_clean_and_split_seconds": round(split_time, 3),
        "ratio_coder_over_clean_and_split": round(coder_time / split_time, 2),
    }, indent=2))


if __name__ == "__main__":
    main()
