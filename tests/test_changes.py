"""``geosignal validate --changed-since REF``: only what a pull request touched, in a real git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from builders.check.changes import documents_touched

from conftest import assert_no_traceback, cli

SMALL = Path(__file__).resolve().parent / "data" / "small"
BAD = Path(__file__).resolve().parent / "bad"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose main branch holds the small valid corpus (good_doc, new_doc)."""
    root = tmp_path / "repo"
    shutil.copytree(SMALL, root / "corpus")
    git(root.parent, "init", "-q", "-b", "main", str(root))
    git(root, "add", ".")
    git(root, "commit", "-qm", "corpus")
    return root


def add_doc(repo: Path, case: str, doc_id: str) -> None:
    shutil.copytree(BAD / case / "new_doc", repo / "corpus" / doc_id)


def test_only_changed_and_untracked_documents_are_validated(repo):
    git(repo, "checkout", "-qb", "pr")
    ann = repo / "corpus" / "new_doc" / "annotation.yaml"
    ann.write_text(ann.read_text().replace("type: LOC", "type: SEA"))  # changed, committed
    git(repo, "commit", "-qam", "break new_doc")
    add_doc(repo, "quote-not-found", "zz_extra")  # untracked (its source also repeats new_doc's)
    result = cli("validate", "--changed-since", "main", "--format", "json", cwd=repo)
    assert result.returncode == 1
    assert "2 document(s) changed since main: new_doc, zz_extra" in result.stderr
    payload = json.loads(result.stdout)
    assert payload["checked"] == 2  # good_doc, unchanged, was not validated
    found = {(Path(f["file"]).parts[1], f["code"]) for f in payload["findings"]}
    assert found == {("new_doc", "unknown-label"), ("zz_extra", "quote-not-found"), ("zz_extra", "duplicate-document")}


def test_a_new_copy_of_an_unchanged_document_is_still_found(repo):
    shutil.copytree(repo / "corpus" / "good_doc", repo / "corpus" / "zz_copy")
    result = cli("validate", "--changed-since", "HEAD", cwd=repo)
    assert result.returncode == 1
    assert "checked 1 document(s)" in result.stdout
    assert "corpus/zz_copy/source.txt: error [duplicate-document]" in result.stdout and "'good_doc'" in result.stdout


def test_nothing_changed_validates_nothing_and_exits_0(repo):
    result = cli("validate", "--changed-since", "HEAD", cwd=repo)
    assert result.returncode == 0 and "checked 0 document(s)" in result.stdout
    assert "0 document(s) changed since HEAD" in result.stderr


def test_a_branch_behind_its_base_is_not_blamed_for_the_base(repo):
    git(repo, "checkout", "-qb", "pr")
    git(repo, "checkout", "-q", "main")
    src = repo / "corpus" / "good_doc" / "source.txt"
    src.write_bytes(src.read_bytes() + b"Added on main.\n")  # main moves on (and breaks its sha256)
    git(repo, "commit", "-qam", "main moves")
    git(repo, "checkout", "-q", "pr")
    add_doc(repo, "unknown-label", "pr_doc")
    result = cli("validate", "--changed-since", "main", cwd=repo)
    assert "1 document(s) changed since main: pr_doc" in result.stderr
    assert "good_doc" not in result.stdout


def test_a_change_to_the_schema_revalidates_everything(repo):
    (repo / "schema").mkdir()
    (repo / "schema" / "entity.schema.json").write_text("{}\n")
    result = cli("validate", "--changed-since", "HEAD", cwd=repo)
    assert result.returncode == 0 and "checked 2 document(s)" in result.stdout
    assert "validating every document" in result.stderr


def test_a_linked_document_folder_is_reported_not_followed(repo, tmp_path):
    outside = tmp_path / "outside"
    shutil.copytree(SMALL / "new_doc", outside)
    (repo / "corpus" / "linked").symlink_to(outside, target_is_directory=True)
    result = cli("validate", "--changed-since", "HEAD", cwd=repo)
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "corpus/linked: error [symlink]" in result.stdout


@pytest.mark.parametrize("ref, message", [("no-such-branch", "unknown git ref 'no-such-branch'"),
                                          ("--output=/tmp/x", "unknown git ref")])
def test_unknown_ref_is_a_usage_error(repo, ref, message):
    result = cli("validate", f"--changed-since={ref}", cwd=repo)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_outside_a_git_repository_is_a_usage_error(tmp_path):
    shutil.copytree(SMALL, tmp_path / "corpus")
    result = cli("validate", "--changed-since", "main", cwd=tmp_path)
    assert result.returncode == 2
    assert "not inside a git repository" in result.stderr


def test_documents_touched_maps_files_to_their_document_folders(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SMALL, corpus)
    files = [corpus / "new_doc" / "annotation.yaml", corpus / "gone_doc" / "source.txt",  # deleted since
             corpus / "README.md", tmp_path / "schema.txt", corpus / "new_doc" / "source.txt"]
    assert documents_touched(files, [corpus]) == [corpus / "new_doc"]
    assert documents_touched(files, [corpus / "good_doc"]) == []
    assert documents_touched(files, [corpus / "new_doc" / "annotation.yaml"]) == [corpus / "new_doc"]


def count_reads(monkeypatch) -> list[str]:
    """Record every sibling source the duplicate check reads from disk."""
    from builders.check import duplicates

    reads: list[str] = []
    real = duplicates.fingerprint_file

    def reading(source: Path):
        reads.append(source.parent.name)
        return real(source)

    monkeypatch.setattr(duplicates, "fingerprint_file", reading)
    return reads


def duplicate_of(report) -> list[str]:
    return [f.message for f in report.findings if f.code == "duplicate-document"]


def test_fingerprints_of_unchanged_sources_are_read_once_and_kept_by_blob_id(repo, tmp_path, monkeypatch):
    from builders import validate

    cache = tmp_path / "cache"
    shutil.copytree(repo / "corpus" / "good_doc", repo / "corpus" / "zz_copy")  # untracked, a copy
    reads = count_reads(monkeypatch)
    cold = validate([repo / "corpus" / "zz_copy"], workers=1, cache=cache)
    assert sorted(reads) == ["good_doc", "new_doc"] and (cache / "fingerprints.sqlite3").is_file()
    reads.clear()
    warm = validate([repo / "corpus" / "zz_copy"], workers=1, cache=cache)
    assert reads == []  # both siblings are tracked and unchanged: looked up, not read
    assert duplicate_of(warm) == duplicate_of(cold) and "'good_doc'" in duplicate_of(warm)[0]


def test_a_source_edited_in_the_work_tree_is_read_again_not_looked_up(repo, tmp_path, monkeypatch):
    """The stored fingerprint of good_doc's committed blob says 'not a copy'; the work tree says it is."""
    from builders import validate

    cache = tmp_path / "cache"
    other = repo / "corpus" / "new_doc" / "source.txt"
    validate([repo / "corpus" / "new_doc"], workers=1, cache=cache)  # stores good_doc's blob
    assert not duplicate_of(validate([repo / "corpus" / "new_doc"], workers=1, cache=cache))
    good = repo / "corpus" / "good_doc" / "source.txt"
    good.write_bytes(other.read_bytes().replace(b"\n", b"\n\n"))  # re-wrapped copy, not committed
    reads = count_reads(monkeypatch)
    report = validate([repo / "corpus" / "new_doc"], workers=1, cache=cache)
    assert reads == ["good_doc"]
    assert duplicate_of(report) and "the same text (up to white space and line endings) as the source of 'good_doc'" in duplicate_of(report)[0]


def test_an_unusable_cache_folder_is_not_used_and_nothing_is_missed(repo, tmp_path):
    from builders import validate

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be\n")
    shutil.copytree(repo / "corpus" / "good_doc", repo / "corpus" / "zz_copy")
    report = validate([repo / "corpus" / "zz_copy"], workers=1, cache=blocked)
    assert "'good_doc'" in duplicate_of(report)[0]
    result = cli("validate", "--changed-since", "HEAD", "--cache", str(blocked), cwd=repo)
    assert result.returncode == 1 and "duplicate-document" in result.stdout
    assert_no_traceback(result)


def test_a_full_validation_prepares_the_store_for_pull_requests(repo, tmp_path, monkeypatch):
    from builders import validate

    cache = tmp_path / "cache"
    validate([repo / "corpus"], workers=1, cache=cache)  # CI on the main branch
    shutil.copytree(repo / "corpus" / "new_doc", repo / "corpus" / "zz_copy")
    reads = count_reads(monkeypatch)
    report = validate([repo / "corpus" / "zz_copy"], workers=1, cache=cache)  # the next pull request
    assert reads == [] and "'new_doc'" in duplicate_of(report)[0]


def test_packed_fingerprints_give_back_what_was_put_in():
    from builders.check.duplicates import Packed, fingerprint

    fps = [fingerprint(b"a b\n", "a b\n"), None, fingerprint("caf\u00e9\n".encode(), "caf\u00e9\n"), None]
    packed = Packed()
    for fp in fps:
        packed.append(fp)
    assert len(packed) == 4 and list(packed) == fps
