"""``geosignal code --collection DIR --format F --out OUT``: raw articles -> a silver corpus
(OUT/corpus/<doc_id>/ with source.txt and a drafted annotation.yaml) -> a silver dataset
(OUT/dataset/, built by ``builders.run.build``: the gold build's schema, configs and writer).

Articles are read one at a time (a CSV row at a time), so memory stays flat. A bad article
(empty, binary, not UTF-8, not English, a Markdown file without front matter, a CSV without the
text column, a draft that does not validate) becomes a finding in OUT/findings.jsonl and the
rest is coded: one bad article never stops the collection.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builders.coder import Article, code
from builders.coder.draft import TOO_LARGE, bad_article, check_draft, to_yaml
from builders.coder.lexicon import Lexicon
from builders.findings import Finding, errors
from builders.formats import COLLECTIONS
from builders.new import default_doc_id, front_matter
from builders.run.build import build
from builders.run.engine import Engine
from builders.source import corpus as corpus_io

FORMATS = COLLECTIONS
SHAPE = dict(zip(FORMATS, ("markdown", "csv-field", "text"), strict=True))  # a format -> its document.source_format


@dataclass
class Raw:
    """One raw article of a collection, before any check."""

    where: str  # file (and row) for findings
    name: str  # source_name
    data: bytes
    meta: dict[str, Any]


@dataclass
class CollectionResult:
    coded: int = 0
    findings: list[Finding] = field(default_factory=list)
    built: bool = False
    build_findings: list[Finding] = field(default_factory=list)


def articles(root: Path, fmt: str, findings: list[Finding]) -> Iterator[Raw]:
    """The collection's articles, in sorted file order, lazily."""
    if fmt == "wikinews-csv":
        for path in sorted(root.rglob("*.csv")):
            yield from _csv_rows(path, root, findings)
        return
    pattern = "*.md" if fmt == "wh-markdown" else "*"
    for path in sorted(p for p in root.rglob(pattern) if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(root).as_posix()
        yield Raw(rel, path.name, path.read_bytes(), {"obtained": f"The file {rel} of the collection {root.name}, coded as it is."})


def _csv_rows(path: Path, root: Path, findings: list[Finding]) -> Iterator[Raw]:
    rel = path.relative_to(root).as_posix()
    csv.field_size_limit(corpus_io.MAX_SOURCE_BYTES + 1)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if "text" not in (reader.fieldnames or []):
                findings.append(Finding(rel, 1, "csv-field", f"{rel} has no 'text' column",
                                        "a Wikinews CSV has the article in the 'text' column", level=1))
                return
            for i, row in enumerate(reader):
                text = row.get("text") or ""
                meta = {"title": " ".join((row.get("title") or "").split()) or None,
                        "url": (row.get("url") or "").strip() or None,
                        "published": (row.get("date") or "")[:10] or None,
                        "obtained": f"The text field of row {i} (0-based, header excluded) of {path.name}, as the CSV gives it."}
                yield Raw(f"{rel} row {i}", f"{path.stem}-row{i:03d}.txt", text.encode("utf-8"), meta)
    except (UnicodeDecodeError, csv.Error) as exc:
        findings.append(Finding(rel, None, "csv-unreadable", f"{rel} cannot be read: {exc}",
                                "give the CSV as UTF-8 with standard quoting", level=1))


def document_block(raw: Raw, fmt: str, text: str, publisher: str | None) -> dict[str, Any] | Finding:
    """The draft's ``document``: metadata from the shape (front matter, CSV row), licence by collection."""
    meta = dict(raw.meta)
    if fmt == "wh-markdown":
        fm = front_matter(text)
        if fm is None:
            return Finding(raw.where, 1, "unknown-shape", "the file has no YAML front matter",
                           "a White House Markdown file starts with '---' front matter (title, date, source_url)", level=1)
        meta.update({k: v for k, v in fm.items() if v is not None})
        publisher = publisher or "The White House"
        license = {"spdx": "LicenseRef-PublicDomain-USGov", "redistributable": True, "attribution": None}
    elif fmt == "wikinews-csv":
        publisher = publisher or "Wikinews"
        license = {"spdx": "CC-BY-2.5", "redistributable": True,
                   "attribution": f"Wikinews, {meta['url']}" if meta.get("url") else "Wikinews"}
    else:
        license = {"spdx": "LicenseRef-NotCleared", "redistributable": False, "attribution": None}
    published = meta.get("published")
    if published and not (len(published) == 10 and published[4] == "-" and published[7] == "-"):
        published = None
    return {"source_name": raw.name, "source_sha256": hashlib.sha256(raw.data).hexdigest(), "source_format": SHAPE[fmt],
            "title": meta.get("title"), "publisher": publisher or "unknown", "url": meta.get("url"), "language": "en",
            "published": published, "obtained": meta["obtained"], "license": license}


BATCH = 16  # articles per engine task: a task's overhead is paid once per batch, not per article


@dataclass
class Drafted:
    """The per-article step's answer: a draft to write, or the finding that stops the article."""

    doc_id: str | None = None
    annotation: str | None = None  # the draft's YAML text
    finding: Finding | None = None
    early: bool = False  # the finding does not depend on the other articles (it comes before the duplicate check)


def draft_article(raw: Raw, fmt: str, publisher: str | None, lexicon: Lexicon | None, doc_id: str) -> Drafted:
    """One article -> its checked draft, as ``doc_id``. Pure (no file read or written), so any
    engine may run it anywhere; what depends on the other articles (duplicates, ids already
    taken) is decided by the caller, in collection order."""
    problem = bad_article(raw.data)
    if problem:
        return Drafted(finding=Finding(raw.where, None, problem[0], problem[1], problem[2], level=1), early=True)
    if len(raw.data) > corpus_io.MAX_SOURCE_BYTES:
        return Drafted(finding=Finding(raw.where, None, "file-too-large", f"the article has {len(raw.data):,} bytes",
                                       f"the limit is {corpus_io.MAX_SOURCE_BYTES:,} bytes", level=1), early=True)
    text = raw.data.decode("utf-8")
    document = document_block(raw, fmt, text, publisher)
    if isinstance(document, Finding):
        return Drafted(doc_id, finding=document)
    draft = code(Article(doc_id, text, document), lexicon)
    yaml_text = to_yaml(draft, doc_id)
    problems = check_draft(doc_id, raw.data, text, yaml_text, f"{raw.where} (draft)")
    if errors(problems):
        first = errors(problems)[0]
        if first.code == TOO_LARGE:  # the article's size, not a coder bug
            return Drafted(doc_id, finding=Finding(raw.where, None, first.code, first.message, first.hint, level=1))
        return Drafted(doc_id, finding=Finding(raw.where, None, "draft-invalid",
                                               f"the coder's draft does not validate: {first.message}",
                                               "a coder bug: report it with the article", level=3))
    return Drafted(doc_id, yaml_text)


def draft_batch(raws: list[Raw], fmt: str, publisher: str | None, lexicon: Lexicon | None) -> list[Drafted]:
    """``draft_article`` for a few articles, each under its default id: the engine's task."""
    return [draft_article(raw, fmt, publisher, lexicon, default_doc_id(raw.name, raw.data)) for raw in raws]


def lost_batch(args: tuple, error: BaseException) -> list[Drafted]:
    """A batch whose workers kept dying (an engine's ``lost`` callback): a finding per article."""
    return [Drafted(finding=Finding(raw.where, None, "worker-lost",
                                    f"the workers coding this article's batch died repeatedly ({type(error).__name__})",
                                    "an article may exhaust a worker's memory: code it alone to find out", level=1),
                    early=True) for raw in args[0]]


def code_collection(root: Path, fmt: str, out: Path, lexicon: Lexicon | None = None, publisher: str | None = None,
                    progress: Callable[[int, int, str], None] | None = None, workers: int | None = None,
                    engine: Engine | None = None, say: Callable[[str], None] | None = None) -> CollectionResult:
    """Code every article of ``root`` into ``out``; then build the silver dataset from the silver corpus.

    With ``engine`` (builders/run/engine.py: a Dask cluster) the drafting (``draft_batch``, a few
    articles per task) and the build run on it. Results come back in collection order and what
    depends on other articles is decided here in that order, so the corpus, the findings and the
    dataset are the same bytes on any engine. Without one, articles are drafted here one by one.
    ``say`` hears when the drafting is over and the build (silent, minutes on a large collection) starts.
    """
    result = CollectionResult()
    corpus = out / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    corpus.mkdir(parents=True)
    seen_ids: set[str] = set()
    seen_sources: set[str] = set()
    placed: list[tuple[int, Finding]] = []  # findings of unreadable files, after how many articles
    sent: deque[list[Raw]] = deque()  # the batches handed out, in order: results come back in it

    def calls() -> Iterator[tuple]:
        for batch in _batches(_read(root, fmt, placed), BATCH):
            sent.append(batch)
            yield batch, fmt, publisher, lexicon

    done = (engine.map(draft_batch, calls(), lost=lost_batch) if engine is not None
            else (draft_batch(*args) for args in calls()))
    n = flushed = 0
    for drafted in done:
        for raw, one in zip(sent.popleft(), drafted):
            while flushed < len(placed) and placed[flushed][0] <= n:
                result.findings.append(placed[flushed][1])
                flushed += 1
            finding = _keep(raw, one, fmt, corpus, lexicon, publisher, seen_ids, seen_sources)
            n += 1
            if finding is None:
                result.coded += 1
            else:
                result.findings.append(finding)
            if progress:
                progress(n, result.coded, raw.where)
    result.findings.extend(f for _, f in placed[flushed:])
    with (out / "findings.jsonl").open("w", encoding="utf-8", newline="\n") as f:
        for finding in result.findings:
            f.write(json.dumps(finding.as_dict(), ensure_ascii=False) + "\n")
    if result.coded:
        if say:
            say(f"drafted: {n} article(s) read, {result.coded} coded; building the silver dataset {out / 'dataset'}")
        built = build(corpus, out / "dataset", workers=workers, cache=None, engine=engine)
        result.built = built.written
        result.build_findings = [f for f in built.report.findings if f.is_error]
    return result


def _read(root: Path, fmt: str, placed: list[tuple[int, Finding]]) -> Iterator[Raw]:
    """``articles``, with the findings it records on the way (a CSV it cannot read) put in
    ``placed`` with the number of articles before them: they are reported at their place however
    far ahead an engine reads."""
    found: list[Finding] = []
    n = 0
    for raw in articles(root, fmt, found):
        placed.extend((n, f) for f in found)
        found.clear()
        yield raw
        n += 1
    placed.extend((n, f) for f in found)


def _batches(raws: Iterator[Raw], size: int) -> Iterator[list[Raw]]:
    batch: list[Raw] = []
    for raw in raws:
        batch.append(raw)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _keep(raw: Raw, drafted: Drafted, fmt: str, corpus: Path, lexicon: Lexicon | None, publisher: str | None,
          seen_ids: set[str], seen_sources: set[str]) -> Finding | None:
    """Write a drafted article into the silver corpus unless an earlier one makes it a duplicate;
    an id an earlier article took is drafted again here under a longer one. Collection order."""
    if drafted.early:
        return drafted.finding
    digest = hashlib.sha256(raw.data).hexdigest()
    if digest in seen_sources:
        return Finding(raw.where, None, "duplicate-article", "the same article bytes were already coded",
                       "a collection holds each article once; the first copy was kept", level=1)
    doc_id = drafted.doc_id
    if doc_id in seen_ids:
        drafted = draft_article(raw, fmt, publisher, lexicon, f"{doc_id[:47]}-{digest[:12]}")
    if drafted.finding is not None:
        return drafted.finding
    folder = corpus / drafted.doc_id
    folder.mkdir()
    (folder / corpus_io.SOURCE).write_bytes(raw.data)
    (folder / corpus_io.ANNOTATION).write_text(drafted.annotation, encoding="utf-8", newline="\n")
    seen_ids.add(drafted.doc_id)
    seen_sources.add(digest)
    return None
