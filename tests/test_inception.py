"""The INCEpTION round trip: export to UIMA CAS XMI, import back into annotation.yaml.

Every test works on a corpus made for it (the fixture corpus or gencorpus.write_layers_corpus), never
on corpus/. The XMIs are edited with cassis, the library INCEpTION's Python users use.
"""

from __future__ import annotations

import difflib
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import cassis  # the optional extra 'inception' is part of the test extra: CI runs these tests
import pytest

from builders.run.build import build as run_build
from builders.export import export as run_export, from_corpus
from builders.inception import typesystem as T
from builders.inception.importer import import_xmis
from builders.report import render
from builders import validate
from builders.inception.from_xmi import read_xmi
from builders.inception.merge import dump
from builders.inception.model import from_annotation
from builders.inception.quotes import quote_ref
from builders.inception.to_xmi import document_xmi
from builders.annotation.resolve import resolve
from builders.schema import schemas
from builders import load_corpus
from builders.dataset.read import read_dataset
from builders.annotation.yamlio import parse_yaml

from conftest import CORPUS, REAL_CORPUS, REPO, assert_no_traceback, cli, edit
from inception_corpus import ALPHA, BETA, write_layers_corpus


def tree_bytes(folder: Path, pattern: str = "**/*") -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.glob(pattern)) if p.is_file()}


def export(corpus: Path, out: Path) -> Path:
    """In process (the CLI is tested once below): a subprocess costs seconds of imports."""
    records, findings = from_corpus(corpus)
    assert records is not None, findings
    assert run_export(records, "inception", out, corpus) == []
    return out


class Imported:
    """An import's outcome as the CLI prints it: changes on stdout, findings on stderr."""

    def __init__(self, result):
        self.result = result
        self.returncode = 0 if result.ok else 1
        self.stdout = "\n".join(f"{d}: {'; '.join(c)}" for d, c in sorted(result.changes.items())) or "nothing changed"
        self.stderr = render(result.findings, 1, "text") + ("" if result.ok else "nothing in the corpus was written")


def import_(path: Path, corpus: Path) -> Imported:
    return Imported(import_xmis(path, corpus))


def build(corpus: Path, out: Path) -> dict[str, bytes]:
    result = run_build(corpus, out, workers=1)
    assert result.written, result.report.findings
    return tree_bytes(out, "**/*.parquet")


def valid(corpus: Path) -> bool:
    return validate([corpus], workers=1).ok


@pytest.fixture
def layers(tmp_path: Path) -> Path:
    return write_layers_corpus(tmp_path / "corpus")


def load_xmi(path: Path):
    return cassis.load_cas_from_xmi(io.BytesIO(path.read_bytes()), typesystem=T.typesystem())


def save_xmi(cas, path: Path) -> None:
    path.write_text(cas.to_xmi(pretty_print=True), encoding="utf-8")  # one element a line: findings name it


def yaml_diff(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two versions of a file."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


# --- round trip -------------------------------------------------------------------------------

@pytest.fixture(params=["fixture", "layers"])
def corpus(request, tmp_path: Path) -> Path:
    """A writable copy of the fixture corpus, or the corpus with every layer."""
    if request.param == "fixture":
        return Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    return write_layers_corpus(tmp_path / "corpus")


def test_round_trip_builds_byte_identical_parquet(corpus, tmp_path):
    before = build(corpus, tmp_path / "dist1")
    yaml_before = tree_bytes(corpus, "*/annotation.yaml")
    out = export(corpus, tmp_path / "export")
    for source in (out / "xmi", out / "geosignal-inception-project.zip"):
        result = import_(source, corpus)
        assert result.returncode == 0, result.stderr
        assert "nothing changed" in result.stdout
    assert tree_bytes(corpus, "*/annotation.yaml") == yaml_before
    assert build(corpus, tmp_path / "dist2") == before


def _without_items(corpus: Path) -> None:
    """Every item and the author's entity removed from every annotation file (its comments go too)."""
    for path in corpus.glob("*/annotation.yaml"):
        data = parse_yaml(path.read_text(encoding="utf-8")).data
        for key in ("entities", "events", "stances"):
            data[key] = []
        data.pop("times", None)
        if data["document"].get("author"):
            data["document"]["author"]["entity"] = None
        path.write_text(dump(data), encoding="utf-8")


def _models(corpus: Path, texts: dict[str, str]) -> dict[str, str]:
    """Every document's annotation as the round trip's model: spans as offsets, items in file order."""
    out = {}
    for doc_id, text in texts.items():
        data = parse_yaml((corpus / doc_id / "annotation.yaml").read_text(encoding="utf-8")).data
        out[doc_id] = repr(from_annotation(text, data))  # dataclasses: every field, lists and dicts in their order
    return out


def _records(corpus: Path) -> dict[str, dict]:
    out = {}
    for doc in load_corpus([corpus])[0].docs:
        rows = {c: sorted((json.dumps(r, sort_keys=True) for r in doc.config(c))) for c in ("documents", "entities", "stances")}
        rows["events"] = sorted(json.dumps({**r, "links": sorted(map(str, r["links"]))}, sort_keys=True) for r in doc.events)
        rows["times"] = sorted(json.dumps(t, sort_keys=True) for t in doc.times or ())
        out[doc.doc_id] = rows
    return out


@pytest.mark.parametrize("which", ["fixture", "layers"])
def test_the_xmi_alone_carries_every_record(which, tmp_path):
    """Import into files emptied of their items: everything the records hold comes from the XMI,
    and so does everything else of the items (ids, notes, origins, aliases, their order)."""
    corpus = tmp_path / "corpus"
    if which == "fixture":
        shutil.copytree(CORPUS, corpus)
    else:
        write_layers_corpus(corpus)
    expected = _records(corpus)
    texts = {doc.doc_id: doc.documents[0]["text"] for doc in load_corpus([corpus])[0].docs}
    models = _models(corpus, texts)
    out = export(corpus, tmp_path / "export")
    _without_items(corpus)
    result = import_(out / "xmi", corpus)
    assert result.returncode == 0, result.stderr
    assert "added entities" in result.stdout
    assert _records(corpus) == expected
    assert _models(corpus, texts) == models
    assert valid(corpus)


def test_the_whole_corpus_comes_back_from_the_project_zip_byte_identical(built_real, tmp_path):
    """corpus/, whatever it holds: exported, imported unchanged (nothing changes), then imported into
    files emptied of every item: the annotation comes back item for item, in the files' order, and
    builds to the same Parquet bytes."""
    corpus = tmp_path / "corpus"
    shutil.copytree(REAL_CORPUS, corpus)
    yaml_before = tree_bytes(corpus, "*/annotation.yaml")
    texts = {doc["doc_id"]: doc["text"] for doc in read_dataset(built_real)["documents"]}
    models = _models(corpus, texts)
    project = export(corpus, tmp_path / "export") / "geosignal-inception-project.zip"
    result = import_(project, corpus)
    assert result.returncode == 0, result.stderr
    assert result.result.changes == {}
    assert tree_bytes(corpus, "*/annotation.yaml") == yaml_before
    _without_items(corpus)
    result = import_(project, corpus)
    assert result.returncode == 0, result.stderr
    assert _models(corpus, texts) == models
    assert build(corpus, tmp_path / "dist") == tree_bytes(built_real, "**/*.parquet")


def test_cross_document_links_survive_the_xmi(tmp_path):
    corpus = write_layers_corpus(tmp_path / "corpus")
    ann = parse_yaml((corpus / "gen_alpha" / "annotation.yaml").read_text(encoding="utf-8")).data
    model = from_annotation(ALPHA, ann)
    xmi = document_xmi("gen_alpha", ALPHA, ann).encode()
    assert b"same_as gen_beta#ev_naval" in xmi
    read = read_xmi(xmi, "gen_alpha.xmi", None, {"gen_alpha": model}, {"gen_alpha": ALPHA})
    assert read.findings == []
    assert read.doc.events["ev_drill"].same(model.events["ev_drill"])
    assert any(link.event == "gen_beta#ev_naval" for link in read.doc.events["ev_drill"].links)


def test_export_is_deterministic(layers, tmp_path):
    first = tree_bytes(export(layers, tmp_path / "a"))
    second = tree_bytes(export(layers, tmp_path / "b"))
    assert first == second
    assert {"TypeSystem.xml", "xmi/gen_alpha.xmi", "xmi/gen_beta.xmi", "geosignal-inception-project.zip"} <= set(first)


# --- edits made in the XMI --------------------------------------------------------------------

def _edit_and_import(layers: Path, tmp_path: Path, change) -> tuple[str, str, Imported]:
    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_alpha.xmi"
    cas = load_xmi(path)
    change(cas)
    save_xmi(cas, path)
    target = layers / "gen_alpha" / "annotation.yaml"
    before = target.read_text(encoding="utf-8")
    result = import_(path, layers)
    assert result.returncode == 0, result.stderr
    assert valid(layers)
    return before, target.read_text(encoding="utf-8"), result


def test_an_added_mention_arrives_as_one_new_mention(layers, tmp_path):
    def add(cas):  # 'allies' inside 'The two allies', a second mention of the group
        begin = ALPHA.index("two allies") + len("two ")
        cas.add(cas.typesystem.get_type(T.MENTION)(begin=begin, end=begin + len("allies"), entity="allies", kind="NOM"))

    before, after, result = _edit_and_import(layers, tmp_path, add)
    removed, added = yaml_diff(before, after)
    assert removed == []
    assert added == ["      - {text: allies, kind: NOM}"]
    assert "changed entities allies" in result.stdout
    assert "# --- the two states ---" in after and "# the spokesman's line" in after  # comments of unchanged items


def test_a_changed_label_arrives_as_one_changed_line(layers, tmp_path):
    def relabel(cas):
        event = next(e for e in cas.select(T.EVENT) if e.id == "ev_said")
        event.eventType = "CONSULT"

    before, after, _ = _edit_and_import(layers, tmp_path, relabel)
    assert yaml_diff(before, after) == (["    type: STATEMENT"], ["    type: CONSULT"])


def test_a_removed_stance_arrives_as_its_lines_removed(layers, tmp_path):
    def remove(cas):
        cas.remove(next(s for s in cas.select(T.STANCE) if s.id == "st_thanks"))

    before, after, result = _edit_and_import(layers, tmp_path, remove)
    removed, added = yaml_diff(before, after)
    assert added == []
    assert removed == ["  - id: st_thanks", "    holder: arcadia", "    target: borealis", "    polarity: support",
                       "    evidence: thanked Borealis"]
    assert "removed stances st_thanks" in result.stdout
    assert "# Borealis approves of the drill" in after


def test_removed_items_leave_the_comments_of_the_others(layers, tmp_path):
    def remove(cas):  # an event between two others, with its links, and every stance
        said = _first(cas, T.EVENT, id="ev_said")
        for link in list(cas.select(T.EVENT_LINK)):
            if link.Governor == said:
                cas.remove(link)
        cas.remove(said)
        for stance in list(cas.select(T.STANCE)):
            cas.remove(stance)

    before, after, result = _edit_and_import(layers, tmp_path, remove)
    removed, added = yaml_diff(before, after)
    assert added == ["stances: []"] and "stances:" in removed and "  - id: ev_said" in removed
    assert "# --- the last sentence ---" in after  # it stood below the removed event, above the next one
    assert after.index("  # --- the last sentence ---") < after.index("  - id: ev_next")
    assert "# Borealis approves of the drill" not in after  # it was the removed stance's
    assert "removed events ev_said" in result.stdout and "removed stances st_praise" in result.stdout


def test_a_time_in_a_document_without_times_opens_the_section_before_the_events(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_beta.xmi"
    cas = load_xmi(path)
    begin = BETA.index("Monday")
    cas.add(cas.typesystem.get_type(T.TIME)(begin=begin, end=begin + 6, timexType="DATE"))
    save_xmi(cas, path)
    target = layers / "gen_beta" / "annotation.yaml"
    before = target.read_text(encoding="utf-8")
    result = import_(path, layers)
    assert result.returncode == 0, result.stderr
    after = target.read_text(encoding="utf-8")
    assert yaml_diff(before, after) == ([], ["times:", "  - {id: t_monday, text: Monday, type: DATE}"])
    assert after.index("times:") < after.index("events:")


def test_a_quoted_line_that_looks_like_a_key_does_not_cut_the_file(layers, tmp_path):
    """The import rewrites only the top-level parts that change, cut at the lines that start a key; a
    line of a quoted scalar that looks like one makes it read the whole file."""
    edit(layers / "gen_alpha" / "annotation.yaml", "    note: The statement refers to the drill.",
         '    note: "The statement refers to the drill, see\nhttp://example.org/drill"')

    def relabel(cas):  # the event whose note holds the line
        _first(cas, T.EVENT, id="ev_said").eventType = "CONSULT"

    _, after, result = _edit_and_import(layers, tmp_path, relabel)
    assert result.stdout == "gen_alpha: changed events ev_said"
    said = parse_yaml(after).data["events"][1]
    assert said["type"] == "CONSULT" and said["note"] == "The statement refers to the drill, see http://example.org/drill"


def test_accepting_a_silver_item_drops_its_machine_origin(layers, tmp_path):
    def accept(cas):
        for mention in cas.select(T.MENTION):
            if mention.entity == "cape":
                mention.origin = "human"

    before, after, _ = _edit_and_import(layers, tmp_path, accept)
    assert yaml_diff(before, after) == (["    origin: machine  # silver, not yet reviewed"], [])


def test_new_items_get_ids_and_the_shortest_quotes(layers, tmp_path):
    def add(cas):
        ts = cas.typesystem
        second = ALPHA.index("drill", ALPHA.index("drill") + 1)
        cas.add(ts.get_type(T.EVENT)(begin=second, end=second + 5, eventType="MOBILIZE", realis="actual"))
        begin = ALPHA.index("Rocket")
        cas.add(ts.get_type(T.MENTION)(begin=begin, end=begin + 6, entityType="VEH"))

    before, after, result = _edit_and_import(layers, tmp_path, add)
    _, added = yaml_diff(before, after)
    assert "    trigger: {text: drill, context: drill was}" in added
    assert "  - id: ev_drill_2" in added  # the id 'ev_drill' is taken
    assert "  - id: rocket" in added and "      - Rocket" in added


def _first(cas, layer: str, **features):
    return next(fs for fs in cas.select(layer) if all(getattr(fs, k) == v for k, v in features.items()))


def _clear(layer: str, feature: str, **which):
    def change(cas):
        setattr(_first(cas, layer, **which), feature, None)
    return change


@pytest.mark.parametrize("change, removed, added", [
    # an entity field is repeated on every mention: emptying it on one of them clears it
    (_clear(T.MENTION, "kbId", entity="arcadia"), ["    kb_id: Q1"], ["    kb_id: null"]),
    (_clear(T.MENTION, "note", entity="borealis"), ["    note: A made-up state."], []),
    (_clear(T.MENTION, "aliases", entity="arcadia"), ["    aliases: [Arcadian]"], []),
    (_clear(T.TIME, "value", id="t_next"), ["  - {id: t_next, text: next year, type: DATE, value: '2025', origin: machine}"],
     ["  - {id: t_next, text: next year, type: DATE, origin: machine}"]),
    (_clear(T.EVENT, "note", id="ev_said"), ["    note: The statement refers to the drill."], []),
    (_clear(T.MENTION, "kind", entity="allies"), ["      - {text: The two allies, kind: NOM}"], ["      - The two allies"]),
], ids=["kb_id", "entity-note", "aliases", "time-value", "event-note", "mention-kind"])
def test_a_field_emptied_in_the_xmi_arrives_cleared(layers, tmp_path, change, removed, added):
    before, after, _ = _edit_and_import(layers, tmp_path, change)
    assert yaml_diff(before, after) == (removed, added)


def test_a_mention_given_to_another_entity_moves_and_changes_nothing_else(layers, tmp_path):
    def move(cas):  # the mention carries arcadia's name and QID with it: they are not edits of borealis
        _first(cas, T.MENTION, entity="arcadia", order=1).entity = "borealis"

    before, after, result = _edit_and_import(layers, tmp_path, move)
    removed, added = yaml_diff(before, after)
    assert removed == ["      - 𝔄rcadia"] and added == ["      - 𝔄rcadia"]
    assert after.index("      - 𝔄rcadia") > after.index("  - id: borealis")
    assert "changed entities arcadia" in result.stdout and "changed entities borealis" in result.stdout


def test_an_implied_argument_made_explicit_names_its_mention(layers, tmp_path):
    def say(cas):  # ev_drill: "actor borealis" is implied; the slot's mention is the nearest Borealis
        event = _first(cas, T.EVENT, id="ev_drill")
        assert event.impliedArguments == "actor borealis"
        event.impliedArguments = None

    before, after, _ = _edit_and_import(layers, tmp_path, say)
    removed, added = yaml_diff(before, after)
    assert removed == ["      - {role: actor, entity: borealis}"]
    assert added == ["      - {role: actor, entity: borealis, text: Borealis, context: Borealis held}"]


def test_the_authors_entity_is_edited_in_its_own_layer(layers, tmp_path):
    def other(cas):
        cas.select(T.AUTHOR)[0].entity = "borealis"

    before, after, result = _edit_and_import(layers, tmp_path, other)
    assert yaml_diff(before, after) == (["  author: {name: The Arcadian government, kb_id: null, entity: arcadia}"],
                                        ["  author: {name: The Arcadian government, kb_id: null, entity: borealis}"])
    assert "changed the author's entity to borealis" in result.stdout


# --- UTF-16 -----------------------------------------------------------------------------------

def test_utf16_offsets_are_converted(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    xmi = (out / "xmi" / "gen_alpha.xmi").read_text(encoding="utf-8")
    start = ALPHA.index("𝔄rcadia")
    utf16 = len(ALPHA[:start].encode("utf-16-le")) // 2
    assert utf16 == start + 1  # the rocket before it is one code point, two UTF-16 units
    assert f'begin="{utf16}" end="{utf16 + 8}" entity="arcadia"' in xmi  # 𝔄 is two units too
    cas = load_xmi(out / "xmi" / "gen_alpha.xmi")
    first = min(cas.select(T.MENTION), key=lambda m: m.begin)
    assert (first.begin, first.end) == (start, start + 7)
    assert first.get_covered_text() == "𝔄rcadia"


def test_an_offset_inside_a_surrogate_pair_is_a_finding(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_alpha.xmi"
    start = ALPHA.index("𝔄rcadia") + 1
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'begin="{start}" end="{start + 8}"', f'begin="{start + 1}" end="{start + 8}"'), encoding="utf-8")
    before = tree_bytes(layers)
    result = import_(path, layers)
    assert result.returncode == 1
    assert "span-off-text" in result.stderr and f"offset {start + 1}" in result.stderr
    assert tree_bytes(layers) == before


# --- bad input --------------------------------------------------------------------------------

def test_a_stale_export_is_refused_at_the_first_difference(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_alpha.xmi"
    path.write_text(path.read_text(encoding="utf-8").replace("held a joint drill", "held a joint dril!"), encoding="utf-8")
    before = tree_bytes(layers)
    result = import_(path, layers)
    assert result.returncode == 1
    at = ALPHA.index("held a joint drill") + len("held a joint dril")
    assert "stale-export" in result.stderr and f"at character {at} (line 1," in result.stderr
    assert tree_bytes(layers) == before


def test_a_foreign_type_system_is_a_finding(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    (out / "xmi" / "TypeSystem.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><typeSystemDescription xmlns="http://uima.apache.org/resourceSpecifier">'
        "<types><typeDescription><name>webanno.custom.Other</name><supertypeName>uima.tcas.Annotation</supertypeName>"
        "</typeDescription></types></typeSystemDescription>", encoding="utf-8")
    result = import_(out / "xmi", layers)
    assert result.returncode == 1
    assert "foreign-type-system" in result.stderr and "GeoSignalMention" in result.stderr
    assert "hint:" in result.stderr


def test_an_annotation_of_another_layer_is_a_finding_not_dropped(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_alpha.xmi"
    text = path.read_text(encoding="utf-8").replace(
        "<cas:Sofa", '<custom:GeoSignalMentionX xmi:id="9999" sofa="1" begin="0" end="6"/><cas:Sofa', 1)
    path.write_text(text, encoding="utf-8")
    (out / "xmi" / "TypeSystem.xml").unlink()
    result = import_(path, layers)
    assert result.returncode == 1 and "foreign-type-system" in result.stderr and "GeoSignalMentionX" in result.stderr


def test_a_relation_to_a_missing_annotation_is_a_finding(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_alpha.xmi"
    text = path.read_text(encoding="utf-8")
    link = re.search(r'<custom:GeoSignalEventLink [^>]*Dependent="(\d+)"', text)
    text = re.sub(rf'\s*<custom:GeoSignalEvent xmi:id="{link.group(1)}"[^>]*/>', "", text)
    path.write_text(text, encoding="utf-8")
    before = tree_bytes(layers)
    result = import_(path, layers)
    assert result.returncode == 1
    assert "missing-annotation" in result.stderr and f"xmi:id {link.group(1)}" in result.stderr
    line = re.search(r"gen_alpha\.xmi:(\d+): error \[missing-annotation\]", result.stderr)
    assert line and f'"{link.group(1)}"' in text.splitlines()[int(line.group(1)) - 1]
    assert tree_bytes(layers) == before


def _refused(layers: Path, path: Path, code: str) -> tuple[str, str]:
    """Import ``path``: refused with a finding ``code`` at a line of the XMI, the corpus untouched.
    Returns the finding's line and message."""
    before = tree_bytes(layers)
    result = import_(path, layers)
    assert result.returncode == 1, result.stdout
    found = [f for f in result.result.findings if f.code == code]
    assert found, result.stderr
    assert found[0].file.endswith(path.name) and found[0].line is not None and found[0].hint
    assert tree_bytes(layers) == before
    return path.read_text(encoding="utf-8").splitlines()[found[0].line - 1], found[0].message


def _edited(layers: Path, tmp_path: Path, change) -> Path:
    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_alpha.xmi"
    cas = load_xmi(path)
    change(cas)
    save_xmi(cas, path)
    return path


def _reverse(cas):
    mention = _first(cas, T.MENTION, entity="cape")
    mention.begin, mention.end = mention.end, mention.begin


def _empty(cas):
    stance = _first(cas, T.STANCE, id="st_thanks")
    stance.end = stance.begin


@pytest.mark.parametrize("change, says", [(_reverse, "ends before it starts"), (_empty, "covers no character")],
                         ids=["reversed", "empty"])
def test_a_span_that_does_not_start_and_end_on_the_text_is_a_finding(layers, tmp_path, change, says):
    line, message = _refused(layers, _edited(layers, tmp_path, change), "span-off-text")
    assert says in message and re.search(r'xmi:id="(\d+)"', line).group(1) in message


def test_a_span_beyond_the_end_of_the_text_is_a_finding(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_alpha.xmi"
    beyond = len(ALPHA.encode("utf-16-le")) // 2 + 3
    text = path.read_text(encoding="utf-8")
    element = re.search(r'<custom:GeoSignalStance [^>]*end="(\d+)"[^>]*/>', text).group(0)
    path.write_text(text.replace(element, re.sub(r'end="\d+"', f'end="{beyond}"', element)), encoding="utf-8")
    line, message = _refused(layers, path, "span-off-text")
    assert f'end="{beyond}"' in line and f"offset {beyond}" in message


def _stance_holder(cas):
    _first(cas, T.STANCE, id="st_thanks").holder = "nobody"


def _implied(cas):
    _first(cas, T.EVENT, id="ev_drill").impliedArguments = "actor borealis; recipient cape"


def _author(cas):
    cas.select(T.AUTHOR)[0].entity = "nobody"


def _member(cas):
    for mention in cas.select(T.MENTION):
        if mention.entity == "allies":
            mention.members = "arcadia nobody"


def _governor(cas):
    _first(cas, T.EVENT_LINK, linkType="response_to").Governor = _first(cas, T.MENTION, entity="cape")


@pytest.mark.parametrize("change, code, says", [
    (_stance_holder, "missing-annotation", "the holder 'nobody' of stance 'st_thanks'"),
    (_implied, "missing-annotation", "names 'recipient cape'"),
    (_author, "dangling-reference", "the author's entity 'nobody'"),
    (_member, "dangling-reference", "the member 'nobody'"),
    (_governor, "missing-annotation", "does not join two GeoSignal events"),
], ids=["stance-holder", "implied-argument", "author", "group-member", "link-from-a-mention"])
def test_a_reference_to_nothing_is_a_finding_at_its_annotation(layers, tmp_path, change, code, says):
    line, message = _refused(layers, _edited(layers, tmp_path, change), code)
    assert says in message
    assert re.search(r'xmi:id="(\d+)"', line).group(1) in message


def test_an_argument_whose_filler_was_deleted_is_a_finding(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_alpha.xmi"
    text = path.read_text(encoding="utf-8")
    value = re.search(r'\s*<custom:GeoSignalValue xmi:id="(\d+)"[^>]*/>', text)  # 'Rocket news', a place argument
    path.write_text(text.replace(value.group(0), ""), encoding="utf-8")
    line, message = _refused(layers, path, "missing-annotation")
    assert f"xmi:id {value.group(1)}" in message and f'"{value.group(1)}"' in line or f" {value.group(1)}\"" in line


def test_an_annotation_of_a_layer_that_is_not_geosignals_is_a_finding(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    ts = cassis.load_typesystem(io.BytesIO((out / "TypeSystem.xml").read_bytes()))
    entity = ts.create_type("de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity", supertypeName="uima.tcas.Annotation")
    ts.create_feature(entity, "value", "uima.cas.String")
    path = out / "xmi" / "gen_alpha.xmi"
    cas = cassis.load_cas_from_xmi(io.BytesIO(path.read_bytes()), typesystem=ts)
    cas.add(entity(begin=0, end=6, value="MISC"))
    save_xmi(cas, path)
    (out / "xmi" / "TypeSystem.xml").write_text(ts.to_xml(), encoding="utf-8")
    line, message = _refused(layers, path, "foreign-annotation")
    assert "NamedEntity" in line and "NamedEntity" in message and "characters 0..6" in message


def test_an_author_needs_an_author_in_the_file(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_beta.xmi"  # reported news: no author
    cas = load_xmi(path)
    assert cas.select(T.AUTHOR) == []
    cas.add(cas.typesystem.get_type(T.AUTHOR)(entity="borealis"))
    save_xmi(cas, path)
    before = tree_bytes(layers)
    result = import_(path, layers)
    assert result.returncode == 1 and "author-not-set" in result.stderr and "document.author" in result.stderr
    assert tree_bytes(layers) == before


@pytest.mark.parametrize("damage, code", [
    (lambda t: "not XML at all", "xmi-unreadable"),
    (lambda t: t.replace('order="1"', 'order="one"', 1), "xmi-unreadable"),
    (lambda t: re.sub(r"<cas:Sofa [^>]*/>", "", t), "missing-annotation"),
    (lambda t: re.sub(r'arguments="[\d ]+"', 'arguments="1"', t, count=1), "missing-annotation"),  # a slot holding the sofa
    (lambda t: re.sub(r' Governor="\d+"', ' Governor="1"', t, count=1), "missing-annotation"),
    (lambda t: re.sub(r'(<custom:GeoSignalEventArgumentsLink xmi:id="\d+" role="\w+") target="\d+"', r'\1 target="1"', t, count=1),
     "missing-annotation"),
], ids=["not-xml", "order-not-a-number", "no-sofa", "slot-holds-the-sofa", "link-from-the-sofa", "slot-filled-by-the-sofa"])
def test_a_damaged_xmi_is_a_finding_never_a_traceback(layers, tmp_path, damage, code):
    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_alpha.xmi"
    text = path.read_text(encoding="utf-8")
    assert damage(text) != text
    path.write_text(damage(text), encoding="utf-8")
    before = tree_bytes(layers)
    result = import_(path, layers)
    assert result.returncode == 1 and f"[{code}]" in result.stderr and "hint:" in result.stderr
    assert tree_bytes(layers) == before


def test_nothing_is_written_unless_the_result_validates(layers, tmp_path):
    def break_it(cas):
        event = next(e for e in cas.select(T.EVENT) if e.id == "ev_said")
        event.realis = "other"  # realis other needs a modality: the schema refuses it
        mention = next(m for m in cas.select(T.MENTION) if m.entity == "allies")
        mention.kind = "PRO"  # a valid change in the same import

    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_alpha.xmi"
    cas = load_xmi(path)
    break_it(cas)
    save_xmi(cas, path)
    before = tree_bytes(layers)
    result = import_(path, layers)
    assert result.returncode == 1
    assert "after the import" in result.stderr and "nothing in" in result.stderr
    assert tree_bytes(layers) == before


def test_the_commands_round_trip_through_the_cli(layers, tmp_path):
    out = tmp_path / "export"
    result = cli("export", "--format", "inception", "--out", str(out), "--corpus", str(layers))
    assert result.returncode == 0, result.stderr
    path = out / "xmi" / "gen_beta.xmi"
    cas = load_xmi(path)
    cas.remove(cas.select(T.STANCE)[0])
    save_xmi(cas, path)
    dry = cli("import", "inception", str(out / "geosignal-inception-project.zip"), "--corpus", str(layers), "--dry-run")
    assert dry.returncode == 0 and "would update 0" in dry.stdout  # the zip holds the XMIs as exported
    result = cli("import", "inception", str(out / "xmi"), "--corpus", str(layers))
    assert result.returncode == 0, result.stderr
    assert "gen_beta: removed stances st_criticise" in result.stdout and "updated 1 annotation file(s)" in result.stdout
    assert "st_criticise" not in (layers / "gen_beta" / "annotation.yaml").read_text(encoding="utf-8")
    bad = cli("import", "inception", str(tmp_path / "nowhere.xmi"), "--corpus", str(layers))
    assert bad.returncode == 2 and "does not exist" in bad.stderr
    assert_no_traceback(bad)


def test_a_missing_extra_is_one_line_and_exit_2(layers, tmp_path):
    code = ("import sys; sys.modules['cassis'] = None; from builders.cli import run; "
            f"sys.argv = ['geosignal', 'export', '--format', 'inception', '--out', {str(tmp_path / 'x')!r}, '--corpus', {str(layers)!r}]; run()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and 'pip install "geosignal[inception]"' in result.stderr
    assert not (tmp_path / "x").exists()


def test_export_from_a_dataset_is_a_usage_error(built, tmp_path):
    result = cli("export", str(built), "--format", "inception", "--out", str(tmp_path / "x"))
    assert result.returncode == 2 and "reads the corpus" in result.stderr


# --- derived artefacts ------------------------------------------------------------------------

def test_tagsets_are_the_schema_enums():
    enums = {f"{stem}#{name}": [v for v in node["enum"] if v is not None]
             for stem, s in schemas().items() for name, node in s.get("$defs", {}).items() if "enum" in node}
    assert T.tagsets() == enums
    used = {f.enum for layer in T.layers() for f in layer.features if f.enum}
    assert used <= set(enums) and "event#event_type" in used and "common#origin" in used


def test_typesystem_xml_loads_and_has_every_layer():
    ts = cassis.load_typesystem(T.typesystem_xml())
    for layer in T.layers():
        have = {f.name for f in ts.get_type(layer.name).all_features}
        assert {f.name for f in layer.features} <= have
    roles = ts.get_type(T.ARG_LINK).get_feature("role").description
    assert all(role in roles for role in T.tagsets()["event#role"])


def test_the_project_zip_is_an_inception_project(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    with zipfile.ZipFile(out / "geosignal-inception-project.zip") as z:
        project = json.loads(z.read("exportedproject.json"))
        assert sorted(z.namelist()) == ["TypeSystem.xml", "exportedproject.json", "source/gen_alpha.xmi", "source/gen_beta.xmi"]
        assert z.read("source/gen_alpha.xmi") == (out / "xmi" / "gen_alpha.xmi").read_bytes()
    # what INCEpTION's project import reads (ExportedProject and the exporters that import it)
    assert project["version"] == 1  # version 0 would have the tagsets read as WebAnno 1's (TagSetExporter)
    assert project["mode"] == "ANNOTATION" and project["name"]
    assert [(d["name"], d["format"]) for d in project["source_documents"]] == [("gen_alpha.xmi", "xmi"), ("gen_beta.xmi", "xmi")]
    assert {t["name"] for t in project["tag_sets"]} == {f"GeoSignal {ref}" for ref in T.tagsets()}
    layers_ = {layer["name"]: layer for layer in project["layers"]}
    assert {T.SENTENCE, T.TOKEN} <= set(layers_) and layers_[T.TOKEN]["built_in"] and layers_[T.TOKEN]["readonly"]
    assert layers_[T.EVENT_LINK]["type"] == "relation" and layers_[T.EVENT_LINK]["attach_type"] == {"name": T.EVENT}
    assert [f["name"] for f in layers_[T.EVENT_LINK]["features"]] == ["linkType", "order"]  # Governor, Dependent: implied
    assert layers_[T.DOCUMENT]["type"] == "document-metadata" and layers_[T.DOCUMENT]["readonly"]
    assert json.loads(layers_[T.AUTHOR]["traits"]) == {"singleton": True} and not layers_[T.AUTHOR]["readonly"]
    event = {f["name"]: f for f in layers_[T.EVENT]["features"]}
    args = event["arguments"]
    assert args["link_mode"] == "WITH_ROLE" and args["link_type_name"] == T.ARG_LINK and args["type"] == T.ANNOTATION
    assert [t["tag_name"] for t in args["tag_set"]["tags"]] == T.tagsets()["event#role"]  # the slots' role labels
    assert [t["tag_name"] for t in event["eventType"]["tag_set"]["tags"]] == T.tagsets()["event#event_type"]
    assert not event["order"]["enabled"] and event["eventType"]["enabled"]  # the order is kept, not shown
    tagged = {f["tag_set"]["name"] for layer in project["layers"] for f in layer["features"] if f["tag_set"]}
    assert tagged <= {t["name"] for t in project["tag_sets"]}  # a feature's tagset is found by name


def inception_typesystem(project: dict) -> "cassis.TypeSystem":
    """The type system INCEpTION builds for a project from its layers alone, as its layer and feature
    supports generate it (SpanLayerSupport, RelationLayerSupport, DocumentMetadataLayerSupport,
    LinkFeatureSupport: a link type gets a role and a target, nothing else), with the DKPro types
    it adds to every document."""
    ts = cassis.TypeSystem()
    token = ts.create_type(T.TOKEN, supertypeName="uima.tcas.Annotation")
    ts.create_feature(token, "order", "uima.cas.Integer")
    ts.create_feature(ts.create_type(T.SENTENCE, supertypeName="uima.tcas.Annotation"), "id", "uima.cas.String")
    meta = ts.create_type("de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData", supertypeName="uima.tcas.DocumentAnnotation")
    ts.create_feature(meta, "documentId", "uima.cas.String")
    custom = [layer for layer in project["layers"] if not layer["built_in"]]
    types = {layer["name"]: ts.create_type(layer["name"], supertypeName="uima.cas.AnnotationBase"
                                           if layer["type"] == "document-metadata" else "uima.tcas.Annotation")
             for layer in custom}
    for layer in custom:
        t = types[layer["name"]]
        if layer["type"] == "document-metadata":
            ts.create_feature(t, "i7n_uiOrder", "uima.cas.Integer")
        if layer["type"] == "relation":
            for end in ("Governor", "Dependent"):
                ts.create_feature(t, end, layer["attach_type"]["name"])
        for f in layer["features"]:
            if f["link_mode"] == "WITH_ROLE":
                link = ts.create_type(f["link_type_name"], supertypeName="uima.cas.TOP")
                ts.create_feature(link, f["link_type_role_feature_name"], "uima.cas.String")
                ts.create_feature(link, f["link_type_target_feature_name"], f["type"])
                ts.create_feature(t, f["name"], "uima.cas.FSArray", elementType=link.name)
            else:
                ts.create_feature(t, f["name"], f["type"])
    return ts


def test_what_inception_makes_of_the_project_comes_back_unchanged(layers, tmp_path):
    """The project zip's documents read into the type system INCEpTION derives from the project's
    layers (an XMI that needed more would not load), given tokens and DKPro's metadata as INCEpTION
    does, and exported per annotator the way INCEpTION's project export nests them: the import
    sees exactly the one edit made there."""
    out = export(layers, tmp_path / "export")
    with zipfile.ZipFile(out / "geosignal-inception-project.zip") as z:
        project = json.loads(z.read("exportedproject.json"))
        sources = {name: z.read(name) for name in z.namelist() if name.startswith("source/")}
    ts = inception_typesystem(project)
    files = {"exportedproject.json": json.dumps(project).encode(), **sources}
    for name, data in sources.items():
        cas = cassis.load_cas_from_xmi(io.BytesIO(data), typesystem=ts)
        text = cas.sofa_string
        for n, word in enumerate(re.finditer(r"\S+", text)):
            cas.add(ts.get_type(T.TOKEN)(begin=word.start(), end=word.end(), order=n))
        cas.add(ts.get_type("de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData")(
            begin=0, end=len(text), documentId=name.removeprefix("source/")))
        if name == "source/gen_beta.xmi":
            cas.remove(cas.select(T.STANCE)[0])
        doc = name.removeprefix("source/")
        files[f"annotation/{doc}/annotator.zip"] = _zip({doc: cas.to_xmi().encode(), "typesystem.xml": ts.to_xml().encode()})
    (tmp_path / "from-inception.zip").write_bytes(_zip(files))
    result = import_(tmp_path / "from-inception.zip", layers)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "gen_beta: removed stances st_criticise"


# --- quotes -----------------------------------------------------------------------------------

@pytest.mark.parametrize("start, end, expected", [
    (0, 5, {"text": "Japan", "context": "Japan and"}),
    (14, 19, {"text": "Japan", "start": 14, "end": 19}),      # inside 'Japanese': no quote resolves to it
    (34, 39, "Korea"),
    (24, 33, "Japan met"),
])
def test_quote_ref_is_the_shortest_that_resolves(start, end, expected):
    text = "Japan and the Japanese. Japan met Korea.\nJapan, Japan."
    ref = quote_ref(text, start, end)
    assert ref == expected
    span = resolve(text, ref)
    assert (span.start, span.end) == (start, end)


def test_quote_ref_falls_back_to_occurrence_when_no_context_is_unique():
    text = "Japan. Japan. Japan."
    assert quote_ref(text, 7, 12) == {"text": "Japan", "occurrence": 2}  # every context around it repeats or holds it twice
    assert quote_ref("a a\na a", 6, 7) == {"text": "a", "occurrence": 4}


def test_metadata_edited_in_the_tool_is_reported_not_imported(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    path = out / "xmi" / "gen_beta.xmi"
    cas = load_xmi(path)
    cas.select(T.DOCUMENT)[0].title = "A new headline"
    save_xmi(cas, path)
    before = tree_bytes(layers)
    result = import_(path, layers)
    assert result.returncode == 0
    assert "warning [metadata-not-imported] the XMI's title is 'A new headline'" in result.stderr
    assert tree_bytes(layers) == before


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_a_project_zip_prefers_the_curated_xmi_and_refuses_two_annotators(layers, tmp_path):
    out = export(layers, tmp_path / "export")
    original = (out / "xmi" / "gen_beta.xmi").read_bytes()
    ts = (out / "TypeSystem.xml").read_bytes()
    cas = cassis.load_cas_from_xmi(io.BytesIO(original), typesystem=T.typesystem())
    cas.remove(cas.select(T.STANCE)[0])
    curated = cas.to_xmi().encode()
    per_user = lambda name, data: _zip({f"{name}.xmi": data, "TypeSystem.xml": ts})  # noqa: E731 - INCEpTION's nesting
    project = tmp_path / "project.zip"
    project.write_bytes(_zip({
        "exportedproject.json": b"{}", "source/gen_beta.xmi": original,
        "annotation/gen_beta.xmi/alice.zip": per_user("alice", original),
        "annotation/gen_beta.xmi/bob.zip": per_user("bob", original),
        "curation/gen_beta.xmi/CURATION_USER.zip": per_user("CURATION_USER", curated),
    }))
    result = import_(project, layers)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "gen_beta: removed stances st_criticise"
    (layers / "gen_beta" / "annotation.yaml").write_text(
        write_layers_corpus(tmp_path / "fresh").joinpath("gen_beta", "annotation.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    project.write_bytes(_zip({
        "annotation/gen_beta.xmi/alice.zip": per_user("alice", curated),
        "annotation/gen_beta.xmi/bob.zip": per_user("bob", original),
    }))
    before = tree_bytes(layers)
    result = import_(project, layers)
    assert result.returncode == 1 and "duplicate-document" in result.stderr and "alice.xmi" in result.stderr
    assert tree_bytes(layers) == before
