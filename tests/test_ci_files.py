"""CI for contributors: the GitHub workflow and the pre-commit hook call the real CLI, and it works."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
import typer
import yaml

from builders.cli import app
from builders.findings import Finding, Severity
from builders.report import as_github

from conftest import REPO, cli
from test_changes import SMALL, git

WORKFLOW = REPO / ".github" / "workflows" / "validate.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps() -> list[dict]:
    (job,) = workflow()["jobs"].values()
    return job["steps"]


def geosignal_commands() -> list[list[str]]:
    """Every `geosignal validate|new ...` line of the workflow, the hook and CONTRIBUTING.md, split as a shell would."""
    lines = [s["run"] for s in steps() if "run" in s and s["run"].startswith("geosignal ")]
    lines += [h["entry"] for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))]
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").replace("\\\n", " ")
    lines += re.findall(r"^(geosignal (?:validate|new) .*?)(?:\s+#.*)?$", guide, re.M)
    return [shlex.split(line.replace("<doc_id>", "doc")) for line in lines]


def test_workflow_runs_on_pull_requests_with_full_history_and_python_3_11():
    triggers = workflow().get("on", workflow().get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    checkout = next(s for s in steps() if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    python = next(s for s in steps() if s.get("uses", "").startswith("actions/setup-python@"))
    assert str(python["with"]["python-version"]) == "3.11"
    runs = [s.get("run", "") for s in steps()]
    assert "pip install ." in runs
    pr_step = next(s for s in steps() if "--changed-since" in s.get("run", ""))
    assert pr_step["if"] == "github.event_name == 'pull_request'" and "--format github" in pr_step["run"]
    assert runs[-1] == ".ci/run"  # the README's test command, exactly as the README writes it
    assert "<!-- test-command -->" in (REPO / ".ci" / "run").read_text() and (REPO / ".ci" / "run").stat().st_mode & 0o111


def test_workflow_is_hardened_for_strangers_pull_requests():
    """Read-only token, no credentials left in the checkout, no ${{ }} in a shell line, actions
    pinned by a full commit id, pinned dependencies."""
    flow = workflow()
    (job,) = flow["jobs"].values()
    for permissions in (flow.get("permissions"), job.get("permissions")):
        assert permissions == {"contents": "read"}
    for step in steps():
        assert "${{" not in step.get("run", ""), step
        if "uses" in step:
            action, _, ref = step["uses"].partition("@")
            assert re.fullmatch(r"[0-9a-f]{40}", ref), f"{action} is not pinned by commit: {ref}"
    checkout = next(s for s in steps() if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    pr_step = next(s for s in steps() if "--changed-since" in s.get("run", ""))
    assert pr_step["env"]["BASE_REF"] == "${{ github.base_ref }}" and '"origin/$BASE_REF"' in pr_step["run"]
    constraint = REPO / job["env"]["PIP_CONSTRAINT"]
    pins = [line for line in constraint.read_text().splitlines() if line and not line.startswith("#")]
    assert pins and all(re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[^=\s]+", line) for line in pins), pins[:3]
    names = {line.split("==")[0].lower().replace("_", "-") for line in pins}
    assert {"datasets", "pyarrow", "jsonschema", "spacy", "pytest", "hypothesis"} <= names


def test_workflow_keeps_the_fingerprint_store_where_validate_looks_for_it(monkeypatch, tmp_path):
    from builders.check.duplicates import FingerprintStore
    from builders.run.runner import default_cache_dir

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    names = [s.get("uses", "") or s.get("run", "") for s in steps()]
    (cached,) = [s for s in steps() if s.get("uses", "").startswith("actions/cache@")]
    assert cached["with"]["path"].replace("~", str(tmp_path), 1) == str(FingerprintStore(default_cache_dir()).path)
    first_validate = min(i for i, n in enumerate(names) if n.startswith("geosignal validate"))
    assert names.index(cached["uses"]) < first_validate


def test_pre_commit_hook_is_exposed():
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert hook["id"] == "geosignal-validate" and hook["language"] == "python"
    assert hook["entry"].split()[:2] == ["geosignal", "validate"]
    assert re.search(hook["files"], "corpus/new_doc/annotation.yaml") and not re.search(hook["files"], "README.md")


@pytest.mark.parametrize("argv", geosignal_commands(), ids=" ".join)
def test_every_command_and_option_called_exists(argv):
    group = typer.main.get_command(app)
    assert argv[0] == "geosignal" and argv[1] in group.commands
    known = {opt for p in group.commands[argv[1]].params for opt in p.opts}
    for token in argv[2:]:
        if token.startswith("--"):
            assert token.split("=")[0] in known, token


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A contributor's clone of a repository whose main branch holds the small corpus."""
    upstream = tmp_path / "upstream"
    shutil.copytree(SMALL, upstream / "corpus")
    git(tmp_path, "init", "-q", "-b", "main", str(upstream))
    git(upstream, "add", ".")
    git(upstream, "commit", "-qm", "corpus")
    git(tmp_path, "clone", "-q", str(upstream), str(tmp_path / "clone"))
    return tmp_path / "clone"


def test_the_workflow_pull_request_step_runs_for_real(clone):
    (line,) = [s["run"] for s in steps() if "--changed-since" in s.get("run", "")]
    argv = shlex.split(line.replace("$BASE_REF", "main"))
    git(clone, "checkout", "-qb", "contribution")
    ann = clone / "corpus" / "new_doc" / "annotation.yaml"
    line_no = ann.read_text().splitlines().index("    type: LOC") + 1
    ann.write_text(ann.read_text().replace("    type: LOC", "    type: SEA"))
    git(clone, "commit", "-qam", "a contribution")
    result = cli(*argv[1:], cwd=clone)
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"::error file=corpus/new_doc/annotation.yaml,line={line_no},title=unknown-label::")
    assert result.stdout.splitlines()[-1] == "checked 1 document(s): 1 error(s), 0 warning(s)"


def test_the_pre_commit_hook_runs_for_real(clone):
    (hook,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    argv = shlex.split(hook["entry"])
    files = [f for f in git(clone, "ls-files").splitlines() if re.search(hook["files"], f)]
    assert len(files) == 4
    assert cli(*argv[1:], *files, cwd=clone).returncode == 0
    (clone / "corpus" / "good_doc" / "annotation.yaml").write_text("format: [\n")
    result = cli(*argv[1:], *files, cwd=clone)
    assert result.returncode == 1 and "corpus/good_doc/annotation.yaml:1: error [yaml-syntax]" in result.stdout


def test_github_annotations_escape_what_workflow_commands_reserve():
    findings = [
        Finding("corpus/a,b:c%d/annotation.yaml", 3, "quote-not-found", "50% of 'a\nb', c: d\r", "fix: it, now"),
        Finding("corpus/x/annotation.yaml", None, "missed-mention", "plain", "hint", Severity.WARNING, level=4),
    ]
    lines = as_github(findings, 2).splitlines()
    assert lines[0] == ("::error file=corpus/a%2Cb%3Ac%25d/annotation.yaml,line=3,title=quote-not-found::"
                        "50%25 of 'a%0Ab', c: d%0D%0Ahint: fix: it, now")
    assert lines[1] == "::warning file=corpus/x/annotation.yaml,title=missed-mention::plain%0Ahint: hint"
    assert lines[2] == "checked 2 document(s): 1 error(s), 1 warning(s)"
