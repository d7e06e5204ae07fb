"""How long a contributor's pull request takes to validate in a large corpus.

    python benchmarks/validate.py --docs 10000

A generated corpus is committed to a throw-away git repository, one document is edited, and
``geosignal validate --changed-since HEAD`` (what CI runs on a pull request) is timed against the
full ``geosignal validate`` of the same corpus, each in a fresh process. The changed-only run is
timed twice on an empty cache folder: cold (every other source is read and fingerprinted for the
duplicate check, and the fingerprints are stored by git blob id) and warm (a second pull request
on the same base, or CI with its cache restored). CPU seconds are the work (user + system, git
and workers included); wall seconds follow the machine's load. The last line is
``changed_cpu_s=<warm> cold_cpu_s=<n> full_cpu_s=<n> ratio=<warm/full>``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


def timed(args: list[str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child and its workers, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    rc = subprocess.run(args, cwd=cwd, capture_output=True, text=True).returncode
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, rc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--corpus-cache", type=Path, default=HERE / ".cache")
    args = parser.parse_args()
    source = generate(args.corpus_cache / f"corpus-article-{args.docs}-0", args.docs, 0)
    work = Path(tempfile.mkdtemp(prefix="geosignal-pr-"))
    try:
        shutil.copytree(source, work / "corpus", ignore=shutil.ignore_patterns(".complete"))
        env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b",
               "GIT_COMMITTER_EMAIL": "b@b"}
        for cmd in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "corpus"]):
            subprocess.run(cmd, cwd=work, check=True, env=env)
        edited = sorted((work / "corpus").glob("*/annotation.yaml"))[len(source.name) % 7]
        edited.write_text(edited.read_text(encoding="utf-8").replace("realis: actual", "realis: generic", 1), encoding="utf-8")
        geosignal = [sys.executable, "-m", "builders"]
        changed = geosignal + ["validate", "corpus", "--changed-since", "HEAD", "--cache", str(work / "cache")]
        k_wall, k_cpu, k_rc = timed(changed, work)
        c_wall, c_cpu, c_rc = timed(changed, work)
        f_wall, f_cpu, f_rc = timed(geosignal + ["validate", "corpus"], work)
        print(f"corpus: {args.docs} documents; edited {edited.parent.name}")
        print(f"validate --changed-since HEAD, cold: {k_wall:.2f} s wall, {k_cpu:.2f} s CPU (exit {k_rc})")
        print(f"validate --changed-since HEAD, warm: {c_wall:.2f} s wall, {c_cpu:.2f} s CPU (exit {c_rc})")
        print(f"validate (everything):               {f_wall:.2f} s wall, {f_cpu:.2f} s CPU (exit {f_rc})")
        print(f"changed_cpu_s={c_cpu:.2f} cold_cpu_s={k_cpu:.2f} full_cpu_s={f_cpu:.2f} ratio={c_cpu / f_cpu:.4f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
