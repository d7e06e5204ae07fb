"""Findings that ask for nothing (notes) are counted in the summary and listed only with --verbose."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from builders.cli import app
from builders.findings import Finding, Severity
from builders.report import render, summary

from conftest import CORPUS

NOTE = Finding("corpus/a/annotation.yaml", None, "span-overlap-dropped", "entity 'x' overlaps entity 'y'",
               "nothing to fix", Severity.NOTE, 4)
WARNING = Finding("corpus/a/annotation.yaml", 3, "span-off-token-boundary", "a mention cuts a word", "quote the whole word",
                  Severity.WARNING, 4)


def test_notes_are_counted_apart_and_listed_on_request():
    quiet = render([WARNING, NOTE, NOTE], 1, "text", verbose=False)
    assert "span-off-token-boundary" in quiet and "overlaps" not in quiet
    assert quiet.splitlines()[-1] == ("checked 1 document(s): 0 error(s), 1 warning(s), "
                                      "2 note(s) (span-overlap-dropped 2; --verbose lists them)")
    loud = render([WARNING, NOTE, NOTE], 1, "text", verbose=True)
    assert loud.count("note [span-overlap-dropped]") == 2
    assert loud.splitlines()[-1].endswith("2 note(s) (span-overlap-dropped 2)")
    assert summary([WARNING], 1) == "checked 1 document(s): 0 error(s), 1 warning(s)"  # no notes, no mention of them


def test_tools_get_every_note():
    payload = json.loads(render([WARNING, NOTE], 1, "json", verbose=False))
    assert (payload["warnings"], payload["notes"], len(payload["findings"])) == (1, 1, 2)
    github = render([NOTE], 1, "github").splitlines()[0]
    assert github.startswith("::notice file=")  # Actions knows error, warning and notice


def test_a_build_counts_overlaps_and_lists_them_with_verbose(tmp_path):
    runner = CliRunner()
    quiet = runner.invoke(app, ["build", "--corpus", str(CORPUS), "--out", str(tmp_path / "a")])
    assert quiet.exit_code == 0, quiet.output
    assert "warning [span-overlap-dropped]" not in quiet.stderr and "note [span-overlap-dropped]" not in quiet.stderr
    assert "note(s) (span-overlap-dropped" in quiet.stderr and "--verbose lists them" in quiet.stderr
    loud = runner.invoke(app, ["build", "--corpus", str(CORPUS), "--out", str(tmp_path / "b"), "--verbose"])
    assert loud.exit_code == 0, loud.output
    listed = loud.stderr.count("note [span-overlap-dropped]")
    assert listed > 0 and f"{listed} note(s) (span-overlap-dropped {listed})" in loud.stderr
