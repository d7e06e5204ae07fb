"""--engine dask: the same per-chunk step on a Dask cluster writes the same bytes as the local engine,
survives a killed worker, and is an optional extra (issue 16).

One LocalCluster of 2 worker processes (started by the engine itself, on 127.0.0.1, no dashboard)
serves every test of this file; the corpus is 300 short generated documents, enough for ~10
chunks. Nothing else is reached. Timings live in benchmarks/dask_scaling.py, not here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import builders.run.runner as runner
from builders.cli import app
from builders.run.build import build
from builders.run.outcomes import Job
from builders.source.corpus import discover

from conftest import CORPUS, REPO, cli

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402

pytest.importorskip("distributed", reason="the dask extra is part of the test extra: pip install -e '.[test]'")

DOCS = 300
SHARD_BYTES = 64 * 1024  # small shards: ~40 files and row groups cut mid-table, as in a large build


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("generated") / "corpus", DOCS, seed=16, small=True)


@pytest.fixture(scope="module")
def local(corpus, tmp_path_factory) -> dict[str, str]:
    """The local engine's output (2 worker processes), as file -> sha256."""
    out = tmp_path_factory.mktemp("local") / "dist"
    result = cli("build", "--corpus", str(corpus), "--out", str(out), "--no-cache", "--engine", "local", "--workers", "2")
    assert result.returncode == 0, result.stderr
    files = digest(out)
    assert any(name.endswith(".parquet") for name in files) and "README.md" in files and "croissant.json" in files
    return files


@pytest.fixture(scope="module")
def local_sharded(corpus, tmp_path_factory) -> dict[str, str]:
    """The local engine's output with small shards, on 1 worker: tables never leave this process."""
    out = tmp_path_factory.mktemp("local-sharded") / "dist"
    assert build(corpus, out, workers=1, cache=None, shard_bytes=SHARD_BYTES).written
    files = digest(out)
    assert sum(name.endswith(".parquet") for name in files) > 30
    return files


@pytest.fixture(scope="module")
def engine():
    """The Dask engine on a LocalCluster of 2 worker processes it starts itself, shared by the file."""
    from builders.run.dask_engine import DaskEngine

    running = DaskEngine(workers=2, dashboard=False)
    try:
        yield running
    finally:
        running.close()


def test_the_engine_starts_a_local_cluster_of_two_workers_running_this_builder(engine):
    assert engine.describe() == "dask: LocalCluster of 2 worker processes; dashboard off"
    assert engine.slots() == 2
    memory = engine.peak_memory()
    assert len(memory) == 2 and all(mb > 10 for mb in memory.values())


def test_dask_on_two_workers_writes_every_file_byte_for_byte_as_local(corpus, local, engine, tmp_path):
    out = tmp_path / "dist"
    address = engine.cluster.scheduler_address
    result = CliRunner().invoke(app, ["build", "--corpus", str(corpus), "--out", str(out), "--no-cache",
                                      "--engine", "dask", "--scheduler", address])
    assert result.exit_code == 0, result.output
    assert f"dask: scheduler {address}, 2 worker threads" in result.output
    assert "peak memory per worker" in result.output
    assert digest(out) == local


def test_a_worker_killed_mid_run_is_replaced_and_the_output_is_unchanged(corpus, local_sharded, engine, tmp_path):
    """Also: shards and row groups are cut at the same rows when the tables were made in other
    processes (and some made twice) as when they never left this one."""
    from builders.run.dask_engine import DaskEngine

    mine = DaskEngine(address=engine.cluster.scheduler_address)  # a client of its own: its map is wrapped
    client, run = mine.client, mine.map
    killed: dict = {}

    def map_and_kill(fn, calls, lost=None):
        for i, result in enumerate(run(fn, calls, lost)):
            if i == 0:  # the first chunk is back, the others are queued or running
                processing = client.processing()
                victim = next(addr for addr, keys in sorted(processing.items()) if keys)
                pid = client.run(os.getpid, workers=[victim])[victim]
                os.kill(pid, signal.SIGKILL)
                killed.update(addr=victim, pid=pid, tasks=len(processing[victim]), chunks=len(calls))
            yield result

    mine.map = map_and_kill
    try:
        result = build(corpus, tmp_path / "dist", cache=None, engine=mine, shard_bytes=SHARD_BYTES)
        workers = client.scheduler_info()["workers"]
    finally:
        mine.close()
    assert killed and killed["tasks"] >= 1 and killed["chunks"] >= 6
    assert killed["addr"] not in workers  # that worker is gone (its nanny starts a new one)
    assert result.written and not [f for f in result.report.findings if f.is_error]
    assert digest(tmp_path / "dist") == local_sharded


def test_code_collection_on_dask_drafts_on_the_workers_and_writes_the_same_bytes(engine, tmp_path, monkeypatch):
    """The per-article step runs on the workers in batches; duplicates, ids already taken and bad
    articles are decided in collection order, so the corpus, findings and dataset are the same."""
    from test_coder import STATEMENT

    import builders.coder.collection as collection

    src = tmp_path / "wh"
    (src / "more").mkdir(parents=True)
    for i, place in enumerate(["Japan", "Australia", "the Philippines", "Canada", "France", "India", "Germany"]):
        text = STATEMENT.replace("March 16", f"March {i + 1}").replace("Japan and", f"{place} and")
        (src / f"a{i:02d}.md").write_text(text, encoding="utf-8")
    (src / "a03x.md").write_bytes((src / "a03.md").read_bytes())  # a duplicate, after its first copy
    (src / "more" / "a05.md").write_text(STATEMENT.replace("16", "26"), encoding="utf-8")  # id a05 is taken
    (src / "b-binary.md").write_bytes(b"\x00\x01\x02")
    (src / "c-no-front-matter.md").write_text("The United States condemns the launch of a missile today.\n",
                                              encoding="utf-8")
    monkeypatch.setattr(collection, "BATCH", 3)  # several tasks, a bad article inside a batch

    def runs(engine_args: list[str], out: Path) -> str:
        result = CliRunner().invoke(app, ["code", "--collection", str(src), "--format", "wh-markdown", "--out", str(out),
                                          *engine_args])
        assert result.exit_code == 1, result.output  # the bad articles are findings
        return result.output

    runs(["--engine", "local"], tmp_path / "local")
    from distributed import Client

    tasks: list[str] = []
    submit = Client.submit

    def counting(self, fn, *args, **kwargs):
        tasks.append(kwargs["key"])
        return submit(self, fn, *args, **kwargs)

    monkeypatch.setattr(Client, "submit", counting)
    said = runs(["--engine", "dask", "--scheduler", engine.cluster.scheduler_address], tmp_path / "dask")
    assert "dask: scheduler" in said and "coded 8 article(s)" in said
    drafted = [key for key in tasks if key.startswith("geosignal-draft_batch-")]
    assert len(drafted) == 4 and any(key.startswith("geosignal-run_chunk-") for key in tasks)
    codes = [json.loads(line)["code"] for line in (tmp_path / "dask" / "findings.jsonl").read_text().splitlines()]
    assert codes == ["duplicate-article", "binary-file", "unknown-shape"]
    assert (tmp_path / "dask" / "corpus" / "a05").is_dir() and len(list((tmp_path / "dask" / "corpus").glob("a05-*"))) == 1
    assert digest(tmp_path / "dask") == digest(tmp_path / "local")


def test_a_task_whose_worker_keeps_dying_comes_back_through_lost_not_as_a_failed_job(engine):
    from distributed import KilledWorker

    scheduler = engine.cluster.scheduler
    allowed = scheduler.allowed_failures
    scheduler.allowed_failures = 0  # the first death marks the task as the culprit
    try:
        got = list(engine.map(os._exit, [(1,)], lost=lambda args, error: ("lost", args, type(error))))
        again = list(engine.map(abs, [(-3,), (4,)]))  # the cluster still works afterwards
    finally:
        scheduler.allowed_failures = allowed
    assert got == [("lost", (1,), KilledWorker)]
    assert again == [3, 4]


def test_lost_and_broken_chunks_become_findings_on_their_documents(corpus, monkeypatch, tmp_path):
    small = tmp_path / "corpus"
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir())[:6]:
        shutil.copytree(folder, small / folder.name)
    folders = discover([small])[0]
    lost = runner.lost_chunk((folders, None, Job(), None), RuntimeError("boom"))
    assert [d.doc_id for d in lost.docs] == [f.doc_id for f in folders] and lost.tables is None
    assert all(d.findings[0].code == "worker-lost" and d.findings[0].is_error for d in lost.docs)

    broken = folders[2].doc_id
    step = runner.step

    def fragile(doc, job):
        if doc.doc_id == broken:
            raise ValueError("a library choked")
        return step(doc, job)

    monkeypatch.setattr(runner, "step", fragile)
    monkeypatch.delenv("GEOSIGNAL_DEBUG", raising=False)
    result = build(small, tmp_path / "dist", workers=1, cache=None)
    assert not result.written and not (tmp_path / "dist").exists()
    errors = [f for f in result.report.findings if f.is_error]
    assert [(f.code, Path(f.file).parent.name) for f in errors] == [("internal-error", broken)]
    assert "ValueError: a library choked" in errors[0].message


@pytest.mark.parametrize("command", ["build", "code"])
def test_without_the_extra_dask_exits_2_with_the_install_hint(monkeypatch, tmp_path, command):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what `import distributed` meets without the extra
    if command == "build":
        args = ["build", "--corpus", str(CORPUS), "--out", str(tmp_path / "dist")]
    else:
        (tmp_path / "articles").mkdir()
        (tmp_path / "articles" / "a.txt").write_text("The minister said the talks would resume.\n", encoding="utf-8")
        args = ["code", "--collection", str(tmp_path / "articles"), "--format", "text", "--out", str(tmp_path / "dist")]
    result = CliRunner().invoke(app, [*args, "--engine", "dask"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and 'pip install "geosignal[dask]"' in lines[0]
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("args, says", [
    (["--engine", "local", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
    (["--engine", "dask", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "--workers sizes a LocalCluster"),
    (["--engine", "ray"], "Invalid value"),
])
def test_engine_options_that_do_not_fit_are_usage_errors(tmp_path, args, says):
    result = CliRunner().invoke(app, ["build", "--corpus", str(CORPUS), "--out", str(tmp_path / "dist"), *args])
    assert result.exit_code == 2 and says in result.output


def test_an_unreachable_scheduler_is_a_usage_error_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setattr("builders.run.dask_engine.CONNECT_TIMEOUT", "1s")
    result = CliRunner().invoke(app, ["build", "--corpus", str(CORPUS), "--out", str(tmp_path / "dist"),
                                      "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output


def test_the_base_install_builds_without_dask_and_a_local_build_never_tries_it(tmp_path):
    """A fresh interpreter where Dask cannot be imported (as without the extra) builds, and no
    import of it is even attempted: the base install neither needs nor probes for it."""
    code = (
        "import sys\n"
        "tried = []\n"
        "class NoDask:  # stands for an install without the extra, and notes every attempt\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('dask', 'distributed'):\n"
        "            tried.append(name)\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}')\n"
        "sys.meta_path.insert(0, NoDask())\n"
        "from typer.testing import CliRunner\n"
        "from builders.cli import app\n"
        f"r = CliRunner().invoke(app, ['build', '--corpus', {str(CORPUS)!r}, '--out', {str(tmp_path / 'dist')!r}, '--no-cache'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('tried:', tried)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "tried: []" in done.stdout
    assert (tmp_path / "dist" / "README.md").is_file()
