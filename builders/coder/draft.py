"""The I/O edge of ``geosignal code DOC``: read a document folder (or a raw article, which ``new``
turns into one first), code it, check the draft at levels 1-3 in memory, and write it, never
over a ``gold`` or ``reviewed`` annotation that holds any item."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from builders.check import level1, level2, level3
from builders.check.document import check_annotation
from builders.coder import Article, code
from builders.coder.lexicon import Lexicon
from builders.findings import Finding, errors
from builders.new import create
from builders.source import corpus as corpus_io

PROTECTED = ("gold", "reviewed")
_NUMERIC = re.compile(r"^[0-9][0-9.:eE+_-]*$|^(?:y|yes|n|no|true|false|on|off|null|~)$", re.I)


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """libyaml's emitter (PyYAML's wheels carry it): 3.5x faster than the pure-Python one and the
    same text (58 real drafts compared byte for byte); the Python one where libyaml is missing."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = '"' if _NUMERIC.match(value) else None  # '084', '2022-03-24', 'no': strings, whatever the reader
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(annotation: dict[str, Any], doc_id: str) -> str:
    """The draft as annotation.yaml text: plain YAML, strings that look like numbers or dates quoted."""
    head = (f"# GeoSignal annotation of corpus/{doc_id}/source.txt, drafted by `geosignal code` (silver: every item\n"
            "# is origin: machine). Correct it against ANNOTATION.md, then set status: reviewed or gold.\n")
    return head + yaml.dump(annotation, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)


TOO_LARGE = "draft-too-large"


def check_draft(doc_id: str, data: bytes, text: str, draft: str, file: str, limit: int | None = None) -> list[Finding]:
    """Levels 1-3 on the draft in memory, as ``new`` checks its template; and the size a corpus
    reader accepts (``limit``: corpus_io.MAX_ANNOTATION_BYTES), or the draft, once written, would
    fail every later check (a long summit communique can give a draft of over a megabyte)."""
    limit = limit or corpus_io.MAX_ANNOTATION_BYTES
    size = len(draft.encode("utf-8"))
    if size > limit:
        return [Finding(file, None, TOO_LARGE, f"the draft annotation has {size:,} bytes; the limit is {limit:,}",
                        "split the article into parts and code each part", level=1)]
    return check_annotation(doc_id, (data, text), draft, file, level3.LEVEL).findings


@dataclass
class Coded:
    doc_id: str | None
    folder: Path | None = None
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def protected(annotation: dict[str, Any]) -> bool:
    """A gold or reviewed annotation with any item is a person's work: never overwritten.
    ``new``'s template (status gold, nothing annotated yet) may be drafted over."""
    status = ((annotation.get("document") or {}).get("annotation") or {}).get("status")
    has_items = any(annotation.get(k) for k in ("entities", "events", "stances", "times"))
    return status in PROTECTED and has_items


def code_folder(folder: Path, lexicon: Lexicon | None = None) -> Coded:
    """Draft ``folder/annotation.yaml`` from its source and the metadata already there."""
    doc = corpus_io.DocFolder(folder.name, folder)
    source, annotation_text, findings = corpus_io.read_parts(doc)
    file = corpus_io.display(doc.annotation)
    if source is None or annotation_text is None or errors(findings):
        return Coded(folder.name, findings=findings)
    parsed, problems = level1.parse(annotation_text, file)
    if parsed is None:
        return Coded(folder.name, findings=problems)
    problems = level2.findings(parsed, file)
    if problems:
        return Coded(folder.name, findings=problems)
    if protected(parsed.data):
        status = parsed.data["document"]["annotation"]["status"]
        return Coded(folder.name, findings=[Finding(
            file, parsed.line_of(("document", "annotation", "status")), "refuse-overwrite",
            f"{file} is a {status} annotation: `geosignal code` never overwrites a person's work",
            "code a copy of the document in another corpus (`geosignal new SOURCE --corpus DIR`), or compare "
            "with `geosignal evaluate`", level=1)])
    data, raw = source
    document = {k: v for k, v in parsed.data["document"].items()}
    draft = code(Article(folder.name, raw, document), lexicon)
    text = to_yaml(draft, folder.name)
    problems = check_draft(folder.name, data, raw, text, file)
    if errors(problems):
        return Coded(folder.name, findings=problems)
    tmp = doc.annotation.with_name(f".{doc.annotation.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    os.replace(tmp, doc.annotation)
    return Coded(folder.name, folder, problems, {k: len(draft[k]) for k in ("entities", "times", "events", "stances")})


def code_path(path: Path, corpus: Path, lexicon: Lexicon | None = None) -> Coded:
    """A document folder is coded in place; a raw article becomes ``corpus/<doc_id>/`` (via ``new``) first."""
    if path.is_dir() and corpus_io.is_doc_folder(path):
        return code_folder(path, lexicon)
    if path.is_dir():
        return Coded(None, findings=[Finding(corpus_io.display(path), None, "path-not-document",
                                             f"{corpus_io.display(path)} is a folder but not a document folder",
                                             "name corpus/<doc_id> or a raw article file; for many articles use --collection",
                                             level=1)])
    problem = bad_article(path.read_bytes()) if path.is_file() else None
    if problem:
        return Coded(None, findings=[Finding(corpus_io.display(path), None, problem[0], problem[1], problem[2], level=1)])
    created = create(path, corpus)
    if created.folder is None:
        return Coded(created.doc_id, findings=created.findings)
    result = code_folder(created.folder, lexicon)
    result.findings = created.findings + result.findings
    return result


ENGLISH = frozenset("the of and to in a is that for on with as by was at from it be are has have this which an "
                    "will not its their or were been said also after".split())
# Addresses and markup are not prose: a page that is mostly a list of links ("fact sheets by state")
# or of embedded images would otherwise read as foreign, its URLs' path words and its tags'
# attributes outnumbering the function words of its prose.
ADDRESS = re.compile(r"<[^<>]*>|\]\([^)\s]*\)|\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>()\[\]]*", re.IGNORECASE)


def bad_article(data: bytes) -> tuple[str, str, str] | None:
    """(code, message, hint) when a raw article cannot be coded: empty, binary, not UTF-8, not English."""
    if not data.strip():
        return ("file-empty", "the article is empty", "give the file that holds the article text")
    if b"\0" in data[:4096]:
        return ("binary-file", "the article is a binary file (it holds NUL bytes)", "give the article as UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ("not-utf8", f"the article is not valid UTF-8 (byte {exc.start})", "re-save the article as UTF-8")
    words = re.findall(r"[^\W\d_]+", ADDRESS.sub(" ", text).lower())
    if len(words) >= 20 and sum(w in ENGLISH for w in words) / len(words) < 0.08:
        return ("not-english", "the article does not look like English (too few English function words)",
                "the coder's dictionaries are English; code English articles only")
    if len(words) < 3:
        return ("too-short", "the article has fewer than three words", "give the whole article")
    return None
