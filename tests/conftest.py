"""Shared fixtures. Nothing here reaches the network: datasets and the Hub run offline."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
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


def load_dataset(folder: Path, *args, **kwargs):
    """``datasets.load_dataset`` of a built folder, with a cache of its own.

    datasets (5.2) keys its cache of a local folder by the folder's name and its file names, not
    by its path or the files' times, so two different folders both named ``dist`` would be read
    from one cache entry: the second load would return the first folder's rows.
    """
    import datasets

    return datasets.load_dataset(str(folder), *args, cache_dir=str(folder_cache(folder)), **kwargs)


def folder_cache(folder: Path) -> Path:
    return _HF_CACHE / "per-folder" / hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:16]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line (the same entry point as the `geosignal` script)."""
    return subprocess.run(
        [sys.executable, "-m", "builders", *args],
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


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
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
