"""The dataset version: one place (geosignal.toml), one command to bump it, the same everywhere in a build."""

from __future__ import annotations

import datetime
import json
import shutil
import tomllib

import pyarrow.parquet as pq
import pytest

from builders.release.card import BUILD_KEY
from builders.release.publish import read_card
from builders.files import project_file
from builders.release.metadata import CHANGELOG, METADATA, ReleaseError, bumped, current_release_date, dataset_version, release_date, with_entry, with_version
from builders.dataset.write import PARQUET_METADATA_KEY

from conftest import cli


def test_bumped_follows_semver():
    assert bumped("1.4.2", "major") == "2.0.0"
    assert bumped("1.4.2", "minor") == "1.5.0"
    assert bumped("1.4.2", "patch") == "1.4.3"
    with pytest.raises(ReleaseError):
        bumped("1.4", "patch")
    with pytest.raises(ReleaseError):
        bumped("1.4.2", "micro")


def test_with_version_rewrites_one_line_and_keeps_the_rest():
    text = project_file(METADATA).read_text(encoding="utf-8")
    out = with_version(text, "7.8.9")
    changed = [(a, b) for a, b in zip(text.splitlines(), out.splitlines()) if a != b]
    assert changed == [(f'version = "{dataset_version()}"', 'version = "7.8.9"')]
    before, after = tomllib.loads(text), tomllib.loads(out)
    assert after["dataset"].pop("version") == "7.8.9"
    before["dataset"].pop("version")
    assert before == after
    with pytest.raises(ReleaseError):
        with_version(text + '\n[other]\nversion = "1.0.0"\n', "7.8.9")


def test_changelog_entry_goes_above_the_newest_and_is_not_repeated():
    log = "# Changelog\n\nintro\n\n## [0.1.0] - 2026-01-02\n\n- first\n"
    out = with_entry(log, "0.2.0", "2026-03-04")
    assert out.index("## [0.2.0] - 2026-03-04") < out.index("## [0.1.0]")
    assert "### Added" in out and out.endswith("- first\n")
    assert release_date(out, "0.2.0") == "2026-03-04" and release_date(out, "0.1.0") == "2026-01-02"
    with pytest.raises(ReleaseError):
        with_entry(out, "0.2.0", "2026-03-05")


def test_version_bump_command_updates_the_one_version_and_the_changelog(tmp_path):
    for name in (METADATA, CHANGELOG):
        shutil.copy(project_file(name), tmp_path / name)
    old = dataset_version()
    result = cli("version", "bump", "minor", "--project", str(tmp_path))
    assert result.returncode == 0, result.stderr
    new = bumped(old, "minor")
    assert f"{old} -> {new}" in result.stdout
    assert tomllib.loads((tmp_path / METADATA).read_text())["dataset"]["version"] == new
    log = (tmp_path / CHANGELOG).read_text()
    assert release_date(log, new) == datetime.date.today().isoformat()
    assert log.index(f"## [{new}]") < log.index(f"## [{old}]")
    assert cli("version", "bump", "patch", "--project", str(tmp_path)).returncode == 0
    assert tomllib.loads((tmp_path / METADATA).read_text())["dataset"]["version"] == bumped(new, "patch")


def test_version_bump_without_project_file_exits_1(tmp_path):
    result = cli("version", "bump", "patch", "--project", str(tmp_path))
    assert result.returncode == 1 and "geosignal.toml" in result.stderr and "Traceback" not in result.stderr


def test_version_show_names_the_dataset_version():
    result = cli("version", "show")
    assert result.returncode == 0 and result.stdout.startswith(f"dataset {dataset_version()} ")


def test_current_version_has_a_changelog_entry():
    assert current_release_date() is not None


def test_version_is_the_same_in_card_croissant_and_parquet(built):
    version = dataset_version()
    assert read_card(built)[BUILD_KEY]["dataset_version"] == version
    assert f"Dataset version **{version}**" in (built / "README.md").read_text(encoding="utf-8")
    croissant = json.loads((built / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["version"] == version
    assert croissant["datePublished"] == current_release_date()
    files = sorted((built / "data").rglob("*.parquet"))
    assert files
    for path in files:
        meta = pq.read_schema(path).metadata
        assert json.loads(meta[PARQUET_METADATA_KEY.encode()])["dataset_version"] == version
        assert b"huggingface" in meta  # next to the key `datasets` reads, not instead of it
