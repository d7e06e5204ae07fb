"""A corpus that gains documents of every source shape still validates, builds, loads and shows.

Contributors add documents of new shapes every day: a Markdown statement with front matter, a
Wikinews field from a CSV row, a scraped web page. This adds one of each (made with `geosignal
new`, as a contributor would) to a copy of the fixture corpus and runs the checks a pull request
gets, without asserting anything about what corpus/ holds.
"""

from __future__ import annotations

import csv
import shutil

from builders.run.build import build
from builders.new import create, create_from_csv
from builders.dataset.read import read_dataset
from builders.schema import ALL_CONFIGS
from builders import validate

from conftest import CORPUS, REPO, cli, load_dataset

SHAPES = REPO / "tests" / "data" / "shapes"
WEB_PAGE = """Skip to main content
Home | World | Asia | Opinion
Advertisement
Patrol boats shadow survey ship near disputed reef
By Staff Reporter
Coast guard vessels from two countries shadowed a survey ship near the disputed reef on Monday, officials said.
The ministry said the patrol would continue through the week and urged both sides to exercise restraint.
Share this article: Facebook | Twitter | Email
"""


def test_documents_of_every_shape_join_a_corpus_and_everything_still_works(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    before = {d.name for d in corpus.iterdir()}

    md = create(SHAPES / "wh-2022-03-24-dprk-ballistic-missile-launch.md", corpus, "shape_markdown",
                {"publisher": "The White House", "obtained": "test copy", "license": "LicenseRef-PublicDomain-USGov",
                 "annotator": "tests"})
    assert md.folder is not None, md.findings
    table = tmp_path / "wikinews.csv"
    with table.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["url", "date", "title", "text"])
        out.writerow(["https://en.wikinews.org/wiki/Example", "2019-01-23", "An example",
                      (SHAPES / "wikinews_2019-row015-text.txt").read_text(encoding="utf-8")])
    field = create_from_csv(table, 0, "text", corpus, "shape_csv_field",
                            {"publisher": "Wikinews", "obtained": "test copy", "license": "CC-BY-2.5", "annotator": "tests"},
                            repository="vanatteveldt/wikinews", commit="3472541")
    assert field.folder is not None, field.findings
    page = tmp_path / "page.txt"
    page.write_text(WEB_PAGE, encoding="utf-8")
    web = create(page, corpus, "shape_web_text",
                 {"publisher": "Example News", "obtained": "test copy", "license": "CC0-1.0", "annotator": "tests"})
    assert web.folder is not None, web.findings
    added = {d.name for d in corpus.iterdir()} - before
    assert added == {"shape_markdown", "shape_csv_field", "shape_web_text"}

    report = validate([corpus], level=4)
    assert [f for f in report.findings if f.is_error] == []
    assert report.checked == len(before) + 3

    out = tmp_path / "dist"
    assert build(corpus, out, workers=1, cache=None).written
    tables = read_dataset(out)
    docs = {d["doc_id"]: d for d in tables["documents"]}
    assert added <= set(docs)
    assert {docs[d]["source_format"] for d in added} == {"markdown", "csv-field", "text"}
    for doc_id in added:  # the clean text is the article: no front matter, no markup, every span of it maps back
        text = docs[doc_id]["text"]
        assert text and "---" not in text and "\\###" not in text and "<sup>" not in text
        for seg in docs[doc_id]["offset_map"]:
            raw = docs[doc_id]["raw_text"]
            assert text[seg["clean_start"]:seg["clean_start"] + seg["length"]] == raw[seg["raw_start"]:seg["raw_start"] + seg["length"]]
    for config in ALL_CONFIGS:
        loaded = load_dataset(out, config)
        assert sum(len(split) for split in loaded.values()) == len(tables[config])

    for doc_id in sorted(added):
        shown = cli("show", doc_id, "--corpus", str(corpus))
        assert shown.returncode == 0, shown.stderr
        assert docs[doc_id]["text"].splitlines()[0][:40] in shown.stdout
