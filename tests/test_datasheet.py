"""DATASHEET.md has Gebru et al.'s seven sections, and its figures are the build's."""

from __future__ import annotations

import re

import pytest

from builders.dataset.read import read_dataset
from builders.dataset.stats import BLOCK_BEGIN, BLOCK_END, compute, embed, embedded, to_markdown

from conftest import CORPUS, REAL_CORPUS, REPO, SEED_ID, cli

DATASHEET = REPO / "DATASHEET.md"
REFRESH = "geosignal stats --format markdown --update DATASHEET.md"
SECTIONS = ("Motivation", "Composition", "Collection process", "Preprocessing, cleaning and labelling",
            "Uses", "Distribution", "Maintenance")


def test_the_seven_sections_in_order():
    headings = re.findall(r"^## (?:\d\. )?(.+)$", DATASHEET.read_text(encoding="utf-8"), flags=re.M)
    assert headings == list(SECTIONS)


def test_figures_equal_the_build(built_real):
    block = embedded(DATASHEET.read_text(encoding="utf-8"))
    assert block is not None, f"DATASHEET.md has no {BLOCK_BEGIN} ... {BLOCK_END} block"
    documents = sum(1 for d in REAL_CORPUS.iterdir() if (d / "annotation.yaml").is_file())
    expected = to_markdown(compute(read_dataset(built_real)))
    assert f"| documents | {documents} |" in expected  # the build is really read
    assert block == expected, f"DATASHEET.md's figures differ from the build: run `{REFRESH}`"


def test_update_rewrites_only_the_block(tmp_path):
    sheet = tmp_path / "DATASHEET.md"
    original = DATASHEET.read_text(encoding="utf-8")
    sheet.write_text(embed(original, "| stale | 0 |\n"), encoding="utf-8")
    assert embedded(sheet.read_text(encoding="utf-8")) == "| stale | 0 |\n"
    result = cli("stats", "--corpus", str(REAL_CORPUS), "--format", "markdown", "--update", str(sheet))
    assert result.returncode == 0, result.stderr
    assert sheet.read_text(encoding="utf-8") == original


def test_update_needs_markdown_and_markers(tmp_path):
    assert cli("stats", "--corpus", str(CORPUS), "--format", "json", "--update", str(DATASHEET)).returncode == 2
    plain = tmp_path / "notes.md"
    plain.write_text("no markers here\n", encoding="utf-8")
    result = cli("stats", "--corpus", str(CORPUS), "--format", "markdown", "--update", str(plain))
    assert result.returncode == 1 and "stats:begin" in result.stderr
    assert plain.read_text(encoding="utf-8") == "no markers here\n"


def test_embed_refuses_a_document_without_markers():
    with pytest.raises(ValueError):
        embed("nothing to replace", "| x | 1 |\n")


# ---- the agreement block (section 4): `geosignal agree` on the frozen double-annotation round ----

AGREE_REFRESH = "geosignal agree agreement/round-1/a agreement/round-1/b --format markdown --update DATASHEET.md"


def test_agreement_figures_equal_a_fresh_run():
    from builders.score.command import BLOCK_BEGIN as A_BEGIN, BLOCK_END as A_END

    block = embedded(DATASHEET.read_text(encoding="utf-8"), A_BEGIN, A_END)
    assert block is not None, f"DATASHEET.md has no {A_BEGIN} ... {A_END} block"
    fresh = cli("agree", "agreement/round-1/a", "agreement/round-1/b", "--format", "markdown")
    assert fresh.returncode == 0, fresh.stderr
    assert "| triggers_typed |" in fresh.stdout and "Krippendorff" in fresh.stdout  # a real run
    assert block == fresh.stdout, f"DATASHEET.md's agreement figures differ from a fresh run: run `{AGREE_REFRESH}`"


def test_agree_update_rewrites_only_its_block(tmp_path, corpus_copy):
    from builders.score.command import BLOCK_BEGIN as A_BEGIN, BLOCK_END as A_END

    doc = corpus_copy / SEED_ID
    (doc / "annotation.b.yaml").write_bytes((doc / "annotation.yaml").read_bytes())
    sheet = tmp_path / "sheet.md"
    sheet.write_text(f"intro\n{A_BEGIN}\nstale\n{A_END}\n<!-- stats:begin -->\nkept\n<!-- stats:end -->\n", encoding="utf-8")
    result = cli("agree", "--corpus", str(corpus_copy), "--format", "markdown", "--update", str(sheet))
    assert result.returncode == 0, result.stderr
    text = sheet.read_text(encoding="utf-8")
    block = embedded(text, A_BEGIN, A_END)
    assert "| mentions | exact | 1.000 | 1.000 | 1.000 |" in block  # identical files agree perfectly
    assert text.startswith("intro\n") and embedded(text) == "kept\n"
    assert cli("agree", "--corpus", str(corpus_copy), "--update", str(sheet)).returncode == 2  # not markdown
    plain = tmp_path / "plain.md"
    plain.write_text("no markers\n", encoding="utf-8")
    bad = cli("agree", "--corpus", str(corpus_copy), "--format", "markdown", "--update", str(plain))
    assert bad.returncode == 1 and "agree:begin" in bad.stderr and plain.read_text(encoding="utf-8") == "no markers\n"
