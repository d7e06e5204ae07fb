"""``geosignal new``: from a raw article to a document that validates and builds."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders.new import create, create_from_csv, default_doc_id, render_template
from builders.dataset.read import read_dataset
from builders import validate
from builders.annotation.yamlio import parse_yaml

from conftest import assert_no_traceback, cli

SMALL = Path(__file__).resolve().parent / "data" / "small"
# A fresh article with what editors leave in files: non-ASCII, a no-break space, no final newline.
ARTICLE = ("Taiwan’s defence ministry said on Friday that 27 Chinese aircraft crossed the median line.\n"
           "Taipei called the flights a provocation;\u00a0Beijing said they were routine.").encode("utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    shutil.copytree(SMALL / "good_doc", tmp_path / "corpus" / "good_doc")
    return tmp_path / "corpus"


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_new_then_validate_then_build_end_to_end(corpus, tmp_path):
    article = tmp_path / "taiwan_adiz_2024.txt"
    article.write_bytes(ARTICLE)
    made = cli("new", str(article), "--corpus", str(corpus), "--publisher", "Test: Wire, #1", "--obtained", "e-mail",
               "--license", "CC0-1.0", "--annotator", "tester")
    assert made.returncode == 0, made.stderr
    doc = corpus / "taiwan_adiz_2024"
    assert (doc / "source.txt").read_bytes() == ARTICLE  # byte-for-byte
    meta = parse_yaml((doc / "annotation.yaml").read_text(encoding="utf-8")).data["document"]
    assert meta["source_sha256"] == hashlib.sha256(ARTICLE).hexdigest()
    assert meta["publisher"] == "Test: Wire, #1" and meta["source_name"] == "taiwan_adiz_2024.txt"

    checked = cli("validate", str(corpus))
    assert checked.returncode == 0, checked.stdout
    assert "checked 2 document(s): 0 error(s), 0 warning(s)" in checked.stdout

    out = tmp_path / "dist"
    built = cli("build", "--corpus", str(corpus), "--out", str(out))
    assert built.returncode == 0, built.stderr
    docs = {d["doc_id"]: d for d in read_dataset(out)["documents"]}
    assert sorted(docs) == ["good_doc", "taiwan_adiz_2024"]
    assert docs["taiwan_adiz_2024"]["raw_text"].encode("utf-8") == ARTICLE
    assert "Beijing said they were routine." in docs["taiwan_adiz_2024"]["text"]


def test_template_passes_levels_1_to_3_and_level_4_warns_about_todos(corpus, tmp_path):
    article = tmp_path / "a.txt"
    article.write_bytes(ARTICLE)
    result = create(article, corpus, "fresh_doc")
    assert result.folder == corpus / "fresh_doc" and result.findings == []
    assert validate([result.folder], level=3).findings == []
    report = validate([result.folder], level=4)
    assert report.ok
    assert sorted((f.code, f.line) for f in report.findings) == [
        ("template-unfilled", 12), ("template-unfilled", 16), ("template-unfilled", 22),
        ("template-unfilled", 25)]  # publisher, obtained, license note, annotators


def test_github_format_reports_warnings(corpus, tmp_path):
    article = tmp_path / "a.txt"
    article.write_bytes(ARTICLE)
    assert create(article, corpus, "fresh_doc").folder
    result = cli("validate", str(corpus), "--format", "github")
    assert result.returncode == 0  # warnings do not fail CI ...
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::warning file=") and ",line=12,title=template-unfilled::" in lines[0]  # ... but show on the PR
    assert lines[-1] == "checked 2 document(s): 0 error(s), 4 warning(s)"


@pytest.mark.parametrize("name, expected", [
    ("000_7230f43d1c5252f7.txt", "000_7230f43d1c5252f7"),
    ("Taiwan ADIZ (2024).txt", "taiwan-adiz-2024"),
    ("新闻.txt", hashlib.sha256(b"x").hexdigest()[:16]),
    ("ab.txt", hashlib.sha256(b"x").hexdigest()[:16]),
])
def test_default_doc_id_is_deterministic(name, expected):
    assert default_doc_id(name, b"x") == expected == default_doc_id(name, b"x")


def test_refuses_an_existing_doc_id_and_changes_nothing(corpus, tmp_path):
    article = tmp_path / "good_doc.txt"
    article.write_bytes(ARTICLE)
    before = tree(corpus)
    result = cli("new", str(article), "--corpus", str(corpus))
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "error [doc-exists] the document 'good_doc' already exists" in result.stderr
    assert "new refused: nothing was written" in result.stderr
    assert tree(corpus) == before


@pytest.mark.parametrize("edit", [lambda b: b, lambda b: b.replace(b" after", b"\nafter").replace(b"\n", b"  \n")],
                         ids=["identical", "rewrapped"])
def test_refuses_an_article_already_in_the_corpus(corpus, tmp_path, edit):
    article = tmp_path / "copy.txt"
    article.write_bytes(edit((corpus / "good_doc" / "source.txt").read_bytes()))
    before = tree(corpus)
    result = create(article, corpus)
    assert result.folder is None and [f.code for f in result.findings] == ["duplicate-document"]
    assert "'good_doc'" in result.findings[0].message and result.findings[0].file.endswith("copy.txt")
    assert tree(corpus) == before


@pytest.mark.parametrize("doc_id", ["../escaped", "/tmp/abs", "Bad Id", "ab", "-dash"])
def test_refuses_an_invalid_doc_id_without_writing_anywhere(corpus, tmp_path, doc_id):
    article = tmp_path / "a.txt"
    article.write_bytes(ARTICLE)
    before = tree(tmp_path)
    result = create(article, corpus, doc_id)
    assert result.folder is None and [f.code for f in result.findings] == ["bad-doc-id"]
    assert tree(tmp_path) == before


@pytest.mark.parametrize("content, code", [
    (b"caf\xe9\n", "not-utf8"),
    (b"", "file-empty"),
    (b"![](https://example.invalid/a.jpg)\n", "empty-text"),
])
def test_refuses_a_source_that_would_not_validate(corpus, tmp_path, content, code):
    article = tmp_path / "a.txt"
    article.write_bytes(content)
    result = create(article, corpus, "fresh_doc")
    assert result.folder is None and code in [f.code for f in result.findings]
    assert sorted(p.name for p in corpus.iterdir()) == ["good_doc"]  # not even a temporary folder


def test_refuses_special_and_oversized_files_without_reading_them(corpus, tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # reading it would block
    assert [f.code for f in create(fifo, corpus, "fresh_doc").findings] == ["not-a-file"]
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(4 * 1024**3)  # sparse: reading it all would take 4 GiB
    assert [f.code for f in create(big, corpus, "fresh_doc").findings] == ["file-too-large"]
    assert [f.code for f in create(tmp_path / "nope.txt", corpus, "fresh_doc").findings] == ["path-missing"]
    assert sorted(p.name for p in corpus.iterdir()) == ["good_doc"]


def test_refuses_metadata_the_schema_rejects(corpus, tmp_path):
    article = tmp_path / "a.txt"
    article.write_bytes(ARTICLE)
    result = create(article, corpus, None, {"published": "10/07/2024"})
    assert result.folder is None and "document.published" in result.findings[0].message
    assert sorted(p.name for p in corpus.iterdir()) == ["good_doc"]


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.text(min_size=1), st.text(min_size=1))
def test_template_keeps_any_metadata_exactly(publisher, title):
    text = render_template("any_doc", "a.txt", "0" * 64, {"publisher": publisher, "title": title})
    meta = parse_yaml(text).data["document"]
    assert (meta["publisher"], meta["title"]) == (publisher, title)


SHAPES = Path(__file__).resolve().parent / "data" / "shapes"


def test_crlf_source_is_accepted_kept_byte_for_byte_and_cleaned(corpus, tmp_path):
    article = tmp_path / "crlf_article.txt"
    raw = b"Ships sailed east on Monday.\r\nOfficials confirmed it.\r\n"
    article.write_bytes(raw)
    result = create(article, corpus, None, {"license": "CC0-1.0"})
    assert result.folder is not None, result.findings
    assert (result.folder / "source.txt").read_bytes() == raw
    report = validate([corpus])
    assert report.ok, report.findings
    from builders.show import load
    from builders.source.corpus import DocFolder
    assert load(DocFolder("crlf_article", result.folder)).text == "Ships sailed east on Monday.\nOfficials confirmed it."


def test_markdown_front_matter_fills_the_metadata(corpus, tmp_path):
    article = tmp_path / "statement.md"
    shutil.copy(SHAPES / "wh-2022-03-24-dprk-ballistic-missile-launch.md", article)
    made = cli("new", str(article), "--corpus", str(corpus), "--doc-id", "wh_dprk", "--publisher", "The White House",
               "--license", "LicenseRef-PublicDomain-USGov")
    assert made.returncode == 0, made.stderr
    doc = corpus / "wh_dprk"
    assert (doc / "source.txt").read_bytes() == article.read_bytes()
    meta = parse_yaml((doc / "annotation.yaml").read_text(encoding="utf-8")).data["document"]
    assert meta["source_format"] == "markdown"
    assert meta["title"] == ("Statement by Press Secretary Jen Psaki on the Democratic People\u2019s Republic of Korea\u2019s "
                             "Ballistic Missile Launch")  # the no-break spaces of the front matter made plain
    assert meta["published"] == "2022-03-24"
    assert meta["url"].startswith("https://bidenwhitehouse.archives.gov/briefing-room/statements-releases/2022/03/24/")
    shown = cli("show", "wh_dprk", "--corpus", str(corpus))
    assert shown.returncode == 0, shown.stderr
    assert "The United States strongly condemns" in shown.stdout and "title:" not in shown.stdout
    assert "<sup>" not in shown.stdout and "###" not in shown.stdout
    linted = validate([corpus], level=4)
    assert linted.ok and any(f.code == "template-unfilled" and "provenance" in f.message for f in linted.findings)


def wikinews_csv(tmp_path: Path) -> Path:
    import csv as csv_module

    field = (SHAPES / "wikinews_2019-row015-text.txt").read_bytes().decode("utf-8")
    path = tmp_path / "wikinews_2019.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv_module.writer(f)
        out.writerow(["url", "date", "title", "text"])
        out.writerow(["https://example.invalid/other", "2019-01-01", "Another story", "Another text.\n\nSecond."])
        out.writerow(["https://en.wikinews.org//wiki/Germany_bans_Mahan_Air_of_Iran,_citing_%27security%27",
                      "2019-01-23", "Germany bans Mahan Air of Iran, citing 'security'", field])
    return path


def test_csv_field_becomes_the_source_with_row_metadata_and_provenance(corpus, tmp_path):
    table = wikinews_csv(tmp_path)
    made = cli("new", "--csv", str(table), "--row", "1", "--corpus", str(corpus), "--doc-id", "wn_mahan",
               "--publisher", "Wikinews", "--license", "CC-BY-2.5", "--repository", "vanatteveldt/wikinews",
               "--commit", "3472541")
    assert made.returncode == 0, made.stderr
    doc = corpus / "wn_mahan"
    assert (doc / "source.txt").read_bytes() == (SHAPES / "wikinews_2019-row015-text.txt").read_bytes()
    meta = parse_yaml((doc / "annotation.yaml").read_text(encoding="utf-8")).data["document"]
    assert meta["source_format"] == "csv-field"
    assert meta["title"] == "Germany bans Mahan Air of Iran, citing 'security'" and meta["published"] == "2019-01-23"
    assert meta["provenance"] == {"repository": "vanatteveldt/wikinews", "commit": "3472541", "path": "wikinews_2019.csv",
                                  "row": 1, "field": "text", "url": meta["url"]}
    report = validate([corpus], level=4)
    assert report.ok and not [f for f in report.findings if "provenance" in f.message]
    shown = cli("show", "wn_mahan", "--corpus", str(corpus))
    assert "Wednesday, January 23, 2019\nGermany on Monday banned" in shown.stdout


def test_csv_without_repository_leaves_a_todo_that_level_4_reports(corpus, tmp_path):
    result = create_from_csv(wikinews_csv(tmp_path), 0, "text", corpus, "wn_other")
    assert result.folder is not None, result.findings
    text = (result.folder / "annotation.yaml").read_text(encoding="utf-8")
    assert "TODO: add provenance" in text
    findings = validate([corpus], level=4).findings
    assert any(f.code == "template-unfilled" and "provenance" in f.message for f in findings)


@pytest.mark.parametrize("args, code", [
    (["--row", "5"], "csv-row"),
    (["--row", "0", "--field", "body"], "csv-field"),
])
def test_csv_bad_row_or_field_is_refused(corpus, tmp_path, args, code):
    made = cli("new", "--csv", str(wikinews_csv(tmp_path)), *args, "--corpus", str(corpus))
    assert made.returncode == 1 and code in made.stderr
    assert_no_traceback(made)
    assert sorted(p.name for p in corpus.iterdir()) == ["good_doc"]


def test_new_needs_a_file_or_a_csv_row(corpus, tmp_path):
    assert cli("new", "--corpus", str(corpus)).returncode == 2
    assert cli("new", "--csv", str(wikinews_csv(tmp_path)), "--corpus", str(corpus)).returncode == 2
