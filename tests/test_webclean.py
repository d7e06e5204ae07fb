"""The web-page shape (``text``): boilerplate lines dropped by named rules and a jusText-style
classifier, entities decoded; per-document corrections (``document.cleaning``) in every shape;
`geosignal show` makes dropped lines visible."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from builders.source.boilerplate import classify, explicit_rule
from builders.source.clean import Corrections, clean
from builders.source.corrections import match
from builders.show import dropped_lines

from conftest import CORPUS, SEED_ID, SEED_RAW, assert_no_traceback, cli, load_dataset
from test_clean import assert_exact, read_raw

DATA = Path(__file__).resolve().parent / "data"
PAGE = DATA / "shapes" / "newswire-2024-03-12-japan-korea-security-talks.txt"
WN_ID = "wn-2019-10-08-us-president-trump-announces-troop-withdrawal"
WN = DATA / "cleaning"

ARTICLE = [
    "Japan and South Korea restart security talks after five-year pause",
    "TOKYO, March 12 (Newswire) - Japan and South Korea agreed on Tuesday to restart a high-level security dialogue "
    "that has been frozen since 2018, officials from both governments said, as the two U.S. allies seek closer "
    "cooperation in the face of North Korean missile launches and China\u2019s growing military activity in the region.",
    "The vice-ministerial talks, covering defence & foreign policy, will resume in Seoul next month, Japan\u2019s foreign "
    "ministry said in a statement. The last round was cancelled after a dispute over wartime labour compensation soured "
    "relations between the two neighbours.",
    "\"We have to talk to each other more, not less,\" a senior South Korean official told reporters.",
    "Missile launches loom over talks",
    "North Korea fired a ballistic missile into the sea off its east coast on Monday, the latest in a series of launches "
    "that Tokyo and Seoul have condemned as a violation of United Nations Security Council resolutions. Pyongyang did "
    "not comment on the launch.",
    "Officials in Beijing said China was \"not a threat to anyone\" and urged Japan and South Korea to avoid forming what "
    "it called exclusive blocs. Washington welcomed the agreement and said it would support closer trilateral "
    "coordination with its two allies.",
]
JUNK = ("Skip", "Menu", "Breakingviews", "\u203a", "Advertisement", "By Hana", "GMT", "Share", "Facebook", "Related",
        "Read more", "Reporting by", "Editing", "Standards", "\u00a9", "rights reserved", "Privacy", "&amp;", "&quot;", "&#")


def canonical(c) -> str:
    data = {"text": c.text, "segments": [[s.clean_start, s.raw_start, s.length] for s in c.segments],
            "removals": [[r.rule, r.raw_start, r.raw_end] for r in c.removals]}
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def test_the_seed_cleans_exactly_as_before_the_classifier():
    """Text, offset map and removals of the seed, pinned from the cleaner before the web-page rules came."""
    c = clean(SEED_RAW.read_text(encoding="utf-8"), "VISTORBELITUNG.COM")
    assert canonical(c) == "1a3cf3d7a6bb7e7a2258513777f689eb9ebd063135ad880baf1d2d5a98acc31a"
    assert {r.rule for r in c.removals} == {"image-markup", "caption-row", "publisher-prefix", "bullet"}


@pytest.fixture(scope="module")
def page():
    raw = read_raw(PAGE)
    return raw, clean(raw, "Newswire", "text")


def test_web_page_comes_out_as_the_article_alone(page):
    raw, c = page
    assert c.text == "\n".join(ARTICLE)
    for junk in JUNK:
        assert junk not in c.text, junk
    assert_exact(raw, c)


def test_every_dropped_line_is_named_by_its_rule(page):
    raw, c = page
    by_rule: dict[str, list[str]] = {}
    for r in c.removals:
        by_rule.setdefault(r.rule, []).append(raw[r.raw_start : r.raw_end])
    assert by_rule["skip-link"] == ["Skip to main content"]
    assert by_rule["navigation"] == ["Menu", "World | Business | Markets | Sustainability | Legal | Breakingviews | Technology",
                                     "Home \u203a World \u203a Asia Pacific", "Terms of Use \u00b7 Privacy Policy \u00b7 Cookie Settings \u00b7 Accessibility"]
    assert by_rule["advertisement"] == ["Advertisement", "Advertisement"]
    assert by_rule["byline"] == ["By Hana Kimura and Jae-won Lee"]
    assert by_rule["page-dateline"] == ["March 12, 2024 3:41 PM GMT+9 Updated 2 hours ago"]
    assert by_rule["share-row"] == ["Share this article   Facebook   X   LinkedIn   Email"]
    assert by_rule["related-link"] == ["Related: North Korea fires ballistic missile into sea, Japan says", "Read more"]
    assert by_rule["reporting-credit"] == ["Reporting by Hana Kimura in Tokyo and Jae-won Lee in Seoul; Editing by Mark Potter"]
    assert by_rule["copyright-footer"] == ["Our Standards: The Newswire Trust Principles.", "\u00a9 2024 Newswire. All rights reserved."]
    assert by_rule["entity"] == ["&#8217;", "&amp;", "&#8217;", "&quot;", "&quot;"]
    assert "\u00a0" in "".join(by_rule["whitespace"]) and "\u2009" in "".join(by_rule["whitespace"])  # odd spaces normalised


def test_page_offsets_map_back_to_the_raw_bytes(page):
    raw, c = page
    data = PAGE.read_bytes()
    for quote, source in [("TOKYO, March 12 (Newswire)", None), ("China\u2019s growing", "China&#8217;s growing"),
                          ("defence & foreign policy", "defence &amp; foreign policy"), ("Missile launches loom over talks", None),
                          ("welcomed the agreement and said", "welcomed the agreement\u00a0and said"),
                          ("coordination with its two allies.", None)]:
        start = c.text.index(quote)
        a, b = c.to_raw(start, start + len(quote))
        byte_a, byte_b = len(raw[:a].encode("utf-8")), len(raw[:b].encode("utf-8"))
        assert data[byte_a:byte_b].decode("utf-8") == (source or quote)


def test_article_lines_are_kept_by_the_classifier():
    """Short paragraphs, headings and name-dense sentences between article paragraphs stay; so does a tiny text."""
    para = ("The talks were held in Geneva on Monday and officials said that they would continue for at least "
            "another week, as both sides wanted to reach an agreement before the end of the month, when the ceasefire ends.")
    lines = [para, "He declined to comment.", para, "Regional Reactions", para,
             "Tokyo, Seoul, Beijing, Moscow, Washington, Pyongyang, Taipei, Manila and Hanoi sent envoys to Geneva, Bern and Vienna.",
             para, "By Tuesday, the talks had collapsed.", "Share prices fell 3% in Tokyo on Monday.", para]
    assert classify(lines, "en") == [None] * len(lines)
    assert clean("One.\nTwo.\nThree.").text == "One.\nTwo.\nThree."
    # no stop words known for the language: the explicit rules alone
    assert classify(["Advertisement", "Short line", para], "xx-unknown") == ["advertisement", None, None]


def test_the_classifier_drops_low_content_lines_near_boilerplate():
    para = ("The talks were held in Geneva on Monday and officials said that they would continue for at least "
            "another week, as both sides wanted to reach an agreement before the end of the month, when the ceasefire ends.")
    lines = ["Home", "LATEST NEWS", "Politics Economy Sport Culture Weather Opinion Video Podcasts Newsletters Puzzles Crosswords",
             para, para, "Advertisement", "Trending now", "Most Popular Stories This Week From Around The Region Today Online"]
    assert classify(lines, "en") == ["navigation", "boilerplate", "boilerplate", None, None, "advertisement", "boilerplate", "boilerplate"]


@pytest.mark.parametrize("line, rule", [
    ("Skip to main content", "skip-link"), ("Jump to navigation", "skip-link"),
    ("ADVERTISEMENT", "advertisement"), ("Story continues below advertisement", "advertisement"),
    ("News › World › Europe", "navigation"), ("Home | About | Contact", "navigation"), ("Sign in", "navigation"),
    ("By JANE DOE | March 5, 2024", "byline"), ("By Jane Doe, Reuters", "byline"), ("By Jane Doe in Kyiv", "byline"),
    ("Published 10:02 AM EST, Tue March 5, 2024", "page-dateline"), ("Updated: 2024-03-05 10:02", "page-dateline"),
    ("5 March 2024", "page-dateline"),
    ("Share on Facebook Share on Twitter", "share-row"), ("Tweet Email Print", "share-row"),
    ("Read more: Talks collapse in Geneva", "related-link"), ("RELATED STORIES", "related-link"), ("See also \u2014 Timeline", "related-link"),
    ("(Reporting by Jane Doe; Editing by John Roe)", "reporting-credit"),
    ("Associated Press writer John Roe contributed to this report.", "reporting-credit"),
    ("Copyright 2024 The Daily Example", "copyright-footer"), ("&copy; 2024 Example Media Ltd", "copyright-footer"),
    ("Terms of Service and Privacy Policy apply.", "copyright-footer"),
])
def test_explicit_rules(line, rule):
    assert explicit_rule(line) == rule


@pytest.mark.parametrize("line", [
    "By Tuesday, the talks had collapsed.", "By then, Russia had withdrawn its forces from the area.",
    "Share prices fell 3% in Tokyo on Monday.", "Related talks are due next week in Geneva.",
    "Editing the constitution is not on the table, the minister said.", "March 12 was the deadline for a deal.",
    "SEOUL, March 5 (Reuters) - North Korea fired a missile on Tuesday.", "Home secretary Jane Doe said the border would stay open.",
    "Regional Reactions and Escalating Tensions",
])
def test_article_sentences_match_no_explicit_rule(line):
    assert explicit_rule(line) is None


def test_entities_and_odd_spaces_in_text_sources():
    raw = "A&amp;B met&nbsp;here&#x2009;today &lt;3 &bogus; x\u202fy\n&nbsp;\n&shy;"
    c = clean(raw)
    assert c.text == "A&B met here today <3 &bogus; x y"
    assert_exact(raw, c)
    assert {r.rule for r in c.removals} == {"entity", "whitespace"}


def test_text_shape_keeps_an_exact_map_on_random_input():
    from hypothesis import given, settings, strategies as st

    pieces = st.sampled_from(["a", "Bb", " ", "  ", "\u00a0", "\n", "\r\n", "&amp;", "&nbsp;", "&#8217;", "&bogus;", "&", "|", " | ",
                              "\u203a", "Advertisement", "By Jane Doe", "Share", "Facebook", "\u00a9", "Related:", "*", "- ",
                              "e\u0301", "\u200b", "![x](y)", "the of and to in", ". "])

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(st.lists(pieces, max_size=40).map("".join))
    def check(raw):
        c = clean(raw)
        assert_exact(raw, c)
        assert "\n\n" not in c.text and all(line == line.strip() and "  " not in line for line in c.text.split("\n"))
        assert clean(raw) == c

    check()


# --- document.cleaning: keep / drop in every shape -----------------------------------------------

def test_drop_and_keep_in_the_text_shape(page):
    raw, before = page
    corrections, problems = match(raw, {"drop": ["Missile launches loom"], "keep": ["Read more"]})
    assert problems == []
    c = clean(raw, "Newswire", "text", corrections)
    assert "Missile launches loom over talks" not in c.text
    assert c.text.split("\n")[-1] == "Read more"  # kept although the classifier drops it
    dropped = [raw[r.raw_start : r.raw_end] for r in c.removals if r.rule == "annotator-drop"]
    assert dropped == ["Missile launches loom over talks"]
    assert_exact(raw, c)


def test_drop_and_keep_in_the_markdown_and_csv_shapes():
    md = "---\ntitle: T\n---\nFirst para\nwraps here.\n\nMAP LEGEND\n\n\\###\n"
    assert clean(md, None, "markdown").text == "First para wraps here.\nMAP LEGEND"
    c = clean(md, None, "markdown", match(md, {"drop": ["MAP LEGEND"], "keep": ["\\###"]})[0])
    assert c.text == "First para wraps here.\n###"
    assert_exact(md, c)
    field = "Dateline\u00a0\n\n\u2588\u2588\u00a0Legend one\n\n\u2588\u2588\u00a0Legend two\n\nBody &amp; more."
    c = clean(field, None, "csv-field", match(field, {"drop": ["\u2588\u2588 Legend one", "Legend two"]})[0])
    assert c.text == "Dateline\nBody & more."
    assert [field[r.raw_start : r.raw_end] for r in c.removals if r.rule == "annotator-drop"] == \
        ["\u2588\u2588\u00a0Legend one", "\u2588\u2588\u00a0Legend two"]
    assert_exact(field, c)


def test_entries_must_name_exactly_one_line():
    raw = "Alpha line\nBeta line\nAlpha again"
    corrections, problems = match(raw, {"drop": ["Alpha", "Gamma", "Beta"], "keep": ["Beta line"]})
    assert [(p.section, p.index, p.code) for p in problems] == [
        ("drop", 0, "cleaning-ambiguous"), ("drop", 1, "cleaning-no-line"), ("drop", 2, "cleaning-conflict")]
    assert "matches 2 lines" in problems[0].message and "matches no line" in problems[1].message
    assert corrections == Corrections()


def _wn_copy(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(WN, corpus)
    return corpus


def test_real_csv_field_document_drops_its_map_legend(tmp_path):
    """A Wikinews article whose map legend ("██ Syrian Arab Republic") its annotator listed under cleaning.drop."""
    corpus = _wn_copy(tmp_path)
    result = cli("validate", str(corpus))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stdout + result.stderr
    from builders.source.corrections import clean_document
    from builders.annotation.yamlio import parse_yaml

    doc = corpus / WN_ID
    raw = (doc / "source.txt").read_bytes().decode("utf-8")
    meta = parse_yaml((doc / "annotation.yaml").read_text(encoding="utf-8")).data["document"]
    c, problems = clean_document(raw, meta)
    assert problems == []
    assert "\u2588" not in c.text and "Syrian Arab Republic" not in c.text
    assert c.text.startswith("Tuesday, October 8, 2019\nLate on Sunday, the United States President Donald Trump")
    assert len([r for r in c.removals if r.rule == "annotator-drop"]) == 4
    assert_exact(raw, c)


def test_a_bad_cleaning_entry_is_a_level_3_finding_with_line_and_hint(tmp_path):
    corpus = _wn_copy(tmp_path)
    ann = corpus / WN_ID / "annotation.yaml"
    text = ann.read_text(encoding="utf-8")
    ann.write_text(text.replace("      - \u2588\u2588 Tahrir al-Sham\n", "      - \u2588\u2588 Tahrir al-Shams\n      - Syrian\n"), encoding="utf-8")
    line = text[: text.index("\u2588\u2588 Tahrir al-Sham")].count("\n") + 1
    result = cli("validate", str(corpus))
    assert result.returncode == 1
    assert_no_traceback(result)
    out = result.stdout + result.stderr
    assert f"annotation.yaml:{line}: error [cleaning-no-line]" in out and "matches no line" in out
    assert f"annotation.yaml:{line + 1}: error [cleaning-ambiguous]" in out and "matches" in out and "lines" in out
    assert "hint:" in out


def test_show_makes_dropped_lines_visible(tmp_path):
    corpus = _wn_copy(tmp_path)
    result = cli("show", WN_ID, "--corpus", str(corpus))
    assert result.returncode == 0, result.stderr
    assert "[dropped \u00b7 annotator-drop] \u2588\u2588 Syrian Arab Republic" in result.stdout
    lines = result.stdout.split("\n")
    assert lines[0] == "Tuesday, October 8, 2019" and lines[1].startswith("[dropped")  # where it was
    out = tmp_path / "wn.html"
    assert cli("show", WN_ID, "--corpus", str(corpus), "--html", str(out)).returncode == 0
    page = out.read_text(encoding="utf-8")
    assert page.count('<span class="dropped" data-rule="annotator-drop"') == 4
    assert '\u2588\u2588 Syrian opposition &amp; Turkish occupation</span>' in page
    assert ".dropped{" in page and "color:#595959" in page


def test_dropped_lines_sit_where_they_were(page):
    raw, c = page
    dropped = dropped_lines(raw, c)
    assert [d.rule for d in dropped][:5] == ["skip-link", "navigation", "navigation", "navigation", "advertisement"]
    assert all(d.at == 0 for d in dropped[:5])
    ad = [d for d in dropped if d.rule == "advertisement"][1]
    assert c.text[ad.at:].startswith("Missile launches loom over talks")
    assert all(d.at == len(c.text) for d in dropped if d.rule in ("reporting-credit", "copyright-footer"))


# --- a web page in a built corpus -----------------------------------------------------------------

PAGE_ANNOTATION = """\
format: geosignal-annotation/2
document:
  source_name: {name}
  source_sha256: {sha}
  source_format: text
  title: Japan and South Korea restart security talks after five-year pause
  publisher: Newswire
  url: null
  language: en
  published: '2024-03-12'
  author: null
  obtained: A made-up web page written for the tests (tests/data/shapes/README.md).
  license:
    spdx: CC0-1.0
    redistributable: true
    attribution: null
  annotation:
    status: gold
    annotators: [geosignal-tests]
    tool: null
entities:
  - id: japan
    name: Japan
    type: GPE
    kb_id: Q17
    mentions:
      - {{text: Japan, context: "Japan and South Korea restart"}}
      - {{text: Japan, context: "Newswire) - Japan"}}
  - id: rok
    name: South Korea
    type: GPE
    kb_id: Q884
    mentions:
      - {{text: South Korea, context: "Japan and South Korea restart"}}
  - id: nk
    name: North Korea
    type: GPE
    kb_id: Q423
    mentions:
      - {{text: North Korea, context: "North Korea fired"}}
events: []
stances: []
"""


def test_the_ner_view_of_a_built_web_page_has_no_junk_rows(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    doc = corpus / "web_newswire_japan_korea"
    doc.mkdir()
    shutil.copy(PAGE, doc / "source.txt")
    (doc / "annotation.yaml").write_text(PAGE_ANNOTATION.format(name=PAGE.name, sha=hashlib.sha256(PAGE.read_bytes()).hexdigest()),
                                         encoding="utf-8")
    out = tmp_path / "dist"
    result = cli("build", "--corpus", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    ner = load_dataset(out, "ner", split="train")
    rows = [r for r in ner if r["doc_id"] == "web_newswire_japan_korea"]
    assert rows
    text = " ".join(" ".join(r["tokens"]) for r in rows)
    for junk in ("Skip", "Menu", "Advertisement", "Kimura", "GMT", "Facebook", "Related", "Editing", "\u00a9", "Privacy", "&"):
        assert junk not in text.replace("defence & foreign", ""), junk
    names = ner.features["ner_tags"].feature.names
    assert rows[0]["tokens"][:4] == ["Japan", "and", "South", "Korea"]
    assert [names[t] for t in rows[0]["ner_tags"][:4]] == ["B-GPE", "O", "B-GPE", "I-GPE"]
    assert SEED_ID in {r["doc_id"] for r in ner}


def test_context_free_class_equals_the_one_before_perf5():
    """_context_free counts stop words in C (map) where it ran a generator per word: the same class
    and heading flag as before on random lines of every class (stop words in any case, Unicode
    letters whose lower case differs in length, short, long, caps, punctuation)."""
    import random

    from builders.source import boilerplate as bp

    stop = bp.stop_words("en")
    assert stop
    rng = random.Random(5)
    vocab = ["the", "The", "THE", "of", "and", "İstanbul", "ǅemal", "Straße", "SANCTIONS", "rose", "o'clock",
             "U.S.", "co-op", "price", "It", "was", "—", "|", "said.", "Read", "more", "ΣΟΦΙΑ", "ﬁnance"]
    classes = set()
    for _ in range(3000):
        line = " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 60)))
        before, now = _context_free_before_perf5(line, stop), bp._context_free(line, stop)
        assert now == before, line
        classes.add(before[0])
    assert classes == {"good", "neargood", "short", "bad"}


# boilerplate._context_free as main had it before perf5 (859e307), verbatim: the reference
from builders.source.boilerplate import (  # noqa: E402
    _HEADING_END, _SENTENCE_END, _WORD, LENGTH_HIGH, LENGTH_LOW, STOPWORDS_HIGH, STOPWORDS_LOW, STOPWORDS_PROSE)


def _context_free_before_perf5(s: str, stop: frozenset[str]) -> tuple[str, bool]:
    """jusText's context-free class of one line, and whether it looks like a heading."""
    words = _WORD.findall(s)
    if len(s) < LENGTH_LOW:
        letters = [c for c in s if c.isalpha()]
        caps = len(letters) >= 3 and all(c.isupper() for c in letters)
        heading = not caps and bool(words) and s[0].isupper() and not _HEADING_END.search(s) and len(words) <= 12
        return ("bad" if caps else "short"), heading
    density = sum(w.lower() in stop for w in words) / len(words) if words else 0.0
    if density >= STOPWORDS_HIGH:
        return ("good" if len(s) > LENGTH_HIGH else "neargood"), False
    if density >= STOPWORDS_LOW or (density >= STOPWORDS_PROSE and _SENTENCE_END.search(s)):
        return "neargood", False
    return "bad", False
