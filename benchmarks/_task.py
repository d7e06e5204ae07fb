"""Run one measured task in a fresh process and print its wall time and peak RSS as JSON.

Each figure comes from its own process so that one task's memory never counts for another;
peak RSS covers the process and its worker processes.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build(corpus: str, out: str, workers: str, cache: str) -> dict:
    from builders.build import build as run

    result = run(Path(corpus), Path(out), workers=int(workers), cache=Path(cache) if cache != "-" else None)
    assert result.written, [f for f in result.report.findings if f.is_error][:3]
    return {"records": sum(result.counts.values()), "docs": result.counts["documents"]}


def dask_build(corpus: str, out: str, workers: str, cache: str) -> dict:
    """The build on a fresh LocalCluster of ``workers`` processes; the cluster's start and stop
    are timed too (a user pays them), and each worker reports its own peak memory."""
    from builders.build import build as run
    from builders.engine import open_engine

    start = time.perf_counter()
    with open_engine("dask", int(workers), dashboard=False) as engine:
        started = time.perf_counter()
        result = run(Path(corpus), Path(out), cache=Path(cache) if cache != "-" else None, engine=engine)
        built = time.perf_counter()
        memory = engine.peak_memory()
    assert result.written, [f for f in result.report.findings if f.is_error][:3]
    return {"records": sum(result.counts.values()), "docs": result.counts["documents"], "start_s": started - start,
            "build_s": built - started, "stop_s": time.perf_counter() - built, "dask_worker_rss_mb": list(memory.values())}


def baseline(corpus: str, dist: str) -> dict:
    """The bare minimum on the same corpus: C-parse every annotation file, check every record
    (every config the build writes, training views included) with one compiled validator per
    config, write the same records with one Parquet write per config. The records are read from
    the build's output beforehand, untimed."""
    import jsonschema_rs
    import pyarrow as pa
    import pyarrow.parquet as pq
    import yaml

    from builders.read import read_dataset
    from builders.schema import ALL_CONFIGS, arrow_schema, schemas

    named = read_dataset(Path(dist))
    encoded = {c: [r for p in sorted((Path(dist) / "data" / c).glob("*.parquet")) for r in pq.read_table(p).to_pylist()]
               for c in ALL_CONFIGS}
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in schemas().values()])
    out = Path(dist).with_name("baseline-out")
    out.mkdir(exist_ok=True)
    start = time.perf_counter()
    for path in sorted(Path(corpus).glob("*/annotation.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    for config, name in ALL_CONFIGS.items():
        validator = jsonschema_rs.validator_for(schemas()[name], registry=registry)
        for record in named[config]:
            validator.is_valid(record)
    for config in ALL_CONFIGS:
        pq.write_table(pa.Table.from_pylist(encoded[config], schema=arrow_schema(config)), out / f"{config}.parquet",
                       compression="zstd")
    return {"timed": time.perf_counter() - start}


def main() -> None:
    task, *args = sys.argv[1:]
    start = time.perf_counter()
    result = {"build": build, "dask_build": dask_build, "baseline": baseline}[task](*args)
    seconds = result.pop("timed", None) or time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest worker
    print(json.dumps({"seconds": seconds, "peak_rss_mb": max(own, workers), "main_rss_mb": own,
                      "worker_rss_mb": workers, **result}))


if __name__ == "__main__":  # the guard also keeps Dask's spawned workers from running a task
    main()
