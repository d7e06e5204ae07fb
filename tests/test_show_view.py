"""`geosignal show` as a new contributor meets it: labels in plain text, words kept whole, colours
told apart, every argument and link on the HTML page, a document found by path or by a near id."""

from __future__ import annotations

import itertools
import re
import shutil
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from builders.cli import app
from builders import load_corpus
from builders.present import palette
from builders.present.marks import Mark, marks
from builders.present.page import label_colours
from builders.present.terminal import render

from conftest import CORPUS, SEED_ID


def invoke(*args: str, columns: int = 80, colour: bool = False):
    """The command in this process, as a pipe sees it (or a forced colour terminal)."""
    env = {"COLUMNS": str(columns), "NO_COLOR": None if colour else "1", "FORCE_COLOR": "1" if colour else None}
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture(scope="module")
def seed():
    [doc] = load_corpus([CORPUS])[0].docs
    return doc


# --- the terminal ----------------------------------------------------------------------------

CLOSERS = {"[": "]", "{": "}"}


def parse_labels(shown: str) -> tuple[str, set[tuple[str, int, int, str]]]:
    """The plain text and the labelled spans of a terminal view: ``[text|TYPE]`` (mentions and
    times), ``{text|TYPE}`` (triggers), ``«text»(holder: polarity → target)`` (evidence)."""
    text: list[str] = []
    stacks: dict[str, list[int]] = {"[": [], "{": [], "«": []}
    spans: set[tuple[str, int, int, str]] = set()
    i = 0
    while i < len(shown):
        c = shown[i]
        if c in stacks:
            stacks[c].append(len("".join(text)))
            i += 1
        elif c == "|":
            close = re.compile(r"\|([^\]\}|]+)([\]\}])").match(shown, i)
            assert close, f"a '|' that closes nothing at {shown[i:i + 30]!r}"
            opener = "[" if close.group(2) == "]" else "{"
            spans.add((opener, stacks[opener].pop(), len("".join(text)), close.group(1)))
            i = close.end()
        elif c == "»":
            depth, j = 0, i + 1
            assert shown[j] == "("
            while True:  # the label may hold parentheses of its own: "analysts (unnamed)"
                depth += {"(": 1, ")": -1}.get(shown[j], 0)
                if depth == 0:
                    break
                j += 1
            holder, rest = shown[i + 2:j].rsplit(": ", 1)
            polarity, target = rest.split(" → ", 1)
            spans.add(("«", stacks["«"].pop(), len("".join(text)), f"{holder}: {polarity} → {target}"))
            i = j + 1
        else:
            text.append(c)
            i += 1
    assert not any(stacks.values()), "a bracket was opened and never closed"
    return "".join(text), spans


def expected_labels(doc) -> set[tuple[str, int, int, str]]:
    names = {e["entity_id"]: e["name"] for e in doc.entities}
    triggers = {e["event_id"]: e["trigger"]["text"] for e in doc.events}
    out = {("[", m["start"], m["end"], e["type"]) for e in doc.entities for m in e["mentions"]}
    out |= {("[", t["start"], t["end"], t["type"]) for t in doc.times}
    out |= {("{", e["trigger"]["start"], e["trigger"]["end"], e["type"]) for e in doc.events}
    for s in doc.stances:
        target = triggers[s["target"]] if s["target_kind"] == "event" else names[s["target"]]
        out.add(("«", s["evidence"]["start"], s["evidence"]["end"], f"{names[s['holder']]}: {s['polarity']} → {target}"))
    return out


def test_no_color_marks_every_mention_with_its_type_in_plain_text(seed):
    result = invoke("show", SEED_ID, "--corpus", str(CORPUS), columns=100_000)  # no wrapping: exact offsets
    assert result.exit_code == 0, result.stderr
    assert "\x1b[" not in result.stdout  # NO_COLOR and a pipe: not one escape sequence
    view = result.stdout.split("\n\n")[0]  # the legend follows a blank line
    lines = [line for line in view.split("\n") if not line.startswith("[dropped · ")]
    text, spans = parse_labels("\n".join(lines).rstrip("\n"))
    assert text == seed.documents[0]["text"]
    assert spans == expected_labels(seed)
    assert sum(1 for kind, *_ in spans if kind == "[") > 50


def test_lines_wrap_between_words_never_inside_one(seed):
    result = invoke("show", SEED_ID, "--corpus", str(CORPUS), columns=40)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.split("\n")
    assert max(len(line.rstrip()) for line in lines) <= 40
    wide = invoke("show", SEED_ID, "--corpus", str(CORPUS), columns=100_000).stdout
    assert result.stdout.split() == wide.split()  # the same words: a break only ever replaced a space


def test_colour_only_doubles_the_labels():
    coloured = invoke("show", SEED_ID, "--corpus", str(CORPUS), columns=100_000, colour=True)
    plain = invoke("show", SEED_ID, "--corpus", str(CORPUS), columns=100_000)
    assert coloured.exit_code == plain.exit_code == 0
    assert "\x1b[" in coloured.stdout
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured.stdout) == plain.stdout


def test_crossing_marks_each_keep_their_brackets():
    text = "Beijing and Moscow defended it."
    shown = render(text, [
        Mark(0, 18, "evidence", "support", "st", "", (("holder", "China"), ("target", "the drills"))),
        Mark(12, 27, "trigger", "SUPPORT", "ev", ""),  # crosses the evidence
        Mark(0, 7, "mention", "GPE", "china", ""),
    ]).plain
    assert shown == "«[Beijing|GPE] and {Moscow»(China: support → the drills) defended|SUPPORT} it."


def _cvd(colour: str, matrix) -> tuple[float, float, float]:
    """CIE L*a*b* of a colour as seen with a colour-vision deficiency (Machado et al. 2009, severity 1)."""
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    rgb = [linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5)]
    r, g, b = (min(1.0, max(0.0, sum(m * v for m, v in zip(row, rgb)))) for row in matrix)
    x, y, z = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, \
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


VISION = {
    "typical": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}


@pytest.mark.parametrize("vision", VISION)
def test_entity_colours_are_told_apart(vision):
    """Every two entity types differ by a CIE76 ΔE above 12 (clearly different), also as seen with
    each kind of dichromacy. The old palette's GPE and FAC pinks came to 8.5 for deuteranopes."""
    types = palette.entity_types()
    seen = {t: _cvd(palette.entity_colour(t), VISION[vision]) for t in types}
    for a, b in itertools.combinations(types, 2):
        delta = sum((p - q) ** 2 for p, q in zip(seen[a], seen[b])) ** 0.5
        assert delta > 12, f"{a} and {b} look alike with {vision} (ΔE {delta:.1f})"


# --- the HTML page ---------------------------------------------------------------------------

class Arcs(HTMLParser):
    """The page's arcs (argument and link groups), cards, evidence marks and stylesheet."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.args: list[tuple] = []
        self.links: list[tuple] = []
        self.cards: list[str] = []
        self.evidence: dict[str, dict] = {}
        self.doc_spans: set[tuple[int, int]] = set()
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "g" and "arc" in classes and "arg" in classes:
            self.args.append((a["data-event"], a["data-role"], a["data-entity"] or None, a["data-time"] or None,
                              int(a["data-start"]) if a["data-start"] else None, int(a["data-end"]) if a["data-end"] else None))
        elif tag == "g" and "arc" in classes and "link" in classes:
            self.links.append((a["data-event"], a["data-link"], a["data-doc"], a["data-target"]))
        if "data-card" in a:
            self.cards.append(a["data-card"])
        if a.get("data-kind"):
            self.doc_spans.add((int(a["data-start"]), int(a["data-end"])))
        if a.get("data-kind") == "evidence":
            self.evidence[a["data-ref"]] = a
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Arcs:
    out = tmp_path_factory.mktemp("page") / "seed.html"
    result = invoke("show", SEED_ID, "--corpus", str(CORPUS), "--html", str(out))
    assert result.exit_code == 0, result.stderr
    parsed = Arcs()
    parsed.feed(out.read_text(encoding="utf-8"))
    return parsed


def test_the_page_shows_every_argument_and_every_link(page, seed):
    args = [(e["event_id"], a["role"], a["entity_id"], a["time_id"], a["start"], a["end"])
            for e in seed.events for a in e["arguments"]]
    links = sorted((e["event_id"], link["type"], link["doc_id"], link["event_id"]) for e in seed.events for link in e["links"])
    assert len(args) > 50 and len(links) > 20
    assert sorted(page.args, key=str) == sorted(args, key=str)
    assert sorted(page.links) == links
    assert page.cards == [e["event_id"] for e in seed.events] + [s["stance_id"] for s in seed.stances]


def test_a_card_lights_up_the_spans_it_connects(page, seed):
    """Every quoted argument has a mark in the text, and the event's card has a hover rule that
    selects it; a stance card selects its evidence, its holder and its target."""
    for event in seed.events:
        rule = next(r for r in page.style.splitlines() if r.startswith(f'body:has([data-card="{event["event_id"]}"]:hover)'))
        for a in event["arguments"]:
            if a["start"] is not None:
                assert (a["start"], a["end"]) in page.doc_spans
                assert f'[data-start="{a["start"]}"][data-end="{a["end"]}"]' in rule
    for stance in seed.stances:
        rules = "\n".join(r for r in page.style.splitlines() if r.startswith(f'body:has([data-card="{stance["stance_id"]}"]:hover)'))
        assert f'[data-kind="evidence"][data-ref="{stance["stance_id"]}"]' in rules
        assert f'[data-kind="mention"][data-ref="{stance["holder"]}"]' in rules
        assert f'[data-ref="{stance["target"]}"]' in rules


def test_the_stance_holder_is_shown_where_the_stance_is(page, seed):
    names = {e["entity_id"]: e["name"] for e in seed.entities}
    assert {s["stance_id"] for s in seed.stances} == set(page.evidence)
    for s in seed.stances:
        assert page.evidence[s["stance_id"]]["data-holder"] == names[s["holder"]]
    assert re.search(r"\.evidence\.last::after\{content:[^}]*attr\(data-holder\)", page.style)


@pytest.mark.parametrize("what, text, background", label_colours(), ids=lambda v: v if " " in str(v) else None)
def test_small_labels_are_readable(page, what, text, background):
    """WCAG AA for normal text: 4.5:1 between each small label and what it is drawn on."""
    assert palette.contrast(text, background) >= 4.5, f"{what}: {text} on {background}"


def test_the_page_uses_the_checked_colours(page):
    style = page.style.upper()
    for _, text, background in label_colours():
        assert text.upper() in style or text == palette.INK  # ink is the default colour of the body
        assert background.upper() in style


# --- finding the document --------------------------------------------------------------------

def test_a_document_folder_path_is_shown(tmp_path):
    elsewhere = tmp_path / "drafts" / "my_doc"
    shutil.copytree(CORPUS / SEED_ID, elsewhere)
    by_path = invoke("show", str(elsewhere), "--corpus", str(tmp_path / "nowhere"), columns=100_000)
    by_id = invoke("show", SEED_ID, "--corpus", str(CORPUS), columns=100_000)
    assert by_path.exit_code == 0, by_path.stderr
    assert by_path.stdout == by_id.stdout
    by_file = invoke("show", str(elsewhere / "annotation.yaml"), columns=100_000)
    assert by_file.exit_code == 0 and by_file.stdout == by_id.stdout


def test_a_mistyped_id_gets_a_did_you_mean():
    result = invoke("show", SEED_ID[:-1] + "x", "--corpus", str(CORPUS))
    assert result.exit_code == 1
    assert f"did you mean {SEED_ID!r}?" in result.stderr


def test_the_legend_names_every_label():
    result = invoke("show", SEED_ID, "--corpus", str(CORPUS), columns=200)
    legend = result.stdout.split("\n\n")[-1]
    for name in palette.entity_types() + palette.polarities():
        assert name in legend
