"""Event links across documents (``event: <doc_id>#<event_id>``): a corpus-wide check at level 3.

A document's own check cannot see another document, so each checked document hands on its
cross-document links (with their lines); ``findings`` then reads the few target documents and
checks every link against them. When only some documents are checked (``--changed-since``, a pre-commit
hook), the other documents are read here, their annotation files only: the targets of the checked
documents' links, and any other document whose file names a checked document in a link, so that
removing or renaming an event another document links to is caught in the pull request that does it.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builders.annotation.yamlio import YamlProblem, parse_yaml
from builders.findings import Finding
from builders.source import corpus as corpus_io


@dataclass(frozen=True)
class CrossLink:
    file: str
    line: int | None
    event: str  # the linking event, in its document
    doc_id: str  # the target document
    event_id: str  # the target event


def of_annotation(data: Any, file: str, line_of=None) -> list[CrossLink]:
    """The cross-document links of a parsed annotation (schema-valid or not: read defensively)."""
    return _scan(data, file, line_of)[1]


def _scan(data: Any, file: str, line_of=None) -> tuple[frozenset[str] | None, list[CrossLink]]:
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        return None, []
    events, links = set(), []
    for i, ev in enumerate(data["events"]):
        if not isinstance(ev, dict):
            continue
        if isinstance(ev.get("id"), str):
            events.add(ev["id"])
        for j, link in enumerate(ev.get("links") or [] if isinstance(ev.get("links"), list) else []):
            target = link.get("event") if isinstance(link, dict) else None
            if isinstance(target, str) and "#" in target:
                doc_id, _, event_id = target.partition("#")
                line = line_of(("events", i, "links", j, "event")) if line_of else None
                links.append(CrossLink(file, line, str(ev.get("id")), doc_id, event_id))
    return frozenset(events), links


def _read(path: Path) -> tuple[frozenset[str] | None, list[CrossLink]]:
    """An annotation file, read under the level-1 rules and safe YAML; never raises."""
    read = corpus_io._read_file(path, corpus_io.MAX_ANNOTATION_BYTES, [], is_source=False)  # noqa: SLF001
    if read is None:
        return None, []
    try:
        parsed = parse_yaml(read[1])
    except YamlProblem:
        return None, []
    return _scan(parsed.data, corpus_io.display(path), parsed.line_of)


def findings(checked: Iterable[tuple[corpus_io.DocFolder, list[CrossLink]]]) -> list[Finding]:
    """A finding for every cross-document link, from or to a checked document, whose target is missing.

    Only the links travel with the checked documents (they are rare; event ids of every document
    would not keep memory flat): the few target documents are read again here.
    """
    checked = list(checked)
    paths: dict[str, Path] = {}  # doc id -> folder, checked ones first
    corpora: dict[Path, set[str]] = {}
    for folder, _ in checked:
        paths.setdefault(folder.doc_id, folder.path)
        parent, name = corpus_io.identity_parts(folder.path)
        corpora.setdefault(parent, set()).add(name)
    links = [link for _, doc_links in checked for link in doc_links]
    for corpus, names in sorted(corpora.items()):
        try:
            with os.scandir(corpus) as it:
                others = sorted(e.name for e in it if not e.name.startswith(".") and e.name not in names
                                and e.is_dir(follow_symlinks=False))
        except OSError:
            continue
        for name in others:
            paths.setdefault(name, corpus / name)
            # a document outside the check that links to a checked one (only when a subset is checked)
            if _mentions_any(corpus / name / corpus_io.ANNOTATION, names):
                links += [link for link in _read(corpus / name / corpus_io.ANNOTATION)[1] if link.doc_id in names]
    events: dict[str, frozenset[str] | None] = {}
    out = []
    for link in links:
        if link.doc_id not in paths:
            out.append(Finding(link.file, link.line, "cross-link-missing-document",
                               f"event {link.event!r} links to {link.doc_id}#{link.event_id}, but the corpus has no document {link.doc_id!r}",
                               "write <doc_id>#<event_id> with the id (folder name) of a document of this corpus", level=3))
            continue
        if link.doc_id not in events:
            events[link.doc_id] = _read(paths[link.doc_id] / corpus_io.ANNOTATION)[0]
        known = events[link.doc_id]
        if known is not None and link.event_id not in known:  # an unreadable target has findings of its own
            guess = difflib.get_close_matches(link.event_id, sorted(known), n=1)
            hint = (f"did you mean {link.doc_id}#{guess[0]}? " if guess else "") + \
                f"the events of {link.doc_id!r} are: {', '.join(sorted(known)) or '(none)'}"
            out.append(Finding(link.file, link.line, "cross-link-missing-event",
                               f"event {link.event!r} links to {link.doc_id}#{link.event_id}, but {link.doc_id!r} has no event {link.event_id!r}",
                               hint, level=3))
    return out


def _mentions_any(path: Path, doc_ids: set[str]) -> bool:
    """Whether an annotation file may link to one of ``doc_ids`` (a cheap byte search before parsing)."""
    try:
        if path.is_symlink() or path.stat().st_size > corpus_io.MAX_ANNOTATION_BYTES:
            return False
        data = path.read_bytes()
    except OSError:
        return False
    return any(f"{d}#".encode() in data for d in doc_ids)
