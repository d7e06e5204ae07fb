"""`geosignal publish`: the dry-run plan, the refusals, and the upload against huggingface_hub.

The upload tests run the real CLI entry point in-process, with huggingface_hub's HTTP client built
on httpx2's MockTransport (installed through huggingface_hub's own `set_client_factory` hook): every
request the library makes is answered by the fake Hub below and nothing leaves the machine.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any, Callable

import httpx2
import huggingface_hub
import pyarrow.parquet as pq
import pytest
from huggingface_hub.utils._http import default_client_factory, hf_request_event_hook

from builders import cli as cli_module
from builders.run.build import build
from builders.release.publish import REDACTED
from builders.release.metadata import dataset_version

from conftest import annotation, assert_no_traceback, cli, commit_corpus

FAKE_TOKEN = "hf_FakeTokenForTests0123456789abcdefXYZ"


def files_of(folder: Path) -> dict[str, bytes]:
    """What publish sends: every file but the build's own manifest (outdir.py), which stays local."""
    from builders.dataset.outdir import MANIFEST

    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def test_dry_run_prints_the_plan_and_exits_0(released):
    result = cli("publish", str(released), "--repo-id", "x/y", "--dry-run")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "dry run: nothing is sent" in out and "datasets/x/y" in out and "revision: main" in out
    card = (released / "README.md").read_text(encoding="utf-8")
    corpus_sha = card.split("corpus_sha256: ")[1].split()[0]
    assert f"GeoSignal dataset {dataset_version()} (corpus sha256 {corpus_sha})" in out
    for path, data in files_of(released).items():
        assert f"{len(data):,}" in out.split(path)[1].splitlines()[0]
        assert hashlib.sha256(data).hexdigest() in out.split(path)[1].splitlines()[0]


def test_dry_run_touches_no_network_and_shows_revision_and_pull_request(released, hub, monkeypatch, capfd):
    args = ("publish", str(released), "--repo-id", "x/y", "--dry-run")
    code, out, _ = run_cli(monkeypatch, capfd, *args, "--revision", "v0", "--private")
    assert code == 0 and "revision: v0 (a commit on it)" in out and "private" in out
    code, out, _ = run_cli(monkeypatch, capfd, *args, "--create-pr")
    assert code == 0 and "revision: main (a pull request against it)" in out
    assert hub.requests == []  # the fake Hub saw nothing: a dry run sends no request


def test_usage_errors_exit_2(released, monkeypatch, capfd):
    assert run_cli(monkeypatch, capfd, "publish", str(released), "--repo-id", "no-owner", "--dry-run")[0] == 2
    assert run_cli(monkeypatch, capfd, "publish", str(released), "--dry-run")[0] == 2
    code, _, err = run_cli(monkeypatch, capfd, "publish", str(released), "--repo-id", "x/y", "--revision", "v0", "--create-pr")
    assert code == 2 and "main" in err


def test_refuses_a_folder_that_is_not_a_build(tmp_path):
    (tmp_path / "README.md").write_text("# my notes\n")
    result = cli("publish", str(tmp_path), "--repo-id", "x/y", "--dry-run")
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "[not-a-build]" in result.stderr and "publish refused" in result.stderr and "publish plan" not in result.stdout


def refused(monkeypatch, capfd, folder: Path, code: str) -> str:
    exit_code, out, err = run_cli(monkeypatch, capfd, "publish", str(folder), "--repo-id", "x/y", "--dry-run")
    assert exit_code == 1, out
    assert "Traceback" not in out + err and "internal error" not in out + err
    assert f"[{code}]" in err and "publish refused" in err
    assert "publish plan" not in out
    return err


def test_a_missing_folder_is_a_usage_error(tmp_path, monkeypatch, capfd):
    monkeypatch.setenv("COLUMNS", "400")  # the message on one line, however long the path
    code, out, err = run_cli(monkeypatch, capfd, "publish", str(tmp_path / "missing"), "--repo-id", "x/y", "--dry-run")
    assert code == 2 and f"{tmp_path / 'missing'} does not exist" in err, err
    assert "Traceback" not in out + err and "publish plan" not in out


def test_refuses_a_build_of_a_corpus_outside_git(tmp_path, corpus_copy, monkeypatch, capfd):
    out = tmp_path / "dist"
    assert build(corpus_copy, out).written
    assert "not tracked by git" in refused(monkeypatch, capfd, out, "dirty-corpus")


def test_refuses_a_build_of_uncommitted_corpus_changes(tmp_path, monkeypatch, capfd):
    corpus = commit_corpus(tmp_path)
    ann = annotation(corpus)
    ann.write_text(ann.read_text(encoding="utf-8") + "# an uncommitted comment\n", encoding="utf-8")
    out = tmp_path / "dist"
    assert build(corpus, out).written
    assert "uncommitted changes" in refused(monkeypatch, capfd, out, "dirty-corpus")


def _drop_a_column(dist: Path) -> None:
    path = next((dist / "data" / "entities").glob("*.parquet"))
    table = pq.read_table(path)
    pq.write_table(table.drop_columns(["kb_id"]).replace_schema_metadata(table.schema.metadata), path)


def _break_card_yaml(dist: Path) -> None:
    card = dist / "README.md"
    card.write_text(card.read_text(encoding="utf-8").replace("configs:\n", "configs: [\n", 1), encoding="utf-8")


def _edit_croissant_sha(dist: Path) -> None:
    path = dist / "croissant.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    next(d for d in doc["distribution"] if d["@type"] == "cr:FileObject")["sha256"] = "0" * 64
    path.write_text(json.dumps(doc), encoding="utf-8")


MUTATIONS: dict[str, tuple[Callable[[Path], Any], str]] = {
    "parquet schema differs": (_drop_a_column, "schema-mismatch"),
    "card yaml broken": (_break_card_yaml, "card-yaml"),
    "listed file missing": (lambda d: next((d / "data" / "stances").glob("*.parquet")).unlink(), "file-missing"),
    "stray file": (lambda d: (d / "notes.txt").write_text("draft"), "unexpected-file"),
    "croissant stale": (_edit_croissant_sha, "croissant-stale"),
    "croissant missing": (lambda d: (d / "croissant.json").unlink(), "croissant-missing"),
    "croissant of another version": (lambda d: (d / "croissant.json").write_text(
        (d / "croissant.json").read_text().replace(f'"version": "{dataset_version()}"', '"version": "99.0.0"')),
        "version-mismatch"),
    "stray parquet file": (lambda d: shutil.copy(next((d / "data" / "events").glob("*.parquet")),
                                                 d / "data" / "events" / "extra.parquet"), "file-unlisted"),
}


@pytest.mark.parametrize("mutation", list(MUTATIONS))
def test_refuses_a_build_that_does_not_hold_together(released, tmp_path, mutation, monkeypatch, capfd):
    dist = tmp_path / "dist"
    shutil.copytree(released, dist)
    mutate, code = MUTATIONS[mutation]
    mutate(dist)
    refused(monkeypatch, capfd, dist, code)


class FakeHub:
    """The Hub endpoints `create_repo` + `upload_folder` use, answering like the Hub; requests are kept."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []
        self.fail_with: tuple[int, dict[str, Any]] | None = None
        self.remote_files = ["README.md", "data/old_config/train-00000-of-00001.parquet"]

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        self.requests.append(request)
        path = request.url.path
        if self.fail_with and path == "/api/repos/create":
            status, body = self.fail_with
            return httpx2.Response(status, json=body)
        if path == "/api/repos/create":
            return httpx2.Response(200, json={"url": "https://huggingface.co/datasets/x/y", "name": "x/y"})
        if path == "/api/validate-yaml":
            return httpx2.Response(200, json={"errors": [], "warnings": []})
        if "/branch/" in path:
            return httpx2.Response(200, json={})
        if "/tree/" in path:
            return httpx2.Response(200, json=[{"type": "file", "path": p, "size": 1, "oid": "0" * 40} for p in self.remote_files])
        if "/preupload/" in path:
            files = json.loads(request.content)["files"]
            return httpx2.Response(200, json={"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                                                        for f in files]})
        if path == "/api/datasets/x/y/discussions" and request.method == "POST":
            return httpx2.Response(200, json={"num": 1})
        if path == "/api/datasets/x/y/discussions/1":
            return httpx2.Response(200, json={
                "title": "t", "num": 1, "author": {"name": "maintainer"}, "createdAt": "2026-01-01T00:00:00.000Z",
                "status": "draft", "repo": {"name": "x/y", "type": "dataset"}, "isPullRequest": True, "events": [],
                "changes": {"base": "refs/heads/main"}, "filesWithConflicts": [], "diff": ""})
        if "/commit/" in path:
            oid = "c" * 40
            return httpx2.Response(200, json={"commitOid": oid, "commitUrl": f"https://huggingface.co/datasets/x/y/commit/{oid}"})
        return httpx2.Response(404, json={"error": f"the fake Hub has no {request.method} {path}"})

    def calls(self, method: str, fragment: str) -> list[httpx2.Request]:
        return [r for r in self.requests if r.method == method and fragment in r.url.path]

    def commit(self) -> tuple[dict[str, Any], dict[str, bytes], list[str]]:
        """(header, uploaded files by path, deleted paths) of the one commit."""
        [request] = self.calls("POST", "/commit/")
        lines = [json.loads(line) for line in request.content.decode().splitlines() if line.strip()]
        header = next(line["value"] for line in lines if line["key"] == "header")
        files = {line["value"]["path"]: base64.b64decode(line["value"]["content"]) for line in lines if line["key"] == "file"}
        deleted = [line["value"]["path"] for line in lines if line["key"] == "deletedFile"]
        return header, files, deleted


@pytest.fixture
def hub(monkeypatch):
    fake = FakeHub()
    monkeypatch.setenv("HF_TOKEN", FAKE_TOKEN)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    huggingface_hub.set_client_factory(lambda: httpx2.Client(
        transport=httpx2.MockTransport(fake), event_hooks={"request": [hf_request_event_hook]}, follow_redirects=True))
    yield fake
    huggingface_hub.set_client_factory(default_client_factory)


def run_cli(monkeypatch, capfd, *args: str) -> tuple[int, str, str]:
    """The console entry point in this process (so the fake Hub answers), with the process's stdout/stderr."""
    monkeypatch.setattr(sys, "argv", ["geosignal", *args])
    with pytest.raises(SystemExit) as exited:
        cli_module.run()
    captured = capfd.readouterr()
    return exited.value.code, captured.out, captured.err


def test_publish_uploads_the_build_in_one_dataset_commit(released, hub, monkeypatch, capfd):
    code, out, err = run_cli(monkeypatch, capfd, "publish", str(released), "--repo-id", "x/y")
    assert code == 0, err
    [create] = hub.calls("POST", "/api/repos/create")
    assert json.loads(create.content) == {"name": "y", "organization": "x", "type": "dataset"}
    assert all(r.headers["authorization"] == f"Bearer {FAKE_TOKEN}" for r in hub.requests if "/api/datasets/" in r.url.path)
    header, uploaded, deleted = hub.commit()
    card = (released / "README.md").read_text(encoding="utf-8")
    corpus_sha = card.split("corpus_sha256: ")[1].split()[0]
    assert header["summary"] == f"GeoSignal dataset {dataset_version()} (corpus sha256 {corpus_sha})"
    assert uploaded == files_of(released)  # every file, byte for byte, and nothing else
    assert deleted == ["data/old_config/train-00000-of-00001.parquet"]  # stale data of an older build
    assert "/api/datasets/x/y/commit/main" in hub.calls("POST", "/commit/")[0].url.path
    assert json.loads(hub.calls("POST", "/api/validate-yaml")[0].content)["repoType"] == "dataset"
    assert "published: https://huggingface.co/datasets/x/y/commit/" in out
    assert FAKE_TOKEN not in out + err


def test_publish_to_a_branch_as_a_pull_request(released, hub, monkeypatch, capfd):
    code, out, err = run_cli(monkeypatch, capfd, "publish", str(released), "--repo-id", "x/y", "--revision", "next")
    assert code == 0, err
    assert hub.calls("POST", "/api/datasets/x/y/branch/next") and hub.calls("POST", "/commit/next")
    hub.requests.clear()
    code, out, err = run_cli(monkeypatch, capfd, "publish", str(released), "--repo-id", "x/y", "--create-pr")
    assert code == 0, err
    [pr] = hub.calls("POST", "/api/datasets/x/y/discussions")
    assert json.loads(pr.content)["pullRequest"] is True
    [commit] = hub.calls("POST", "/commit/")
    assert commit.url.raw_path.decode().endswith("/commit/refs%2Fpr%2F1")  # into the pull request's ref
    assert "published: https://huggingface.co/datasets/x/y/discussions/1" in out


def test_the_token_never_appears_even_when_the_hub_echoes_it(released, hub, monkeypatch, capfd):
    hub.fail_with = (401, {"error": f"Invalid credentials in Authorization header: Bearer {FAKE_TOKEN}"})
    code, out, err = run_cli(monkeypatch, capfd, "publish", str(released), "--repo-id", "x/y")
    assert code == 1
    assert "publish failed" in err and "Invalid credentials" in err
    assert REDACTED in err  # the server's message did carry the token: it was redacted, not dropped
    assert FAKE_TOKEN not in out + err
    assert not hub.calls("POST", "/commit/")


def test_publish_without_a_token_exits_1(released, hub, monkeypatch, capfd, tmp_path):
    monkeypatch.delenv("HF_TOKEN")
    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(tmp_path / "no-token"))
    code, out, err = run_cli(monkeypatch, capfd, "publish", str(released), "--repo-id", "x/y")
    assert code == 1 and "HF_TOKEN" in err and not hub.requests
