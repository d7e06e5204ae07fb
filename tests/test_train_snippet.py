"""The README's "Train a model" snippet runs as written, on a built dataset, offline."""

from __future__ import annotations

import contextlib
import io
import re

import datasets

import conftest
from builders import schema
from conftest import REPO


def snippet() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- train-snippet -->\n```python\n(.*?)```\n<!-- /train-snippet -->", readme, re.S)
    assert match, "README.md has no train-snippet block"
    return match.group(1)


def test_readme_train_snippet_runs_on_the_built_dataset(built, tmp_path, monkeypatch):
    code = snippet()
    assert 'load_dataset("dist", "ner")' in code
    (tmp_path / "dist").symlink_to(built, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    # the snippet's "dist" is this symlink; give it the per-folder cache the other tests use
    original = datasets.load_dataset
    monkeypatch.setattr(datasets, "load_dataset", lambda path, *a, **k: original(
        path, *a, cache_dir=str(conftest.folder_cache(tmp_path / path)), **k))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md#train-a-model", "exec"), {"__name__": "__readme__"})
    report = out.getvalue()
    types = schema.schemas()["entity"]["$defs"]["entity_type"]["enum"]
    assert "micro avg" in report and any(f" {t} " in report for t in types)
