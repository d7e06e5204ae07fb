"""The README's "Train a model" snippet runs as written, offline, on a --redistributable-only build of a
fixture corpus large enough for the hashed splits to give a test split, and scores on `test`."""

from __future__ import annotations

import contextlib
import io
import re
import shutil

import datasets
import pytest

import conftest
from builders import schema
from conftest import CORPUS, REPO, SEED_ID, cli
from gencorpus import write_corpus

DOCUMENTS = 60  # past splits.toml's min_documents, so validation and test exist


def snippet() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- train-snippet -->\n```python\n(.*?)```\n<!-- /train-snippet -->", readme, re.S)
    assert match, "README.md has no train-snippet block"
    return match.group(1)


@pytest.fixture(scope="module")
def release_build(tmp_path_factory):
    """Generated documents plus the seed (whose rights are not cleared), built for release."""
    root = tmp_path_factory.mktemp("train-snippet")
    corpus = write_corpus(root / "corpus", range(DOCUMENTS))
    shutil.copytree(CORPUS / SEED_ID, corpus / SEED_ID)
    out = root / "dist"
    result = cli("build", "--redistributable-only", "--corpus", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def test_readme_train_snippet_trains_on_train_and_scores_on_test(release_build, tmp_path, monkeypatch):
    code = snippet()
    assert 'load_dataset("dist", "ner")' in code and 'ner["test"]' in code
    loaded = conftest.load_dataset(release_build, "ner")
    assert set(loaded) == {"train", "validation", "test"}
    assert SEED_ID not in {d for split in loaded.values() for d in split["doc_id"]}  # the release leaves it out
    (tmp_path / "dist").symlink_to(release_build, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    # the snippet's "dist" is this symlink; give it the per-folder cache the other tests use
    original = datasets.load_dataset
    monkeypatch.setattr(datasets, "load_dataset", lambda path, *a, **k: original(
        path, *a, cache_dir=str(conftest.folder_cache(tmp_path / path)), **k))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md#train-a-model", "exec"), {"__name__": "__readme__"})
    report = out.getvalue()
    test_docs = len(set(loaded["test"]["doc_id"]))
    train_docs = len(set(loaded["train"]["doc_id"]))
    assert f"trained on {train_docs} documents, scored on {test_docs} test documents" in report
    types = schema.schemas()["entity"]["$defs"]["entity_type"]["enum"]
    assert "micro avg" in report and any(f" {t} " in report for t in types)
