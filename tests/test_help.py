"""Help screens and usage errors, as a new contributor meets them (in-process)."""

from __future__ import annotations

import re

import click
import pytest
import typer
from typer.testing import CliRunner

from builders.cli import app

from conftest import CORPUS


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})


def commands() -> list[tuple[str, ...]]:
    """Every command and group of the CLI, as the words that name it."""
    out: list[tuple[str, ...]] = []

    def walk(command: click.Command, words: tuple[str, ...]) -> None:
        out.append(words)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            walk(sub, (*words, name))

    walk(typer.main.get_command(app), ())
    return out


def test_every_command_is_listed():
    names = {" ".join(words) for words in commands()}
    assert {"", "build", "validate", "show", "stats", "version bump", "import inception"} <= names


@pytest.mark.parametrize("words", commands(), ids=lambda w: " ".join(w) or "geosignal")
def test_help_is_clean_and_h_is_help(words):
    long, short = invoke(*words, "--help"), invoke(*words, "-h")
    assert long.exit_code == 0 and short.exit_code == 0, short.output
    assert short.stdout == long.stdout
    assert "<bool>" not in long.stdout  # a flag takes no value
    assert not re.search(r"\w \.", long.stdout), "a space before a full stop: text eaten by the markup?"
    for option in re.split(r"\n(?=│\s+-)", long.stdout):  # one block of rows per option
        if re.match(r"│\s+--(workers|cache)\s", option):
            assert "[default:" in option, f"{words}: {option.splitlines()[0].strip()} has no default shown"


@pytest.mark.parametrize("command", [["build"], ["stats"], ["export", "--format", "jsonl", "--out", "x"], ["show", "doc"],
                                     ["agree"]])
def test_a_wrong_corpus_path_is_a_usage_error(tmp_path, command):
    result = invoke(*command, "--corpus", str(tmp_path / "nowhere"))
    assert result.exit_code == 2, result.output
    assert "nowhere" in result.output and "not a folder" in result.output
    assert not (tmp_path / "x").exists()


MISSING = "nowhere/at-all"  # under tmp_path


@pytest.mark.parametrize("command", [
    ["validate", MISSING], ["validate", str(CORPUS), MISSING], ["stats", MISSING], ["export", MISSING, "--format", "jsonl", "--out", "x"],
    ["show", MISSING], ["code", MISSING], ["code", "--cross-validate", MISSING], ["code", "--collection", MISSING, "--out", "x"],
    ["evaluate", MISSING, str(CORPUS)], ["evaluate", str(CORPUS), MISSING], ["agree", MISSING, str(CORPUS)],
    ["agree", str(CORPUS), MISSING], ["new", MISSING, "--corpus", "x"], ["new", "--csv", MISSING, "--row", "0", "--corpus", "x"],
    ["publish", MISSING, "--repo-id", "owner/name", "--dry-run"]], ids=" ".join)
def test_a_path_that_does_not_exist_is_a_usage_error(tmp_path, monkeypatch, command):
    """Exit 2 and one message naming the path, before any work: as a --corpus that is no folder."""
    monkeypatch.chdir(tmp_path)
    result = invoke(*command)
    assert result.exit_code == 2, result.output
    assert re.search(r"nowhere/at-all[^\n]* does not exist", result.output), result.output
    assert "Traceback" not in result.output and not (tmp_path / "x").exists()


def test_a_corpus_that_is_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "corpus.txt").write_text("not a corpus\n")
    result = invoke("build", "--corpus", str(tmp_path / "corpus.txt"), "--out", str(tmp_path / "dist"))
    assert result.exit_code == 2 and "not a folder" in result.output
    assert invoke("stats", "--corpus", str(CORPUS), "--format", "json").exit_code == 0  # a real one still works


def command_functions(group: typer.Typer = app) -> list:
    """The functions behind every command and group callback of the CLI."""
    found = [info.callback for info in group.registered_commands]
    if group.registered_callback is not None:
        found.append(group.registered_callback.callback)
    for sub in group.registered_groups:
        found.extend(command_functions(sub.typer_instance))
    return found


def test_every_parameter_is_in_annotated_style():
    """typer's ``Annotated`` style (the team's standard): the option's declaration in the type, the
    default a plain value, so a command can be called as a function with its real defaults."""
    import inspect
    from typing import get_type_hints

    old = []
    functions = command_functions()
    assert len(functions) >= 12, functions
    for function in functions:
        hints = get_type_hints(function, include_extras=True)
        for name, param in inspect.signature(function).parameters.items():
            declared = [m for m in getattr(hints[name], "__metadata__", ()) if isinstance(m, typer.models.ParameterInfo)]
            if len(declared) != 1 or isinstance(param.default, typer.models.ParameterInfo):
                old.append(f"{function.__name__}({name})")
    assert not old, "write these as name: Annotated[T, typer.Option(...)] = default: " + ", ".join(old)
