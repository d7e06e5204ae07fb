"""`geosignal show`: one document folder -> what there is to show (clean text, records, dropped lines).

Annotators and reviewers should look at annotations, not read offsets. ``load`` is the I/O edge:
it validates a document folder and, when the annotation has errors, still returns the clean text
so that quotes can be fixed. Drawing is done by ``builders.present``: ``terminal`` for the
console, ``page`` for one self-contained HTML page.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from builders.annotation.yamlio import YamlProblem, parse_yaml
from builders.check.document import check
from builders.findings import Finding
from builders.present.marks import Dropped
from builders.source import corpus as corpus_io
from builders.source.clean import SOURCE_FORMATS
from builders.source.corrections import clean_document

if TYPE_CHECKING:
    from builders.annotation.records import DocRecords
    from builders.source.corpus import DocFolder
    from builders.source.segments import Cleaned

_UNSHOWN = ("whitespace", "front-matter", "end-mark")  # blank lines; a shape's own markup, never the article


def dropped_lines(raw: str, cleaned: "Cleaned") -> list[Dropped]:
    """Every whole line a rule dropped (boilerplate, image rows, annotator drops ...), where it was."""
    out = []
    for r in cleaned.removals:
        whole = (r.raw_start == 0 or raw[r.raw_start - 1] in "\r\n") and (r.raw_end == len(raw) or raw[r.raw_end] in "\r\n")
        if r.rule in _UNSHOWN or not whole:
            continue
        after = next((s.clean_start for s in cleaned.segments if s.raw_start >= r.raw_end), None)
        at = len(cleaned.text) if after is None else cleaned.text.rfind("\n", 0, after) + 1
        out.append(Dropped(at, r.rule, " ".join(raw[r.raw_start:r.raw_end].split())))
    return sorted(out, key=lambda d: d.at)


# --- finding and loading (the I/O edge) -----------------------------------------------------

@dataclass
class Located:
    """The document folder a `show` argument names, or why there is none (with the ids it resembles)."""

    folder: "DocFolder | None"
    problem: str = ""
    hint: str = ""
    usage: bool = False  # the corpus named is no folder, or a path names nothing: a usage error, not a missing document


def locate(name: str, corpus: Path) -> Located:
    """``name`` is a document id of ``corpus`` or the path of a document folder (or of a file in one).

    A mistyped id gets the closest ids of the corpus as suggestions (difflib, as Python's own
    "did you mean" does); a corpus without documents says so.
    """
    if corpus_io.doc_id_pattern().match(name) and corpus_io.is_doc_folder(corpus / name):
        return Located(corpus_io.DocFolder(name, corpus / name))
    path = Path(name)
    if path.is_file() and corpus_io.is_doc_folder(path.parent):
        path = path.parent
    if corpus_io.is_doc_folder(path):
        return Located(corpus_io.DocFolder(path.resolve().name, path))
    if len(path.parts) > 1 and not path.exists():  # a path (an id has no separator) that names nothing: usage
        return Located(None, f"{name} does not exist", "give a document id of --corpus or the path of a document folder",
                       usage=True)
    problem = f"no document {name!r} in {corpus_io.display(corpus)}"
    if not corpus.is_dir():
        return Located(None, f"{problem}: {corpus_io.display(corpus)} is not a folder",
                       "name the corpus with --corpus, or give the path of a document folder", usage=True)
    known = [f.doc_id for f in corpus_io.discover([corpus])[0]]
    if not known:
        return Located(None, problem, f"{corpus_io.display(corpus)} has no documents; name the corpus with --corpus")
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if close:
        return Located(None, problem, "did you mean " + " or ".join(repr(c) for c in close) + "?")
    return Located(None, problem, f"documents in {corpus_io.display(corpus)}: {', '.join(known[:10])}{' ...' if len(known) > 10 else ''}")



@dataclass
class Shown:
    """What `geosignal show` has to show for one document."""

    doc_id: str
    text: str | None
    records: "DocRecords | None"
    findings: list[Finding] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)


def load(folder: "DocFolder") -> Shown:
    """Validate the folder; without records (errors), fall back to the clean text alone. Either way
    the lines the cleaner dropped come along, so that they can be seen (and kept if wrong)."""
    texts = corpus_io.read(folder)
    checked = check(texts)
    if texts.source is None or texts.annotation is None or any(f.is_error for f in texts.findings):
        return Shown(folder.doc_id, None, None, checked.findings)
    try:
        data = parse_yaml(texts.annotation).data
        meta = data.get("document") if isinstance(data, dict) else None
    except YamlProblem:
        meta = None
    meta = dict(meta) if isinstance(meta, dict) else {}
    if meta.get("source_format") not in SOURCE_FORMATS:
        meta["source_format"] = "text"
    raw_text = texts.source[1]
    cleaned, _ = clean_document(raw_text, meta)
    dropped = dropped_lines(raw_text, cleaned)
    if checked.records is not None:
        return Shown(folder.doc_id, checked.records.documents[0]["text"], checked.records, checked.findings, dropped)
    return Shown(folder.doc_id, cleaned.text, None, checked.findings, dropped)
