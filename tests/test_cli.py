"""The real command line, as contributors and maintainers call it.

Most tests run the console entry point in the test process (conftest.cli); the first ones here run
the installed `geosignal` script in a new process, for the entry point and its exit codes, and check
that the in-process runs print what the installed command prints.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPUS, SEED_ID, annotation, assert_no_traceback, cli, cli_process, edit


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "geosignal"
    assert script.exists()
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("geosignal ")


def test_validate_clean_corpus_exits_0():
    result = cli_process("validate", str(CORPUS))
    assert result.returncode == 0, result.stdout
    assert "0 error(s)" in result.stdout


def test_usage_error_exits_2():
    result = cli_process("validate", "--format", "xml")
    assert result.returncode == 2
    assert "xml" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["validate", "--format", "text"], ["new", "--corpus", "x"]], ids=["findings", "usage"])
def test_in_process_runs_print_what_the_installed_command_prints(corpus_copy, args):
    """The harness the other tests use (conftest.cli) against the real script: same code, same output."""
    edit(annotation(corpus_copy), "holder: china", "holder: chian")
    args = [*args, str(corpus_copy)] if args[0] == "validate" else args
    real, here = cli_process(*args), cli(*args)
    assert real.returncode in (1, 2)
    assert (here.returncode, here.stdout, here.stderr) == (real.returncode, real.stdout, real.stderr)


@pytest.mark.parametrize("old, new, code, hint", [
    ("trigger: joint patrol", "trigger: joint patorl", "quote-not-found", "did you mean 'joint patrol'"),
    ("type: LOC", "type: LOCATION", "unknown-label", "did you mean 'LOC'"),
    ("{type: response_to, event: ev_patrol}", "{type: response_to, event: ev_patrl}", "dangling-reference",
     "did you mean 'ev_patrol'"),
], ids=["misspelled-quote", "unknown-label", "dangling-reference"])
def test_a_mistake_names_file_line_code_and_hint(corpus_copy, old, new, code, hint):
    line = edit(annotation(corpus_copy), old, new)
    result = cli("validate", str(corpus_copy))
    assert result.returncode == 1
    assert_no_traceback(result)
    assert f"{SEED_ID}/annotation.yaml:{line}: error [{code}]" in result.stdout
    assert hint in result.stdout


def test_all_findings_are_reported_in_one_run(corpus_copy):
    ann = annotation(corpus_copy)
    edit(ann, "trigger: joint patrol", "trigger: joint patorl")
    edit(ann, "holder: china", "holder: chian")
    result = cli("validate", str(corpus_copy), "--format", "json")
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    codes = sorted(f["code"] for f in payload["findings"])
    assert codes == ["dangling-reference", "quote-not-found"]
    for f in payload["findings"]:
        assert f["file"].endswith("annotation.yaml") and f["line"] and f["hint"]


def test_sha_mismatch_when_source_edited(corpus_copy):
    src = corpus_copy / SEED_ID / "source.txt"
    src.write_bytes(src.read_bytes().replace(b"this week", b"last week"))
    result = cli("validate", str(corpus_copy))
    assert result.returncode == 1
    assert "sha256-mismatch" in result.stdout and "source_sha256:" in result.stdout


def test_github_format(corpus_copy):
    line = edit(annotation(corpus_copy), "trigger: joint patrol", "trigger: joint patorl")
    result = cli("validate", str(corpus_copy), "--format", "github")
    assert result.returncode == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=") and f",line={line},title=quote-not-found::" in first
    assert "%0Ahint: " in first


def test_stats_formats_agree(built):
    from_corpus = json.loads(cli("stats", "--corpus", str(CORPUS), "--format", "json").stdout)
    from_build = json.loads(cli("stats", str(built), "--format", "json").stdout)
    assert from_corpus == from_build
    assert from_corpus["documents"] == 1 and from_corpus["events"]["total"] >= 2
    md = cli("stats", str(built), "--format", "markdown").stdout
    assert "| GPE |" in md and "**Events by realis**" in md
    table = cli("stats", str(built))
    assert table.returncode == 0 and "Stances" in table.stdout and "  support" in table.stdout


def test_stats_refuses_a_folder_that_is_not_a_build(tmp_path):
    result = cli("stats", str(tmp_path))
    assert result.returncode == 1 and "not a dataset folder" in result.stderr
