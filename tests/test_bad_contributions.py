"""Bad contributions: each is refused with a finding a contributor can act on, and never hides the rest.

Every case is a small corpus: ``good_doc`` (valid, byte-identical to tests/data/small/good_doc) and
``new_doc``, the broken contribution. Most are stored under tests/bad/<case>/ exactly as a pull
request would bring them (.gitattributes keeps their bytes); the few git cannot hold faithfully
(links, a multi-gigabyte file, a FIFO) or that need a second path on the command line are made
in a temporary folder from tests/data/small. The library is called for every case; the real CLI
runs for a representative subset, to keep CI time low.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import json
import os
import pathlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from builders.run.build import build
from builders import validate

from conftest import assert_no_traceback, cli

TESTS = Path(__file__).resolve().parent
BAD = TESTS / "bad"
SMALL = TESTS / "data" / "small"
GOOD = "good_doc"
GIB = 1024**3


@dataclass(frozen=True)
class Case:
    code: str  # the finding's code
    file: str  # the last component of the path the finding names
    line: int | None  # the line it names; None where there is no line (a missing file, a folder)
    checked: int = 2  # documents validated (a linked folder is reported, not followed)


STORED: dict[str, Case] = {
    # level 1: files and encoding
    "source-missing": Case("file-missing", "source.txt", None),
    "annotation-missing": Case("file-missing", "annotation.yaml", None),
    "source-empty": Case("file-empty", "source.txt", None),
    "annotation-empty": Case("file-empty", "annotation.yaml", None),
    "source-not-utf8": Case("not-utf8", "source.txt", 3),
    "annotation-not-utf8": Case("not-utf8", "annotation.yaml", 13),
    "annotation-bom": Case("bom", "annotation.yaml", 1),
    "annotation-crlf": Case("line-endings", "annotation.yaml", 1),
    "source-is-a-folder": Case("not-a-file", "source.txt", None),
    "bad-doc-id": Case("bad-doc-id", "New Doc", None),
    # level 1: YAML syntax, and what safe YAML refuses
    "yaml-syntax": Case("yaml-syntax", "annotation.yaml", 60),
    "yaml-tab": Case("yaml-tab", "annotation.yaml", 31),
    "yaml-duplicate-key": Case("yaml-duplicate-key", "annotation.yaml", 37),
    "yaml-alias-bomb": Case("yaml-alias", "annotation.yaml", 24),
    "yaml-python-tag": Case("yaml-tag", "annotation.yaml", 8),
    "yaml-include-tag": Case("yaml-tag", "annotation.yaml", 14),
    "yaml-control-char": Case("yaml-syntax", "annotation.yaml", 9),
    "yaml-bool-key": Case("yaml-key", "annotation.yaml", 62),
    "yaml-deep-nesting": Case("yaml-syntax", "annotation.yaml", 29),
    "yaml-two-documents": Case("yaml-syntax", "annotation.yaml", 53),
    # level 2: the schema
    "not-a-mapping": Case("schema", "annotation.yaml", 1),
    "wrong-type": Case("wrong-type", "annotation.yaml", 28),
    "float-offset": Case("wrong-type", "annotation.yaml", 32),
    "unknown-label": Case("unknown-label", "annotation.yaml", 48),
    "missing-field": Case("missing-field", "annotation.yaml", 63),
    "unknown-field": Case("unknown-field", "annotation.yaml", 40),
    "wrong-format-version": Case("unknown-label", "annotation.yaml", 2),
    "source-name-path": Case("schema", "annotation.yaml", 5),
    # level 3: sources, spans, offsets, references, duplicates
    "sha256-mismatch": Case("sha256-mismatch", "annotation.yaml", 6),
    "dangling-reference": Case("dangling-reference", "annotation.yaml", 74),
    "duplicate-id": Case("duplicate-id", "annotation.yaml", 63),
    "quote-not-found": Case("quote-not-found", "annotation.yaml", 56),
    "quote-ambiguous": Case("quote-ambiguous", "annotation.yaml", 38),
    "span-path-quote": Case("quote-not-found", "annotation.yaml", 51),  # a quote is text, never a path
    "offsets-out-of-range": Case("offsets-out-of-range", "annotation.yaml", 32),
    "offsets-mismatch": Case("offsets-mismatch", "annotation.yaml", 32),
    "occurrence-out-of-range": Case("occurrence-out-of-range", "annotation.yaml", 39),
    "context-not-found": Case("context-not-found", "annotation.yaml", 45),
    "self-link": Case("self-link", "annotation.yaml", 70),
    "argument-not-a-mention": Case("argument-not-a-mention", "annotation.yaml", 59),
    "duplicate-mention": Case("duplicate-mention", "annotation.yaml", 52),
    "source-only-images": Case("empty-text", "annotation.yaml", 4),
    "same-article-twice": Case("duplicate-document", "source.txt", None),
    "same-article-rewrapped": Case("duplicate-document", "source.txt", None),
}


# ---- cases made at test time: (corpus, a folder outside it) -> extra command-line paths
def _sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that takes no disk space: reading it all would take seconds and memory."""
    path.unlink()
    with open(path, "wb") as f:
        f.truncate(size)


def _oversized_source(corpus: Path, outside: Path) -> list[str]:
    _sparse(corpus / "new_doc" / "source.txt", 3 * GIB)
    return []


def _oversized_annotation(corpus: Path, outside: Path) -> list[str]:
    _sparse(corpus / "new_doc" / "annotation.yaml", 1 * GIB)
    return []


def _linked_folder(corpus: Path, outside: Path) -> list[str]:
    shutil.move(corpus / "new_doc", outside / "new_doc")
    (corpus / "new_doc").symlink_to(outside / "new_doc", target_is_directory=True)
    return []


def _linked_source(corpus: Path, outside: Path) -> list[str]:
    shutil.move(corpus / "new_doc" / "source.txt", outside / "article.txt")
    (corpus / "new_doc" / "source.txt").symlink_to(outside / "article.txt")  # absolute, outside the corpus
    return []


def _linked_annotation(corpus: Path, outside: Path) -> list[str]:
    shutil.move(corpus / "new_doc" / "annotation.yaml", outside / "annotation.yaml")
    (corpus / "new_doc" / "annotation.yaml").symlink_to(Path("../../outside/annotation.yaml"))  # ../ out of the corpus
    return []


def _fifo_source(corpus: Path, outside: Path) -> list[str]:
    (corpus / "new_doc" / "source.txt").unlink()
    os.mkfifo(corpus / "new_doc" / "source.txt")  # reading it would block for ever
    return []


def _same_id_elsewhere(corpus: Path, outside: Path) -> list[str]:
    shutil.copytree(SMALL / "new_doc", outside / "new_doc")
    return [str(outside / "new_doc")]


def _absolute_path_argument(corpus: Path, outside: Path) -> list[str]:
    (outside / "notes.txt").write_text("not a document\n")
    return [str(outside / "notes.txt")]


def _dotdot_path_argument(corpus: Path, outside: Path) -> list[str]:
    (outside / "passwd").write_text("root:x:0:0\n")
    return [str(corpus / "new_doc" / ".." / ".." / "outside" / "passwd")]


GENERATED: dict[str, tuple[Case, Callable[[Path, Path], list[str]]]] = {
    "source-oversized": (Case("file-too-large", "source.txt", None), _oversized_source),
    "annotation-oversized": (Case("file-too-large", "annotation.yaml", None), _oversized_annotation),
    "symlinked-doc-folder": (Case("symlink", "new_doc", None, checked=1), _linked_folder),
    "symlinked-source": (Case("symlink", "source.txt", None), _linked_source),
    "symlinked-annotation": (Case("symlink", "annotation.yaml", None), _linked_annotation),
    "source-is-a-fifo": (Case("not-a-file", "source.txt", None), _fifo_source),
    "duplicate-doc-id": (Case("duplicate-doc-id", "new_doc", None, checked=3), _same_id_elsewhere),
    "cli-absolute-path": (Case("path-not-corpus", "notes.txt", None), _absolute_path_argument),
    "cli-dotdot-path": (Case("path-not-corpus", "passwd", None), _dotdot_path_argument),
}

CASES: dict[str, Case] = {**STORED, **{name: case for name, (case, _) in GENERATED.items()}}


def corpus_for(name: str, tmp_path: Path) -> list[Path]:
    """The paths to validate for a case: its stored corpus, or one made in tmp_path."""
    if name in STORED:
        return [BAD / name]
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    shutil.copytree(SMALL, corpus)
    outside.mkdir()
    extra = GENERATED[name][1](corpus, outside)
    return [corpus, *map(Path, extra)]


def is_good(file: str) -> bool:
    return GOOD in Path(file).parts


def test_there_are_at_least_30_cases_and_every_stored_one_is_in_the_table():
    stored = sorted(p.name for p in BAD.iterdir() if p.is_dir())
    assert stored == sorted(STORED)
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", sorted(STORED))
def test_every_case_holds_the_same_good_document(name):
    for file in ("source.txt", "annotation.yaml"):
        assert (BAD / name / GOOD / file).read_bytes() == (SMALL / GOOD / file).read_bytes()


def test_the_small_corpus_the_cases_break_is_clean():
    report = validate([SMALL])
    assert report.findings == [] and report.checked == 2
    assert sorted(report.valid) == [GOOD, "new_doc"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_contribution_is_refused_and_the_good_document_still_validated(name, tmp_path):
    case = CASES[name]
    report = validate(corpus_for(name, tmp_path))
    assert not report.ok
    hits = [f for f in report.findings if f.code == case.code and f.is_error]
    assert hits, [(f.code, f.file, f.line) for f in report.findings]
    assert Path(hits[0].file).name == case.file
    assert hits[0].line == case.line
    for f in report.findings:
        assert f.file and f.hint and f.message and f.code
        assert not is_good(f.file), f  # nothing is said about the good document ...
    assert report.checked == case.checked
    assert GOOD in report.valid  # ... which was validated to the end


# The real CLI on a representative subset: one per kind of failure, the hostile ones all included.
CLI_CASES = [
    "annotation-not-utf8", "annotation-crlf", "yaml-syntax", "yaml-alias-bomb", "yaml-python-tag",
    "unknown-label", "quote-not-found", "same-article-twice", "source-oversized", "symlinked-doc-folder",
    "cli-dotdot-path",
]


@pytest.mark.parametrize("name", CLI_CASES)
def test_cli_exits_1_naming_file_and_line_without_traceback(name, tmp_path):
    case = CASES[name]
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    result = cli("validate", *map(str, corpus_for(name, tmp_path)), cwd=workdir)
    assert result.returncode == 1, result.stdout + result.stderr
    assert_no_traceback(result)
    where = f"{case.file}:{case.line}" if case.line else case.file
    assert f"{where}: error [{case.code}]" in result.stdout
    assert f"checked {case.checked} document(s)" in result.stdout
    assert not [line for line in result.stdout.splitlines() if "/good_doc/" in line.split(": ")[0]]
    assert not (workdir / "geosignal-pwned").exists()  # the python tag case: os.system never ran


def test_cli_json_reports_every_case_finding_with_file_line_and_hint(tmp_path):
    result = cli("validate", str(BAD / "yaml-tab"), "--format", "json", cwd=tmp_path)
    payload = json.loads(result.stdout)
    assert result.returncode == 1 and payload["checked"] == 2 and payload["errors"] == 1
    (finding,) = payload["findings"]
    assert finding["file"].endswith("yaml-tab/new_doc/annotation.yaml") and finding["line"] == 31 and finding["hint"]


def test_python_object_tag_is_refused_and_never_constructed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the tag asks os.system to touch geosignal-pwned here
    report = validate([BAD / "yaml-python-tag"])
    assert [f.code for f in report.findings] == ["yaml-tag"]
    assert "python/object/apply" in report.findings[0].message
    assert not (tmp_path / "geosignal-pwned").exists()


def test_oversized_files_are_refused_without_being_opened(tmp_path, monkeypatch):
    """A 3 GiB sparse source: the limit is checked on the size the file system reports, before any read."""
    paths = corpus_for("source-oversized", tmp_path)
    big = (tmp_path / "corpus" / "new_doc" / "source.txt").resolve()
    assert big.stat().st_size == 3 * GIB
    opened: list[Path] = []

    def spy(real):
        def wrapper(file, *args, **kwargs):
            if isinstance(file, (str, bytes, os.PathLike)):
                opened.append(Path(os.fsdecode(file)).resolve())
            return real(file, *args, **kwargs)
        return wrapper

    monkeypatch.setattr(builtins, "open", spy(builtins.open))
    monkeypatch.setattr(io, "open", spy(io.open))
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: spy(open)(self, "rb").read())
    report = validate(paths)
    monkeypatch.undo()
    assert [f.code for f in report.findings] == ["file-too-large"]
    assert "3,221,225,472 bytes" in report.findings[0].message
    assert (tmp_path / "corpus" / GOOD / "source.txt").resolve() in opened  # the spy sees reads ...
    assert big not in opened  # ... and the big file was never opened


def test_several_broken_documents_are_all_reported_in_one_run(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SMALL / GOOD, corpus / GOOD)
    picks = {"yaml-tab": "doc_a", "unknown-label": "doc_b", "quote-not-found": "doc_c", "source-not-utf8": "doc_d"}
    for case, doc_id in picks.items():
        shutil.copytree(BAD / case / "new_doc", corpus / doc_id)
    report = validate([corpus])
    for case, doc_id in picks.items():
        codes = {f.code for f in report.findings if doc_id in Path(f.file).parts}
        assert CASES[case].code in codes, (doc_id, codes)
        assert codes <= {CASES[case].code, "duplicate-document"}  # the copies share a source, which is found too
    assert report.checked == 5 and report.valid == [GOOD]


def test_a_broken_source_does_not_hide_the_annotation_errors(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(BAD / "yaml-syntax", corpus)
    (corpus / "new_doc" / "source.txt").unlink()
    codes = sorted(f.code for f in validate([corpus]).findings)
    assert codes == ["file-missing", "yaml-syntax"]


@pytest.mark.parametrize(
    "name, fails_from_level",
    [("yaml-syntax", 1), ("annotation-crlf", 1), ("unknown-label", 2), ("missing-field", 2),
     ("quote-not-found", 3), ("sha256-mismatch", 3), ("same-article-twice", 3)],
)
def test_each_level_adds_its_checks_to_the_ones_before(name, fails_from_level):
    for level in (1, 2, 3, 4):
        report = validate([BAD / name], level=level)
        assert report.ok is (level < fails_from_level), (name, level)
        assert all(f.level <= level for f in report.findings)
        assert report.checked == 2


def test_level_4_adds_warnings_only(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SMALL, corpus)
    ann = corpus / "new_doc" / "annotation.yaml"
    ann.write_text(ann.read_text().replace("aliases: [Beijing]", "aliases: [Beijing, warships]"))  # no mention covers it
    assert validate([corpus], level=3).findings == []
    report = validate([corpus], level=4)
    assert report.ok and [(f.code, f.severity.value) for f in report.findings] == [("missed-mention", "warning")]


def test_build_refuses_a_bad_case_and_keeps_the_previous_output(tmp_path):
    out = tmp_path / "dist"
    assert build(SMALL, out).written
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*")) if p.is_file()}
    result = cli("build", "--corpus", str(BAD / "quote-not-found"), "--out", str(out))
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "new_doc/annotation.yaml:56: error [quote-not-found]" in result.stderr and "left as it was" in result.stderr
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*")) if p.is_file()} == before
