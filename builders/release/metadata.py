"""Release metadata (geosignal.toml), the semantic dataset version and CHANGELOG.md.

The version lives in ONE place, ``[dataset] version`` of geosignal.toml; the card, the Croissant
file and the Parquet schema metadata all read it from there at build time. ``bump`` is the only
writer: it rewrites that one line and starts a CHANGELOG entry, so nobody edits several files.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from builders.files import project_file
from builders.formats import VERSION_PARTS

METADATA = "geosignal.toml"
CHANGELOG = "CHANGELOG.md"
DATASHEET = "DATASHEET.md"
PARTS = VERSION_PARTS

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_VERSION_LINE = re.compile(r'^version\s*=\s*"([^"]*)"\s*$', re.M)
_ENTRY = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$", re.M)


class ReleaseError(Exception):
    """geosignal.toml or CHANGELOG.md cannot be read or updated as asked."""


@cache
def metadata() -> dict[str, Any]:
    """geosignal.toml, parsed; its version checked."""
    data = tomllib.loads(project_file(METADATA).read_text(encoding="utf-8"))
    check_version(data["dataset"]["version"])
    return data


def dataset_version() -> str:
    return metadata()["dataset"]["version"]


def check_version(version: str) -> str:
    if not _SEMVER.match(version):
        raise ReleaseError(f"dataset version {version!r} is not MAJOR.MINOR.PATCH")
    return version


def bumped(version: str, part: str) -> str:
    """The next version: ``bumped("1.4.2", "minor") == "1.5.0"``."""
    major, minor, patch = (int(x) for x in check_version(version).split("."))
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    if part == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise ReleaseError(f"unknown version part {part!r}; use one of {', '.join(PARTS)}")


def with_version(toml_text: str, version: str) -> str:
    """geosignal.toml with its one ``version = "..."`` line changed, everything else kept."""
    if len(_VERSION_LINE.findall(toml_text)) != 1:
        raise ReleaseError(f"{METADATA} must have exactly one `version = \"...\"` line")
    out = _VERSION_LINE.sub(f'version = "{check_version(version)}"', toml_text)
    if tomllib.loads(out)["dataset"]["version"] != version:
        raise ReleaseError(f"the `version` line of {METADATA} is not in its [dataset] table")
    return out


def with_entry(changelog: str, version: str, date: str) -> str:
    """CHANGELOG.md with an entry skeleton for ``version`` above the newest entry."""
    if any(m["version"] == version for m in _ENTRY.finditer(changelog)):
        raise ReleaseError(f"{CHANGELOG} already has an entry for {version}")
    entry = f"## [{version}] - {date}\n\n### Added\n\n### Changed\n\n### Removed\n\n"
    first = _ENTRY.search(changelog)
    if first is None:
        return changelog.rstrip("\n") + "\n\n" + entry.rstrip("\n") + "\n"
    return changelog[: first.start()] + entry + changelog[first.start():]


def release_date(changelog: str, version: str) -> str | None:
    """The date of ``version``'s CHANGELOG entry (fixed by the version, so builds stay identical)."""
    return next((m["date"] for m in _ENTRY.finditer(changelog) if m["version"] == version), None)


def current_release_date() -> str | None:
    path = project_file(CHANGELOG)
    return release_date(path.read_text(encoding="utf-8"), dataset_version()) if path.is_file() else None


def bump(project: Path, part: str, today: datetime.date | None = None) -> tuple[str, str]:
    """Bump the version in ``project``/geosignal.toml and add its CHANGELOG entry; return (old, new)."""
    toml_path, log_path = project / METADATA, project / CHANGELOG
    if not toml_path.is_file():
        raise ReleaseError(f"{toml_path} not found; run this in the project folder or pass --project")
    toml_text = toml_path.read_text(encoding="utf-8")
    old = tomllib.loads(toml_text)["dataset"]["version"]
    new = bumped(old, part)
    log = log_path.read_text(encoding="utf-8") if log_path.is_file() else "# Changelog\n"
    new_log = with_entry(log, new, (today or datetime.date.today()).isoformat())
    new_toml = with_version(toml_text, new)
    log_path.write_text(new_log, encoding="utf-8", newline="\n")
    toml_path.write_text(new_toml, encoding="utf-8", newline="\n")
    return old, new


def bibtex(version: str, date: str | None) -> str:
    """A BibTeX entry for this version of the dataset (card citation block, Croissant citeAs)."""
    meta = metadata()["dataset"]
    fields = [
        ("title", meta["title"]),
        ("author", "{" + meta["creator"] + "}"),
        ("year", date[:4] if date else None),
        ("version", version),
        ("url", meta.get("url") or None),
        ("note", "Dataset"),
    ]
    key = "geosignal_" + version.replace(".", "_")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}"
