"""`geosignal publish`: check a built folder, plan its upload to the Hub, and upload it.

``check`` refuses what must not be released (a folder that is not a GeoSignal build or does not
hold together, a build of uncommitted corpus work); ``make_plan`` is pure (files, sizes, sha256,
target, commit message); ``upload`` is the thin I/O edge on ``huggingface_hub``. The token comes
from ``huggingface_hub`` (HF_TOKEN or the saved login) and is redacted from every message.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import yaml

from builders.release.card import BUILD_KEY
from builders.source.corpus import display
from builders.release.croissant import FILE as CROISSANT
from builders.findings import Finding
from builders.files import FileEntry, file_entry, file_sha256
from builders.release.provenance import CLEAN
from builders.schema import ALL_CONFIGS
from builders.dataset.outdir import MANIFEST, OutputRefused, check_owned
from builders.dataset.write import PARQUET_METADATA_KEY, arrow_schema, is_previous_build

REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
DEFAULT_REVISION = "main"
DELETE_PATTERNS = ("data/**",)  # remote data files that this build no longer has are removed
REDACTED = "hf_***"


@dataclass(frozen=True)
class Plan:
    folder: Path
    repo_id: str
    revision: str
    create_pr: bool
    private: bool
    version: str
    corpus_sha256: str
    files: tuple[FileEntry, ...]

    @property
    def commit_message(self) -> str:
        return f"GeoSignal dataset {self.version} (corpus sha256 {self.corpus_sha256})"

    def to_text(self) -> str:
        total = sum(f.size for f in self.files)
        width = max(len(f.path) for f in self.files)
        target = "a pull request against" if self.create_pr else "a commit on"
        lines = [
            f"repo:     datasets/{self.repo_id} (created if missing, {'private' if self.private else 'public'})",
            f"revision: {self.revision} ({target} it)",
            f"commit:   {self.commit_message}",
            f"deletes:  remote files matching {', '.join(DELETE_PATTERNS)} that this build does not have",
            f"files:    {len(self.files)}, {total:,} bytes",
        ]
        lines += [f"  {f.path:<{width}}  {f.size:>10,}  sha256 {f.sha256}" for f in self.files]
        return "\n".join(lines) + "\n"


def inventory(folder: Path) -> list[FileEntry]:
    """Every file of the folder (what ``upload_folder`` would send), with size and sha256."""
    return [file_entry(folder, p) for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST]


def make_plan(files: list[FileEntry], build: dict[str, Any], folder: Path, repo_id: str,
              revision: str | None = None, create_pr: bool = False, private: bool = False) -> Plan:
    """What ``upload`` will do; no I/O."""
    return Plan(folder, repo_id, revision or DEFAULT_REVISION, create_pr, private,
                str(build["dataset_version"]), str(build["corpus_sha256"]), tuple(files))


def read_card(folder: Path) -> dict[str, Any] | None:
    """The card's YAML metadata, or None when it has none that parses to a mapping."""
    text = (folder / "README.md").read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?\n)---\n", text, re.S)
    if match is None:
        return None
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return None
    return meta if isinstance(meta, dict) else None


def _listed_paths(config: dict[str, Any]) -> list[str]:
    files = config.get("data_files", [])
    entries = [files] if isinstance(files, (str, dict)) else files
    paths: list[str] = []
    for entry in entries:
        value = entry.get("path", []) if isinstance(entry, dict) else entry
        paths += [value] if isinstance(value, str) else list(value)
    return paths


def check(folder: Path) -> tuple[list[Finding], dict[str, Any] | None]:
    """Findings that make ``folder`` unfit to publish, and the build info of its card."""
    where = display(folder)

    def finding(file: str, code: str, message: str, hint: str) -> Finding:
        return Finding(file, None, code, message, hint, level=1)

    if not folder.is_dir() or not is_previous_build(folder):
        return [finding(where, "not-a-build", f"{where} is not a dataset folder written by `geosignal build`",
                        "build it first: geosignal build --out DIST_DIR")], None

    as_built: list[Finding] = []
    try:  # every file as the build wrote it (its manifest's sha256), and nothing else
        check_owned(folder, "build")
    except OutputRefused as exc:
        as_built.append(finding(where, "not-as-built", str(exc).split("; choose another --out")[0],
                                "rebuild the folder; publish sends exactly what the build wrote"))
    card = display(folder / "README.md")
    meta = read_card(folder)
    if meta is None or not isinstance(meta.get("configs"), list) or not meta["configs"]:
        return [finding(card, "card-yaml", "the card's YAML metadata does not parse or lists no configs",
                        "rebuild the folder; do not edit dist/README.md by hand")], None
    build = meta.get(BUILD_KEY)
    if not isinstance(build, dict) or not {"dataset_version", "corpus_sha256", "corpus_git"} <= build.keys():
        return [finding(card, "no-build-info", f"the card has no `{BUILD_KEY}` build record (version, corpus hash)",
                        "rebuild the folder with this version of geosignal")], None
    findings: list[Finding] = as_built
    if build["corpus_git"] != CLEAN:
        state = "has uncommitted changes" if build["corpus_git"] == "dirty" else "is not tracked by git"
        findings.append(finding(card, "dirty-corpus", f"the build was made from a corpus that {state}",
                                "commit the corpus, then rebuild and publish that build"))
    version = str(build["dataset_version"])
    files = {f.path for f in inventory(folder)}
    listed: dict[str, str] = {}  # data file -> config, as the card lists them
    card_configs = {c.get("config_name") for c in meta["configs"] if isinstance(c, dict)}
    for missing in sorted({"documents"} - card_configs):  # other configs are left out when they have no rows
        findings.append(finding(card, "config-missing", f"the card lists no config {missing!r}", "rebuild the folder"))
    for config in meta["configs"]:
        if not isinstance(config, dict):
            continue
        for pattern in _listed_paths(config):
            matched = [f for f in files if fnmatch.fnmatchcase(f, pattern)]
            if not matched:
                findings.append(finding(card, "file-missing", f"{pattern} is listed in the card but no such file exists",
                                        "rebuild the folder"))
            listed.update({f: config.get("config_name") for f in matched})
    findings += _check_parquet(folder, files, listed, version)
    findings += _check_licences(folder, listed)
    findings += _check_croissant(folder, files, set(listed), version)
    for extra in sorted(f for f in files - set(listed) - {"README.md", CROISSANT} if not f.endswith(".parquet")):
        findings.append(finding(display(folder / extra), "unexpected-file", f"{extra} is not part of the build",
                                "remove it: publish uploads exactly what the build wrote"))
    return findings, build


def _check_parquet(folder: Path, files: set[str], listed: dict[str, str], version: str) -> list[Finding]:
    import pyarrow.parquet as pq

    out = []
    for path in sorted(f for f in files if f.endswith(".parquet")):
        where = display(folder / path)
        config = listed.get(path)
        if config not in ALL_CONFIGS:
            out.append(Finding(where, None, "file-unlisted", f"{path} is not a data file of any config in the card",
                               "rebuild the folder", level=1))
            continue
        try:
            schema = pq.read_schema(folder / path)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is a finding, not a crash
            out.append(Finding(where, None, "parquet-unreadable", f"{path} cannot be read: {exc}", "rebuild the folder", level=1))
            continue
        expected = arrow_schema(config)
        meta = schema.metadata or {}
        if not schema.equals(expected, check_metadata=False) or meta.get(b"huggingface") != expected.metadata[b"huggingface"]:
            out.append(Finding(where, None, "schema-mismatch",
                               f"{path} does not have the Arrow schema derived from schema/ for {config}",
                               "rebuild the folder with the current schema", level=1))
        try:
            stored = json.loads(meta.get(PARQUET_METADATA_KEY.encode(), b"{}")).get("dataset_version")
        except ValueError:
            stored = None
        if stored != version:
            out.append(Finding(where, None, "version-mismatch", f"{path} has dataset version {stored!r}, the card {version!r}",
                               "rebuild the folder", level=1))
    return out


def _check_licences(folder: Path, listed: dict[str, str]) -> list[Finding]:
    """Every document of the build may be redistributed: its licence says so (documents.license)."""
    import pyarrow.parquet as pq

    refused: list[str] = []
    for path in sorted(f for f, config in listed.items() if config == "documents" and f.endswith(".parquet")):
        try:
            table = pq.read_table(folder / path, columns=["doc_id", "license"])
            rows = table.to_pylist()
        except Exception:  # noqa: BLE001 - an unreadable or foreign file is reported by _check_parquet
            continue
        refused += [r["doc_id"] for r in rows if not (isinstance(r["license"], dict) and r["license"].get("redistributable") is True)]
    if not refused:
        return []
    shown = ", ".join(refused[:10]) + (f" and {len(refused) - 10} more" if len(refused) > 10 else "")
    return [Finding(display(folder / "data" / "documents"), None, "not-redistributable",
                    f"the build holds {len(refused)} document(s) whose licence forbids redistribution: {shown}",
                    "build the release with `geosignal build --redistributable-only`, then publish that build", level=1)]


def _check_croissant(folder: Path, files: set[str], listed: set[str], version: str) -> list[Finding]:
    where = display(folder / CROISSANT)
    if CROISSANT not in files:
        return [Finding(where, None, "croissant-missing", f"{CROISSANT} is missing", "rebuild the folder", level=1)]
    try:
        doc = json.loads((folder / CROISSANT).read_text(encoding="utf-8"))
        objects = {d["contentUrl"]: d.get("sha256") for d in doc["distribution"] if d.get("@type") == "cr:FileObject"}
    except (ValueError, KeyError, TypeError) as exc:
        return [Finding(where, None, "croissant-invalid", f"{CROISSANT} cannot be read: {exc}", "rebuild the folder", level=1)]
    out = []
    if doc.get("version") != version:
        out.append(Finding(where, None, "version-mismatch", f"{CROISSANT} has version {doc.get('version')!r}, the card {version!r}",
                           "rebuild the folder", level=1))
    for path, sha in sorted(objects.items()):
        if path not in files or file_sha256(folder / path) != sha:
            out.append(Finding(where, None, "croissant-stale", f"{path} is missing or differs from its sha256 in {CROISSANT}",
                               "rebuild the folder", level=1))
    for path in sorted(listed - set(objects)):
        out.append(Finding(where, None, "file-unlisted", f"{path} is not a FileObject of {CROISSANT}", "rebuild the folder", level=1))
    return out


def redact(text: str, token: str | None) -> str:
    """``text`` with the token (if any) replaced, so that it never reaches a terminal or a log."""
    return text.replace(token, REDACTED) if token else text


class _Redact(logging.Filter):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage(), self.token), ()
        return True


@contextmanager
def _redacted_logs(token: str) -> Iterator[None]:
    """Redact the token from whatever huggingface_hub (or anything else) logs meanwhile."""
    handlers = {h for name in ("", "huggingface_hub") for h in logging.getLogger(name).handlers}
    flt = _Redact(token)
    for handler in handlers:
        handler.addFilter(flt)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(flt)


def upload(plan: Plan, token: str) -> tuple[str, list[str]]:
    """Create the dataset repo if needed and upload the planned files in one commit.

    Returns the commit (or pull request) URL and the warnings the Hub gave, both redacted.
    """
    from huggingface_hub import HfApi

    api = HfApi(token=token)
    with _redacted_logs(token), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        api.create_repo(plan.repo_id, repo_type="dataset", private=True if plan.private else None, exist_ok=True)
        if plan.revision != DEFAULT_REVISION and not plan.create_pr:
            api.create_branch(plan.repo_id, repo_type="dataset", branch=plan.revision, exist_ok=True)
        info = api.upload_folder(
            folder_path=plan.folder, repo_id=plan.repo_id, repo_type="dataset", revision=plan.revision,
            commit_message=plan.commit_message, create_pr=plan.create_pr,
            allow_patterns=[f.path for f in plan.files], delete_patterns=list(DELETE_PATTERNS),
        )
    url = info.pr_url or info.commit_url
    return redact(str(url), token), [redact(str(w.message), token) for w in caught]
