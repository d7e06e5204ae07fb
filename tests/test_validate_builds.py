"""Whatever `validate` passes, `build` builds: a property over generated corpora.

Corpora are made of generated documents, some with the shapes that once passed `validate` and
then broke `build` (a source over spaCy's default max_length, a FIFO as source.txt, a folder
nested a thousand levels deep inside a document, links inside a document), and some with
random quotes, dates, languages and offsets. The property: validate exits 0 => build writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from builders.run.build import build
from builders.source.corpus import MAX_SOURCE_BYTES
from builders import validate

import gencorpus  # the annotation format of the fixture corpora, kept current there

SENTENCE = "Land {n} held a drill at sea. Officials of Land {n} praised the drill on Monday.\n"

VALID = "{{text: Land {n}, occurrence: 1}}"
SHAPES = ("plain", "big", "fifo", "deep", "symlink", "hidden")


def _doc(root: Path, n: int, shape: str, mention: str, published: str, language: str) -> None:
    doc_id = f"gen_{n:05d}"
    folder = root / doc_id
    folder.mkdir(parents=True)
    text = SENTENCE.format(n=n)
    if shape == "big":  # over spaCy's default max_length (1,000,000), under the source limit; long
        # words, so that the tokens (whose Python objects dominate the cost) stay few
        text = text + ("abcdefghij" * 100 + "\n") * 1000
        assert 1_000_000 < len(text) < MAX_SOURCE_BYTES
    source = text.encode()
    ann = gencorpus.ANNOTATION.format(doc_id=doc_id, sha=hashlib.sha256(source).hexdigest(), n=n)
    mentions = f"      - {{text: Land {n}, occurrence: 1}}\n      - {{text: Land {n}, occurrence: 2}}\n"
    assert mentions in ann and "\n  language: en\n" in ann and "\n  published: null\n" in ann
    ann = ann.replace(mentions, f"      - {mention}\n").replace("\n  language: en\n", f"\n  language: {language}\n")
    ann = ann.replace("\n  published: null\n", f"\n  published: {published}\n")
    (folder / "annotation.yaml").write_text(ann, encoding="utf-8")
    if shape == "fifo":
        os.mkfifo(folder / "source.txt")
        return
    (folder / "source.txt").write_bytes(source)
    if shape == "deep":
        deep = folder
        for _ in range(1000):  # one mkdir a level: os.makedirs recurses
            deep = deep / "d"
            deep.mkdir()
        (deep / "note.txt").write_text("deep")
    elif shape == "symlink":
        (folder / "link-to-source").symlink_to(folder / "source.txt")
        (folder / "link-out").symlink_to("/etc", target_is_directory=True)
    elif shape == "hidden":
        shutil.move(folder, root / f".{doc_id}")


quotes = st.one_of(
    st.sampled_from(["Land {n}", "{{text: Land {n}, occurrence: 1}}", "{{text: drill, context: 'held a drill'}}",
                     "{{text: Land {n}, start: 0, end: 6}}", "{{text: Land {n}, start: 0x0, end: 6}}",
                     "{{text: Land {n}, occurrence: 1, context: 'of Land {n} praised'}}", "' '", "'.'", "\"\\n\""]),
    st.text(alphabet="Land 0123456789.\n ", min_size=1, max_size=8).map(json.dumps),
)
dates = st.one_of(st.sampled_from(["null", "2024-02-29", "2023-02-29", "2024-13-45", '"2024-01-01\\n"']),
                  st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"))
languages = st.sampled_from(["en", "en-GB", '"en\\n"', "EN", "e"])
docs = st.lists(st.tuples(st.sampled_from(SHAPES), quotes, dates, languages), min_size=1, max_size=3)


def _corpus(root: Path, spec: list[tuple[str, str, str, str]]) -> Path:
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    for n, (shape, mention, published, language) in enumerate(spec):
        _doc(corpus, n, shape, mention.format(n=n) if "{" in mention else mention, published, language)
    return corpus


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example([("big", VALID, "null", "en")])
@example([("fifo", VALID, "null", "en"), ("plain", VALID, "null", "en")])
@example([("deep", VALID, "2024-02-29", "en")])
@example([("symlink", VALID, "null", "en")])
@example([("hidden", VALID, "null", "en"), ("plain", VALID, "null", "en")])
@given(docs)
def test_whatever_validates_builds(tmp_path_factory, spec):
    root = tmp_path_factory.mktemp("prop")
    try:
        _check(root, spec)
    finally:  # rm, not shutil.rmtree: Python 3.11's recursion does not reach a thousand levels down
        subprocess.run(["rm", "-rf", str(root)], check=True)


def _check(root: Path, spec: list[tuple[str, str, str, str]]) -> None:
    corpus = _corpus(root, spec)
    report = validate([corpus], workers=1)
    result = build(corpus, root / "dist", workers=1)  # never raises, never hangs (a FIFO is never opened)
    if report.ok:
        assert result.written, [f.code for f in result.report.findings if f.is_error]
    else:
        assert not result.written
    if all(shape in ("plain", "big", "deep", "symlink") and mention == VALID and published in ("null", "2024-02-29")
           and language == "en" for shape, mention, published, language in spec):
        assert report.ok and result.written  # the explicit examples are valid corpora: the property is not vacuous
    if any(shape in ("fifo", "hidden") for shape, *_ in spec):
        assert not report.ok  # both are refused, with a finding, never skipped in silence


def test_links_inside_a_document_are_not_followed_into_the_corpus_hash(tmp_path):
    from builders.release.provenance import corpus_sha256

    corpus = _corpus(tmp_path, [("plain", VALID, "null", "en")])
    before = corpus_sha256(corpus)
    (corpus / "gen_00000" / "link").symlink_to(corpus / "gen_00000" / "source.txt")
    (corpus / "gen_00000" / "dir-link").symlink_to(tmp_path, target_is_directory=True)
    assert corpus_sha256(corpus) == before
