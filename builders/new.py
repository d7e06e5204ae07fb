"""``geosignal new``: a raw article -> ``corpus/<doc_id>/`` with an annotation template that validates.

The source is copied byte-for-byte and refused under the same level-1 rules as the corpus
(size, UTF-8), before anything is written; CRLF is kept (the cleaner normalises it). A Markdown
file with YAML front matter fills title, published and url and is marked ``markdown``; a CSV
field (``--csv FILE --row N``) becomes the source as its UTF-8 bytes, its row fills the metadata
and ``provenance`` (``csv-field``). The template holds the document metadata, the
source's sha256 and empty ``entities``/``events``/``stances`` lists: it passes levels 1-3 as it
is, and level 4 warns about the metadata still marked ``TODO``. The template is validated in
memory first, and the folder appears atomically (written under a hidden name, then renamed).
"""

from __future__ import annotations

import csv
import datetime
import errno
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from builders.check import duplicates, level3
from builders.check.document import check_annotation
from builders.check.level4 import TODO
from builders.files import staging
from builders.findings import Finding, errors
from builders.source import corpus as corpus_io

FORMAT = "geosignal-annotation/2"

# licences whose texts a published build may hold (SPDX ids, and the US federal works' LicenseRef)
OPEN_LICENSES = frozenset({"CC0-1.0", "CC-BY-2.5", "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0",
                           "LicenseRef-PublicDomain-USGov"})

# document fields, in template order, with what the template writes when nothing is given
DEFAULTS: dict[str, Any] = {
    "title": None,
    "publisher": f"{TODO}: the publisher or site name",
    "url": None,
    "language": "en",
    "published": None,
    "obtained": f"{TODO}: how the raw source was obtained (scrape, feed, e-mail; when, by whom, what was changed)",
}


@dataclass
class Created:
    """What ``new`` did: the folder it created, or the findings that stopped it."""

    doc_id: str | None
    folder: Path | None = None
    findings: list[Finding] = field(default_factory=list)


def default_doc_id(file_name: str, data: bytes) -> str:
    """Deterministic: the file's stem if it is a valid id, else its slug, else a sha256 prefix."""
    stem = Path(file_name).stem
    pattern = corpus_io.doc_id_pattern()
    slug = re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-_")
    for candidate in (stem, slug):
        if pattern.fullmatch(candidate):
            return candidate
    return hashlib.sha256(data).hexdigest()[:16]


def _scalar(value: Any) -> str:
    """One YAML scalar, quoted as YAML needs it (a publisher may hold ': ' or '#')."""
    if value is None:
        return "null"
    out = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, width=10**9).strip()
    if "\n" in out or not out.isprintable():  # line breaks and controls as escapes, on one line
        out = yaml.safe_dump([value], default_flow_style=True, default_style='"', allow_unicode=True, width=10**9).strip()
    return out[1:-1]


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.S | re.M)


def front_matter(text: str) -> dict[str, Any] | None:
    """Title, published and url from a Markdown file's YAML front matter; None when it has none."""
    m = _FRONT_MATTER.match(text)
    if not m:
        return None
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        data = None
    data = data if isinstance(data, dict) else {}
    return {"title": _one_line(data.get("title")), "published": _date(data.get("date")),
            "url": _one_line(data.get("source_url") or data.get("url"))}


def _one_line(value: Any) -> str | None:
    return (" ".join(value.split()) or None) if isinstance(value, str) else None


def _date(value: Any) -> str | None:
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return value.strip()[:10]
    return None


def render_template(doc_id: str, source_name: str, source_sha256: str, meta: dict[str, Any] | None = None,
                    source_format: str = "text", provenance: dict[str, Any] | None = None) -> str:
    """The annotation file a new document starts from. Pure."""
    values = {**DEFAULTS, **{k: v for k, v in (meta or {}).items() if v is not None}}
    prov = "" if provenance is None else "  provenance:\n" + "".join(
        f"    {key}: {_scalar(provenance.get(key))}\n" for key in ("repository", "commit", "path", "row", "field", "url"))
    if provenance is None and source_format != "text":
        prov = (f"  # provenance: {{repository: owner/name, commit: abc1234, path: ..., row: null, field: null, url: null}}\n"
                f"  # {TODO}: add provenance (where the source was taken from; level 4 warns until it is there)\n")
    spdx = values.get("license") or "LicenseRef-NotCleared"
    annotator = values.get("annotator") or f"{TODO}: your name or a stable pseudonym"
    note = "" if spdx in OPEN_LICENSES else (
        f'    note: "{TODO}: whose rights, and why the text may or may not be redistributed (see DATASHEET.md)"\n')
    doc = "\n".join(f"  {key}: {_scalar(values[key])}" for key in DEFAULTS)
    return f"""\
# GeoSignal annotation of corpus/{doc_id}/source.txt, started by `geosignal new`.
# Spans are quoted text from the clean text (`geosignal show {doc_id}` prints it); add
# `occurrence: N` or a `context:` when a quote occurs more than once. See ANNOTATION.md.
# Replace every {TODO} below, then add entities, events and stances.
format: {FORMAT}

document:
  source_name: {_scalar(source_name)}
  source_sha256: {_scalar(source_sha256)}  # never edit source.txt
  source_format: {source_format}{" " * (16 - len(source_format))}# markdown (front matter) | csv-field | text (ANNOTATION.md 6)
{doc}
{prov}  author: null                     # a statement's speaker: {{name: ..., kb_id: null, entity: <id>}} (ANNOTATION.md 3.7)
  license:
    spdx: {_scalar(spdx)}    # an SPDX id (CC-BY-2.5, CC0-1.0) or LicenseRef-PublicDomain-USGov
    redistributable: {"true" if spdx in OPEN_LICENSES else "false"}         # true only when the licence allows a published build to hold the text
    attribution: null              # the attribution line a CC BY licence asks for
{note}  annotation:
    status: gold                   # gold | reviewed | silver (ANNOTATION.md 6)
    annotators: [{_scalar(annotator)}]
    tool: null

entities: []
# entities:
#   - id: usa
#     name: United States
#     type: GPE
#     kb_id: Q30                     # a Wikidata QID only when certain, else null
#     mentions:
#       - United States
#       - {{text: U.S., occurrence: 2}}

times: []
# times:                             # time expressions (ANNOTATION.md 4.10)
#   - {{id: t_jan11, text: January 11, type: DATE, value: 2024-01-11}}

events: []
# events:
#   - id: ev_patrol
#     type: MOBILIZE
#     trigger: joint patrol
#     realis: actual
#     arguments:
#       - {{role: actor, entity: usa}}
#       - {{role: time, time: t_jan11}}
#     links:
#       - {{type: response_to, event: other_doc_id#ev_strike}}   # an event of another document

stances: []
# stances:
#   - id: st_support
#     holder: usa
#     target: ev_patrol
#     polarity: support
#     evidence: welcomed the patrol
"""


def _check_template(doc_id: str, data: bytes, text: str, template: str, file: str) -> list[Finding]:
    """Levels 1-3 on the template in memory, so a folder that would not validate is never written."""
    return check_annotation(doc_id, (data, text), template, file, level3.LEVEL).findings


def create(source_file: Path, corpus: Path, doc_id: str | None = None, meta: dict[str, Any] | None = None) -> Created:
    """Copy a raw article into ``corpus/<doc_id>/`` with a template; refuse with findings instead."""
    where = corpus_io.display(source_file)
    if not source_file.exists():
        return Created(doc_id, findings=[Finding(where, None, "path-missing", f"{where} does not exist",
                                                 "name the raw article file as received", level=1)])
    source, found = corpus_io.read_source_file(source_file.resolve())  # the user's own link is fine
    found = [Finding(where, f.line, f.code, f.message, f.hint, f.severity, f.level) for f in found]
    if source is None or errors(found):
        return Created(doc_id, findings=found)
    data, text = source
    fm = front_matter(text)
    shape = "markdown" if fm is not None else "text"
    meta = {**(fm or {}), **{k: v for k, v in (meta or {}).items() if v is not None}}
    return _create(where, source_file.name, data, text, corpus, doc_id, meta, found, shape, None)


def create_from_csv(csv_file: Path, row: int, column: str, corpus: Path, doc_id: str | None = None,
                    meta: dict[str, Any] | None = None, repository: str | None = None,
                    commit: str | None = None) -> Created:
    """One field of one CSV row (0-based, header excluded) as a new document's source."""
    where = corpus_io.display(csv_file)

    def refuse(code: str, message: str, hint: str, line: int | None = None) -> Created:
        return Created(doc_id, findings=[Finding(where, line, code, message, hint, level=1)])

    if not csv_file.is_file():
        return refuse("path-missing", f"{where} does not exist or is not a file", "name the CSV file with --csv")
    try:
        table = csv_file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return refuse("not-utf8", f"the CSV file is not valid UTF-8 (byte {exc.start})", "re-save the CSV as UTF-8")
    csv.field_size_limit(corpus_io.MAX_SOURCE_BYTES + 1)
    try:
        reader = csv.DictReader(io.StringIO(table, newline=""))
        rows = list(reader)
    except csv.Error as exc:
        return refuse("csv-syntax", f"the CSV file cannot be read: {exc}", "check the file's quoting")
    if not 0 <= row < len(rows):
        return refuse("csv-row", f"the CSV file has {len(rows)} data row(s); row {row} does not exist",
                      "--row counts data rows from 0, the header excluded")
    record = rows[row]
    if column not in record or record[column] is None:
        return refuse("csv-field", f"the CSV file has no column {column!r}", f"choose one of {', '.join(reader.fieldnames or [])} with --field")
    text = record[column]
    data = text.encode("utf-8")
    if not text.strip():
        return refuse("file-empty", f"the field {column!r} of row {row} is empty", "choose the row and field that hold the article")
    if len(data) > corpus_io.MAX_SOURCE_BYTES:
        return refuse("file-too-large", f"the field has {len(data):,} bytes; the limit is {corpus_io.MAX_SOURCE_BYTES:,}",
                      "check --row and --field")
    url = (record.get("url") or "").strip() or None
    filled = {"title": _one_line(record.get("title")), "url": url, "published": _date(record.get("date")),
              "obtained": f"The {column} field of row {row} (0-based, header excluded) of {csv_file.name}, kept exactly as the CSV gives it."}
    meta = {**filled, **{k: v for k, v in (meta or {}).items() if v is not None}}
    provenance = None
    if repository and commit:
        provenance = {"repository": repository, "commit": commit, "path": csv_file.name, "row": row, "field": column, "url": url}
    name = f"{csv_file.stem}-row{row:03d}.txt"
    doc_id = doc_id if doc_id is not None else default_doc_id(name, data)
    return _create(where, name, data, text, corpus, doc_id, meta, [], "csv-field", provenance)


def _create(where: str, source_name: str, data: bytes, text: str, corpus: Path, doc_id: str | None,
            meta: dict[str, Any], found: list[Finding], shape: str, provenance: dict[str, Any] | None) -> Created:
    doc_id = doc_id if doc_id is not None else default_doc_id(source_name, data)
    target = corpus / doc_id
    if not corpus_io.doc_id_pattern().fullmatch(doc_id):
        return Created(doc_id, findings=found + [Finding(
            corpus_io.display(target), None, "bad-doc-id", f"{doc_id!r} is not a valid document id",
            "use 3-64 lowercase letters, digits, '_' or '-', starting with a letter or digit (--doc-id)", level=1)])
    if corpus.exists() and not corpus.is_dir():
        return Created(doc_id, findings=found + [Finding(corpus_io.display(corpus), None, "path-not-corpus",
                                                         f"{corpus_io.display(corpus)} is not a folder", "name the corpus folder with --corpus", level=1)])
    if target.exists() or target.is_symlink():
        return Created(doc_id, findings=found + [Finding(
            corpus_io.display(target), None, "doc-exists", f"the document {doc_id!r} already exists",
            "choose another id with --doc-id; never overwrite a document that is already annotated", level=1)])
    dup = _duplicate_of(corpus, data, text, target)
    if dup:  # said of the file the contributor named, not of a folder that was never written
        hint = "the article is already in the corpus: annotate that document instead"
        return Created(doc_id, findings=found + [Finding(where, None, f.code, f.message, hint, level=f.level) for f in dup])
    template = render_template(doc_id, source_name, duplicates.fingerprint(data, text).sha256, meta, shape, provenance)
    problems = _check_template(doc_id, data, text, template, corpus_io.display(target / corpus_io.ANNOTATION))
    if errors(problems):
        return Created(doc_id, findings=found + problems)
    if not _write(corpus, target, data, template):
        return Created(doc_id, findings=found + [Finding(
            corpus_io.display(target), None, "doc-exists", f"the document {doc_id!r} was created by someone else meanwhile",
            "choose another id with --doc-id; never overwrite a document that is already annotated", level=1)])
    return Created(doc_id, target, found)


def _duplicate_of(corpus: Path, data: bytes, text: str, target: Path) -> list[Finding]:
    new = corpus_io.DocFolder(target.name, target)
    others = duplicates.other_fingerprints([new])
    return duplicates.findings([(new, duplicates.fingerprint(data, text))], others)


def _write(corpus: Path, target: Path, data: bytes, template: str) -> bool:
    """Write under a hidden name, then rename: the document appears whole or not at all.

    False when another ``new`` created the id meanwhile (the rename then fails: a folder with
    files is never replaced).
    """
    corpus.mkdir(parents=True, exist_ok=True)
    with staging(target, "new") as tmp:
        (tmp / corpus_io.SOURCE).write_bytes(data)
        (tmp / corpus_io.ANNOTATION).write_text(template, encoding="utf-8", newline="\n")
        try:
            os.rename(tmp, target)
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                return False
            raise
        return True
