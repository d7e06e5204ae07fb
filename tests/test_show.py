"""`geosignal show`: the terminal view and the self-contained HTML page show every annotation."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from builders import load_corpus
from builders.present.marks import Mark
from builders.present.page import body as html_body

from conftest import CORPUS, SEED_ID, annotation, assert_no_traceback, cli, edit


class Page(HTMLParser):
    """Collects every mark piece (kind, ref, start, end) with its text, the document's text, and every tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.pieces: list[dict] = []
        self.doc_text: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.style = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        piece = None
        if "data-kind" in attrs:
            piece = {k: attrs[k] for k in ("data-kind", "data-ref", "data-start", "data-end")}
            piece["classes"], piece["text"] = attrs["class"].split(), ""
            self.pieces.append(piece)
        if tag not in ("meta", "br"):
            self.stack.append((tag, piece or attrs))

    def handle_endtag(self, tag):
        open_tag, _ = self.stack.pop()
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>: the HTML is not well-formed"

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "style":
            self.style += data
        for tag, attrs in self.stack:
            if "data-kind" in attrs:
                attrs["text"] += data
        if any(tag == "div" and attrs.get("class") == "doc" for tag, attrs in self.stack) and \
                not any(attrs.get("class") == "dropped" for _, attrs in self.stack):  # lines the cleaner dropped, shown greyed
            self.doc_text.append(data)

    def marks(self) -> dict[tuple[str, str, int, int], str]:
        """Pieces of one mark joined: {(kind, ref, start, end): text}."""
        out: dict[tuple[str, str, int, int], str] = {}
        for p in self.pieces:
            key = (p["data-kind"], p["data-ref"], int(p["data-start"]), int(p["data-end"]))
            out[key] = out.get(key, "") + p["text"]
        return out


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    assert page.stack == [], "unclosed tags"
    return page


def seed_records():
    [doc] = load_corpus([CORPUS])[0].docs
    return doc


def expected_marks(doc) -> dict[tuple[str, str, int, int], str]:
    out = {}
    for e in doc.entities:
        for m in e["mentions"]:
            out[("mention", e["entity_id"], m["start"], m["end"])] = m["text"]
    for ev in doc.events:
        out[("trigger", ev["event_id"], ev["trigger"]["start"], ev["trigger"]["end"])] = ev["trigger"]["text"]
    for st in doc.stances:
        out[("evidence", st["stance_id"], st["evidence"]["start"], st["evidence"]["end"])] = st["evidence"]["text"]
    for t in doc.times:
        out[("time", t["time_id"], t["start"], t["end"])] = t["text"]
    marked = {(start, end) for kind, _, start, end in out if kind in ("mention", "time")}
    for ev in doc.events:  # an argument span that is no mention or time has a mark of its own
        for a in ev["arguments"]:
            if a["start"] is not None and (a["start"], a["end"]) not in marked:
                marked.add((a["start"], a["end"]))
                out[("argument", a["entity_id"] or a["time_id"] or ev["event_id"], a["start"], a["end"])] = a["text"]
    return out


def test_html_page_shows_every_mention_trigger_and_evidence(tmp_path):
    out = tmp_path / "seed.html"
    result = cli("show", SEED_ID, "--corpus", str(CORPUS), "--html", str(out))
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    page = parse(out.read_text(encoding="utf-8"))
    doc = seed_records()
    assert "".join(page.doc_text) == doc.documents[0]["text"]  # labels are CSS, not text
    assert [a["data-rule"] for t, a in page.tags if a.get("class") == "dropped"] == ["image-markup", "caption-row"]
    expected = expected_marks(doc)
    spans = sum(len(e["mentions"]) for e in doc.entities) + len(doc.events) + len(doc.stances) + len(doc.times)
    assert len(expected) > spans > 100  # no two marks share a key; some arguments are no mention
    assert page.marks() == expected
    legend = [a for t, a in page.tags if a.get("class") == "legend"]
    assert legend, "the page has a legend"


def test_html_page_needs_no_network(tmp_path):
    out = tmp_path / "seed.html"
    assert cli("show", SEED_ID, "--corpus", str(CORPUS), "--html", str(out)).returncode == 0
    source = out.read_text(encoding="utf-8")
    assert "http://" not in source and "https://" not in source
    page = parse(source)
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "source"}
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name in ("src", "href", "srcset", "action", "poster", "data") or name.startswith("on"):
                raise AssertionError(f"<{tag} {name}={value!r}> would reach outside the page")
    assert page.style and "url(" not in page.style and "@import" not in page.style


def test_crossing_and_nested_marks_stay_well_formed():
    text = "Beijing and Moscow defended it."
    marks = [
        Mark(0, 18, "evidence", "support", "st", "a stance"),     # crosses the trigger below
        Mark(12, 27, "trigger", "SUPPORT", "ev", "an event"),
        Mark(0, 7, "mention", "GPE", "china", "China"),            # nested in the evidence
        Mark(0, 18, "evidence", "support", "st2", "same span"),    # coincides with the first
    ]
    page = parse(f'<div class="doc">{html_body(text, marks)}</div>')
    assert "".join(page.doc_text) == text
    assert page.marks() == {(m.kind, m.ref, m.start, m.end): text[m.start:m.end] for m in marks}
    pieces = [p for p in page.pieces if p["data-ref"] == "ev"]
    assert len(pieces) == 2  # split where the evidence ends
    assert "first" in pieces[0]["classes"] and "last" not in pieces[0]["classes"]
    assert "last" in pieces[1]["classes"] and "first" not in pieces[1]["classes"]


def test_terminal_view_prints_the_clean_text_and_a_legend():
    result = cli("show", SEED_ID, "--corpus", str(CORPUS))
    assert result.returncode == 0, result.stderr
    text = seed_records().documents[0]["text"]
    # labels out ([China|GPE] -> China), lines unwrapped: the clean text, paragraph by paragraph
    shown = " ".join(re.sub(r"\|[A-Z_]+[\]}]|[\[{«]|»\(.*?→ .*?\)", "", result.stdout, flags=re.S).split())
    for paragraph in text.split("\n"):
        assert " ".join(paragraph.split()) in shown
    assert "event triggers" in result.stdout and "|GPE]" in result.stdout


def test_unknown_document_exits_1_with_a_clear_message():
    result = cli("show", "no_such_doc", "--corpus", str(CORPUS))
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "error: no document 'no_such_doc'" in result.stderr and SEED_ID in result.stderr  # the ids there are


def test_a_broken_annotation_still_shows_the_text(corpus_copy):
    """An annotator fixing a quote needs the clean text most."""
    edit(annotation(corpus_copy), "trigger: joint patrol", "trigger: joint patorl")
    result = cli("show", SEED_ID, "--corpus", str(corpus_copy))
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "quote-not-found" in result.stderr and "without highlights" in result.stderr
    assert "China-Russia joint patrol" in " ".join(result.stdout.split())


def test_unwritable_html_target_is_an_error_not_a_traceback(tmp_path):
    result = cli("show", SEED_ID, "--corpus", str(CORPUS), "--html", str(tmp_path / "missing" / "x.html"))
    assert result.returncode == 1
    assert_no_traceback(result)
    assert "cannot write" in result.stderr


def test_a_missing_corpus_is_a_usage_error(tmp_path):
    assert not Path(tmp_path / "corpus").exists()
    result = cli("show", SEED_ID, "--corpus", str(tmp_path / "corpus"))
    assert result.returncode == 2 and "is not a folder" in result.stderr
    (tmp_path / "corpus").mkdir()
    empty = cli("show", SEED_ID, "--corpus", str(tmp_path / "corpus"))
    assert empty.returncode == 1 and "has no documents" in empty.stderr
