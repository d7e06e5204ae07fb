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
import io
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builders.source import corpus as corpus_io
from builders.findings import Finding, errors
from builders.coder import Article, code
from builders.coder.draft import bad_article, check_draft, to_yaml
from builders.coder.lexicon import Lexicon

FORMATS = ("wh-markdown", "wikinews-csv", "text")
SHAPE = {"wh-markdown": "markdown", "wikinews-csv": "csv-field", "text": "text"}


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
    from builders.new import front_matter

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


def code_collection(root: Path, fmt: str, out: Path, lexicon: Lexicon | None = None, publisher: str | None = None,
                    progress: Callable[[int, int, str], None] | None = None, workers: int | None = None,
                    engine: Any = None) -> CollectionResult:
    """Code every article of ``root`` into ``out``; then build the silver dataset from the silver corpus
    (on ``engine``, e.g. a Dask cluster: see engine.py)."""
    from builders.new import default_doc_id

    result = CollectionResult()
    corpus = out / "corpus"
    if corpus.exists():
        shutil.rmtree(corpus)
    corpus.mkdir(parents=True)
    seen_ids: set[str] = set()
    seen_sources: set[str] = set()
    for n, raw in enumerate(articles(root, fmt, result.findings), 1):
        finding = _code_one(raw, fmt, corpus, lexicon, publisher, seen_ids, seen_sources, default_doc_id)
        if finding is None:
            result.coded += 1
        else:
            result.findings.append(finding)
        if progress:
            progress(n, result.coded, raw.where)
    with (out / "findings.jsonl").open("w", encoding="utf-8", newline="\n") as f:
        for finding in result.findings:
            f.write(json.dumps(finding.as_dict(), ensure_ascii=False) + "\n")
    if result.coded:
        from builders.run.build import build

        built = build(corpus, out / "dataset", workers=workers, cache=None, engine=engine)
        result.built = built.written
        result.build_findings = [f for f in built.report.findings if f.is_error]
    return result


def _code_one(raw: Raw, fmt: str, corpus: Path, lexicon: Lexicon | None, publisher: str | None,
              seen_ids: set[str], seen_sources: set[str], default_doc_id: Callable[[str, bytes], str]) -> Finding | None:
    problem = bad_article(raw.data)
    if problem:
        return Finding(raw.where, None, problem[0], problem[1], problem[2], level=1)
    if len(raw.data) > corpus_io.MAX_SOURCE_BYTES:
        return Finding(raw.where, None, "file-too-large", f"the article has {len(raw.data):,} bytes",
                       f"the limit is {corpus_io.MAX_SOURCE_BYTES:,} bytes", level=1)
    digest = hashlib.sha256(raw.data).hexdigest()
    if digest in seen_sources:
        return Finding(raw.where, None, "duplicate-article", "the same article bytes were already coded",
                       "a collection holds each article once; the first copy was kept", level=1)
    text = raw.data.decode("utf-8")
    document = document_block(raw, fmt, text, publisher)
    if isinstance(document, Finding):
        return document
    doc_id = default_doc_id(raw.name, raw.data)
    if doc_id in seen_ids:
        doc_id = f"{doc_id[:47]}-{digest[:12]}"
    draft = code(Article(doc_id, text, document), lexicon)
    yaml_text = to_yaml(draft, doc_id)
    problems = check_draft(doc_id, raw.data, text, yaml_text, f"{raw.where} (draft)")
    if errors(problems):
        first = errors(problems)[0]
        return Finding(raw.where, None, "draft-invalid", f"the coder's draft does not validate: {first.message}",
                       "a coder bug: report it with the article", level=3)
    folder = corpus / doc_id
    folder.mkdir()
    (folder / corpus_io.SOURCE).write_bytes(raw.data)
    (folder / corpus_io.ANNOTATION).write_text(yaml_text, encoding="utf-8", newline="\n")
    seen_ids.add(doc_id)
    seen_sources.add(digest)
    return None
