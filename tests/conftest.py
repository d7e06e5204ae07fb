"""Shared fixtures. Nothing here reaches the network: datasets and the Hub run offline."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
# What every command run sees, in this process or a new one, whatever the shell running pytest
# exports: the width CI's pipes give (rich reads COLUMNS before the terminal's size), no forced
# colours. A test sets its own with monkeypatch or cli(env=...).
os.environ["COLUMNS"] = "80"
for _name in ("FORCE_COLOR", "TTY_COMPATIBLE", "NO_COLOR"):
    os.environ.pop(_name, None)
# datasets reads its cache location when it is imported, before any fixture runs: set it here
_HF_CACHE = Path(tempfile.mkdtemp(prefix="geosignal-tests-hf-"))
atexit.register(shutil.rmtree, _HF_CACHE, True)
os.environ["HF_DATASETS_CACHE"] = str(_HF_CACHE / "datasets")

REPO = Path(__file__).resolve().parent.parent
# The pipeline's tests run on a fixture corpus of their own (a copy of the seed article and its gold
# annotation), never on what corpus/ holds today: contributors add documents every day. Tests of the
# real corpus (tests/test_corpus.py) check properties that hold for any valid corpus.
CORPUS = REPO / "tests" / "data" / "corpus"
REAL_CORPUS = REPO / "corpus"
SEED_ID = "000_7230f43d1c5252f7"
SEED_RAW = CORPUS / SEED_ID / "source.txt"


@pytest.fixture(autouse=True, scope="session")
def _hf_cache(tmp_path_factory):
    """A private datasets cache, so tests never read a stale cache or a user's files."""
    cache = tmp_path_factory.mktemp("hf-cache")
    os.environ["HF_DATASETS_CACHE"] = str(cache / "datasets")
    os.environ["HF_HOME"] = str(cache / "home")
    os.environ["XDG_CACHE_HOME"] = str(cache / "xdg")  # the build cache of CLI runs
    os.environ["XDG_STATE_HOME"] = str(cache / "state")  # its signing key (chunkcache.py)
    yield


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture corpus."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


def _built(tmp_path_factory, name: str, corpus: Path) -> Path:
    """``corpus`` built once with the real CLI into a fresh folder."""
    out = tmp_path_factory.mktemp(name) / "dist"
    result = cli("build", "--corpus", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The fixture corpus built once with the real CLI."""
    return _built(tmp_path_factory, "build", CORPUS)


@pytest.fixture(scope="session")
def built_real(tmp_path_factory) -> Path:
    """The real corpus/ built once with the real CLI: for properties that hold for any valid corpus."""
    return _built(tmp_path_factory, "build-real", REAL_CORPUS)


_LOADED: dict[tuple, object] = {}


def load_dataset(folder: Path, *args, **kwargs):
    """``datasets.load_dataset`` of a built folder, with a cache of its own.

    datasets (5.2) keys its cache of a local folder by the folder's name and its file names, not
    by its path or the files' times, so two different folders both named ``dist`` would be read
    from one cache entry: the second load would return the first folder's rows.

    A folder is loaded once per session while its files stay as they were (names, sizes, times):
    the session fixtures' builds are loaded by many tests, and each load parses the card's YAML
    again (about a second). The result is not modified by any test (datasets returns new objects).
    """
    import datasets

    folder = Path(folder)
    key = (str(folder.resolve()), args, tuple(sorted(kwargs.items())), _files_state(folder))
    if key not in _LOADED:
        _LOADED[key] = datasets.load_dataset(str(folder), *args, cache_dir=str(folder_cache(folder)), **kwargs)
    return _LOADED[key]


def _files_state(folder: Path) -> tuple:
    return tuple((str(p.relative_to(folder)), st.st_size, st.st_mtime_ns)
                 for p in sorted(folder.rglob("*")) if p.is_file() for st in [p.stat()])


def folder_cache(folder: Path) -> Path:
    return _HF_CACHE / "per-folder" / hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:16]


@dataclass
class Ran:
    """What a run of the command line left: its exit code and what it printed (as subprocess.run gives)."""

    returncode: int
    stdout: str
    stderr: str


def cli(*args: str, cwd: Path | None = None, env: dict[str, str | None] | None = None) -> Ran:
    """Run the command line in this process, as the `geosignal` script does: the console entry point
    (``builders.cli.run``, with its exit codes and its last-resort handler) with this argv, its own
    stdin/stdout/stderr (click's CliRunner isolation), in ``cwd`` (default: the repository).

    The environment is the session's (set above: COLUMNS, no forced colours) with ``env`` on top
    for this call only (a value None removes a variable), and never GEOSIGNAL_DEBUG.
    A new interpreter per call cost seconds of imports each; the few tests of the installed command
    and of killed processes use :func:`cli_process`.
    """
    from click.testing import CliRunner

    from builders import cli as cli_module

    argv, here = sys.argv, os.getcwd()
    code: int | str | None = 0
    with CliRunner().isolation(env={"GEOSIGNAL_DEBUG": "", **(env or {})}) as (out, err, _):
        try:
            os.chdir(cwd or REPO)
            sys.argv = ["geosignal", *args]
            cli_module.run()
        except SystemExit as exc:
            code = exc.code
        finally:
            sys.argv = argv
            os.chdir(here)
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): printed on stderr, exit 1
        stderr, code = stderr + f"{code}\n", 1
    return Ran(code, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"))


def cli_process(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed `geosignal` script in a new process: for the tests of the entry point itself."""
    script = Path(sys.executable).parent / "geosignal"
    return subprocess.run(
        [str(script), *args],
        capture_output=True, text=True, cwd=cwd or REPO, env={**os.environ, "GEOSIGNAL_DEBUG": ""},
    )


def annotation(corpus: Path, doc_id: str = SEED_ID) -> Path:
    return corpus / doc_id / "annotation.yaml"


def edit(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace text in a file and return the 1-based line of the first change."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def assert_no_traceback(result: Ran | subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stdout + result.stderr
    assert "internal error" not in result.stdout + result.stderr


def commit_corpus(root: Path, *more: Path) -> Path:
    """A copy of the fixture corpus (and of the document folders ``more``) committed in a fresh git
    repository under ``root``: a clean build source."""
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    for folder in more:
        shutil.copytree(folder, corpus / folder.name)
    git = ["git", "-C", str(root), "-c", "user.name=GeoSignal tests", "-c", "user.email=tests@geosignal.invalid"]
    for args in (["init", "-q"], ["add", "corpus"], ["commit", "-q", "-m", "corpus"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    return corpus


@pytest.fixture(scope="session")
def released(tmp_path_factory) -> Path:
    """A build of a committed corpus, of the documents that may be redistributed: what a maintainer may
    publish (the seed's rights are not cleared: a CC0 document of tests/data/small is what it holds)."""
    root = tmp_path_factory.mktemp("release")
    out = root / "dist"
    corpus = commit_corpus(root, REPO / "tests" / "data" / "small" / "good_doc")
    result = cli("build", "--corpus", str(corpus), "--out", str(out), "--redistributable-only")
    assert result.returncode == 0, result.stderr
    return out


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path: two folders with equal digests are byte-identical."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
