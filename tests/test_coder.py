"""The silver coder: drafts validate, gold is never overwritten, a collection survives bad
articles, and cross-validation learns from the training folds only. Fixtures are made here."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

from builders.coder import NAME, VERSION, Article, code
from builders.coder.crossval import cross_validate, folds, load_gold, to_markdown
from builders.coder.draft import _str, bad_article, code_folder, to_yaml
from builders.coder.lexicon import Lexicon
from builders.annotation.yamlio import parse_yaml

from conftest import assert_no_traceback, cli

STATEMENT = """---
title: Statement by National Security Advisor Jake Sullivan on the Launch
date: '2023-03-20'
source_url: https://example.invalid/statement
---

The United States strongly condemns the DPRK for its launch of a ballistic missile on March 16.
We urge all countries to hold Pyongyang accountable. I welcomed the talks with Japan and the
Republic of Korea in response to the attack. The United States will defend Japan.
"""


def _document(data: bytes, fmt: str = "markdown", status: str = "silver") -> dict:
    return {"source_name": "s.md", "source_sha256": hashlib.sha256(data).hexdigest(), "source_format": fmt,
            "title": "Statement by National Security Advisor Jake Sullivan on the Launch", "publisher": "The White House",
            "url": None, "language": "en", "published": "2023-03-20", "obtained": "written for this test",
            "license": {"spdx": "CC0-1.0", "redistributable": True, "attribution": None},
            "annotation": {"status": status, "annotators": ["test"], "tool": None}}


def _folder(root: Path, doc_id: str, text: str, annotation: dict) -> Path:
    folder = root / doc_id
    folder.mkdir(parents=True)
    (folder / "source.txt").write_text(text, encoding="utf-8", newline="\n")
    (folder / "annotation.yaml").write_text(yaml.safe_dump(annotation, sort_keys=False, allow_unicode=True),
                                            encoding="utf-8", newline="\n")
    return folder


def _empty(data: bytes, status: str = "silver") -> dict:
    return {"format": "geosignal-annotation/2", "document": _document(data, status=status), "entities": [],
            "events": [], "stances": []}


def test_draft_covers_every_layer_and_is_machine_made():
    data = STATEMENT.encode()
    draft = code(Article("d1", STATEMENT, _document(data)))
    assert draft["document"]["annotation"] == {"status": "silver", "annotators": [NAME], "tool": {"name": NAME, "version": VERSION}}
    for layer in ("entities", "times", "events", "stances"):
        assert draft[layer], layer
        assert all(item["origin"] == "machine" for item in draft[layer])
    by_name = {e["name"]: e for e in draft["entities"]}
    assert by_name["United States"]["kb_id"] == "Q30" and by_name["North Korea"]["kb_id"] == "Q423"
    assert {"text": "We", "kind": "PRO"} in by_name["United States"]["mentions"]  # 3.7: 'we' of a White House statement
    assert draft["document"]["author"]["name"] == "Jake Sullivan"
    condemn = next(e for e in draft["events"] if e["trigger"] == "condemns")
    assert (condemn["type"], condemn["cameo"], condemn["realis"]) == ("ACCUSE", "111", "actual")
    roles = {a["role"]: a.get("entity", a.get("time")) for a in condemn["arguments"]}
    assert roles["actor"] == by_name["United States"]["id"] and roles["recipient"] == by_name["North Korea"]["id"]
    assert {"id": draft["times"][0]["id"], "text": "March 16", "type": "DATE", "value": "2023-03-16",
            "origin": "machine"} == draft["times"][0]
    defend = next(e for e in draft["events"] if e["trigger"] == "defend")
    assert (defend["realis"], defend["modality"]) == ("other", "predicted")
    assert any(link["type"] == "response_to" for e in draft["events"] for link in e.get("links", []))
    assert any(s["polarity"] == "oppose" and s["holder"] == by_name["United States"]["id"] for s in draft["stances"])


def test_code_folder_writes_a_draft_that_validates(tmp_path):
    data = STATEMENT.encode()
    folder = _folder(tmp_path / "corpus", "doc-one", STATEMENT, _empty(data, status="gold"))  # new's template: gold, empty
    result = cli("code", str(folder))
    assert result.returncode == 0, result.stderr
    written = parse_yaml((folder / "annotation.yaml").read_text(encoding="utf-8")).data
    assert written["document"]["annotation"]["status"] == "silver"
    check = cli("validate", str(folder), "--level", "3", "--no-cache")
    assert check.returncode == 0, check.stdout + check.stderr


def test_code_refuses_to_overwrite_gold_and_reviewed(tmp_path):
    data = STATEMENT.encode()
    for status in ("gold", "reviewed"):
        annotation = _empty(data, status=status)
        annotation["entities"] = [{"id": "usa", "name": "United States", "type": "GPE", "kb_id": "Q30",
                                   "mentions": [{"text": "United States", "occurrence": 1}]}]
        folder = _folder(tmp_path / status, "doc-one", STATEMENT, annotation)
        before = (folder / "annotation.yaml").read_bytes()
        result = cli("code", str(folder))
        assert result.returncode == 1
        assert "refuse-overwrite" in result.stderr and status in result.stderr
        assert_no_traceback(result)
        assert (folder / "annotation.yaml").read_bytes() == before


def test_code_a_raw_article_adds_it_and_drafts(tmp_path):
    article = tmp_path / "statement.md"
    article.write_text(STATEMENT, encoding="utf-8")
    result = cli("code", str(article), "--corpus", str(tmp_path / "corpus"))
    assert result.returncode == 0, result.stderr
    assert cli("validate", str(tmp_path / "corpus" / "statement"), "--level", "3", "--no-cache").returncode == 0


def test_bad_articles_are_named():
    assert bad_article(b"")[0] == "file-empty"
    assert bad_article(b"\x00\x01\x02abc")[0] == "binary-file"
    assert bad_article(b"\xff\xfe bad")[0] == "not-utf8"
    french = ("Le gouvernement a annonc\u00e9 une nouvelle politique pour les agriculteurs de la r\u00e9gion "
              "avec des mesures pour la sant\u00e9 et le travail des familles et des enfants du pays").encode()
    assert bad_article(french)[0] == "not-english"
    assert bad_article(STATEMENT.encode()) is None


def test_a_page_of_links_is_judged_by_its_prose_not_its_addresses():
    """An English page that is mostly links and images (a fact sheet per state) is English; they do not make French English."""
    places = ["Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Delaware", "Florida", "Georgia",
              "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine"]
    links = "".join(f"[{p}](https://example.gov/wp-content/uploads/2021/10/{p}_State-Fact-Sheet-Download.pdf)  \n"
                    f"<https://www.example.gov/briefing-room/statements/{p.lower()}-state-fact-sheet/>  \n"
                    f'<figure class="wp-block-image aligncenter size-large">\n<img src="https://example.gov/{p}.jpg"\n'
                    f'class="wp-image-5489" decoding="async" sizes="(max-width: 1050px) 100vw, 1050px" />\n</figure>\n'
                    for p in places)
    english = ("Today, the White House released state by state fact sheets that show how the framework will help "
               "working families across the country.\n\n" + links).encode()
    assert bad_article(english) is None
    french = ("Le gouvernement a annonc\u00e9 une nouvelle politique pour les agriculteurs de la r\u00e9gion "
              "avec des mesures pour la sant\u00e9 et le travail des familles et des enfants du pays.\n\n" + links).encode()
    assert bad_article(french)[0] == "not-english"


def test_collection_codes_the_good_articles_and_reports_the_bad(tmp_path):
    src = tmp_path / "wh"
    src.mkdir()
    (src / "alpha.md").write_text(STATEMENT, encoding="utf-8")
    (src / "bravo.md").write_text(STATEMENT.replace("March 16", "March 17").replace("Japan and", "Australia and"), encoding="utf-8")
    (src / "c-binary.md").write_bytes(b"\x00\x01\x02")
    (src / "d-empty.md").write_bytes(b"")
    (src / "e-no-front-matter.md").write_text("The United States condemns the launch of a missile today.", encoding="utf-8")
    out = tmp_path / "out"
    result = cli("code", "--collection", str(src), "--format", "wh-markdown", "--out", str(out), "--workers", "1")
    assert_no_traceback(result)
    assert result.returncode == 1  # findings were reported
    assert "coded 2 article(s)" in result.stdout
    assert "drafted: 5 article(s) read, 2 coded; building the silver dataset" in result.stderr  # the silent build is announced
    codes = [json.loads(line)["code"] for line in (out / "findings.jsonl").read_text().splitlines()]
    assert codes == ["binary-file", "file-empty", "unknown-shape"]
    assert sorted(p.name for p in (out / "corpus").iterdir()) == ["alpha", "bravo"]
    import pyarrow.parquet as pq

    docs = pq.read_table(next((out / "dataset" / "data" / "documents").glob("*.parquet"))).to_pylist()
    assert len(docs) == 2
    assert cli("evaluate", str(out / "corpus"), str(out / "dataset"), "--format", "json").returncode == 0


def _gold(root: Path, doc_id: str, text: str, entities: list, events: list | None = None) -> None:
    data = text.encode()
    annotation = {"format": "geosignal-annotation/2", "document": _document(data, "text", status="gold"),
                  "entities": entities, "events": events or [], "stances": []}
    annotation["document"]["title"] = None
    _folder(root, doc_id, text, annotation)


def test_cross_validation_learns_from_training_folds_only(tmp_path, monkeypatch):
    gold = tmp_path / "gold"
    frob = {"id": "frob", "name": "Frobnia", "type": "GPE", "kb_id": None, "mentions": ["Frobnia"]}
    japan = {"id": "japan", "name": "Japan", "type": "GPE", "kb_id": "Q17", "mentions": ["Japan"]}
    texts = {"doc-a": "Frobnia welcomed the talks with Japan.", "doc-b": "Frobnia welcomed the visit of Japan.",
             "doc-c": "Zentoria praised Japan for the plan.", "doc-d": "Japan thanked the envoy today."}
    for doc_id, text in texts.items():
        ents = [dict(japan)]
        if "Frobnia" in text:
            ents.append(dict(frob))
        if "Zentoria" in text:
            ents.append({"id": "zen", "name": "Zentoria", "type": "GPE", "kb_id": None, "mentions": ["Zentoria"]})
        _gold(gold, doc_id, text, ents)
    docs, findings = load_gold(gold)
    assert not findings and len(docs) == 4
    fold = folds([d.doc_id for d in docs], 4)
    assert sorted(fold.values()) == [0, 1, 2, 3]
    import builders.coder.crossval as crossval

    trained_on: dict[int, set[str]] = {}  # id of a learned lexicon -> the documents it learned from
    coded: list[tuple[str, int]] = []
    alive: list = []  # the lexicons stay alive, so an id is never reused
    real_fit, real_predict = crossval.fit, crossval.predict

    def fit(train):
        lexicon = real_fit(train)
        alive.append(lexicon)
        trained_on[id(lexicon)] = {r["documents"][0]["doc_id"] for r in train}
        return lexicon

    def predict(doc, lexicon):
        coded.append((doc.doc_id, id(lexicon)))
        return real_predict(doc, lexicon)

    monkeypatch.setattr(crossval, "fit", fit)
    monkeypatch.setattr(crossval, "predict", predict)
    results = cross_validate(docs, 4)
    learned = [(doc_id, trained_on[lex]) for doc_id, lex in coded if lex in trained_on]
    assert len(learned) == 4 and all(doc_id not in seen and len(seen) == 3 for doc_id, seen in learned)
    base = results["baseline"]["layers"]["mentions"]["exact"]
    full = results["full"]["layers"]["mentions"]["exact"]
    # baseline: Japan only (4 of 7 gold mentions); full: Frobnia is learned for doc-a from doc-b and
    # for doc-b from doc-a (other folds), but Zentoria occurs in one document only: never learned
    assert (base["tp"], base["support"], base["predicted"]) == (4, 7, 4)
    assert (full["tp"], full["support"], full["predicted"]) == (6, 7, 6)
    table = to_markdown(results, 4)
    assert "Dictionary-only baseline" in table and "Full coder" in table and "| mentions (exact) | 1.000 | 0.571 |" in table
    result = cli("code", "--cross-validate", str(gold), "--folds", "4")
    assert result.returncode == 0 and result.stdout.strip() == table.strip()


def test_yaml_keeps_codes_and_dates_as_strings():
    text = to_yaml({"cameo": "084", "published": "2023-01-02", "flag": "no"}, "d")
    assert parse_yaml(text).data == {"cameo": "084", "published": "2023-01-02", "flag": "no"}


def test_draft_text_is_the_pure_python_emitters_text():
    """to_yaml uses libyaml's emitter for speed: a draft must read the same as PyYAML's own emitter writes it."""
    class Plain(yaml.SafeDumper):
        pass

    Plain.add_representer(str, _str)
    draft = code(Article("d1", STATEMENT, _document(STATEMENT.encode())))
    draft["notes"] = "Ünïcode, «quotes», a line\nbreak, 'single' and \"double\", " + "long " * 40
    text = to_yaml(draft, "d1")
    assert text.endswith(yaml.dump(draft, Dumper=Plain, sort_keys=False, allow_unicode=True, width=120))


def test_learned_lexicon_overrides_base_types():
    lexicon = Lexicon()
    assert lexicon.trigger("condemned")[1].type == "ACCUSE"
    assert lexicon.trigger("Japan") is None


# ---- the learned part: stance model, model file, --model back-ends ------------------------------

COUNTRIES = [("japan", "Japan", "Q17"), ("germany", "Germany", "Q183"), ("france", "France", "Q142"),
             ("italy", "Italy", "Q38"), ("canada", "Canada", "Q16"), ("india", "India", "Q668"),
             ("spain", "Spain", "Q29"), ("norway", "Norway", "Q20")]


def _stance_gold(root: Path, n: int = 8) -> Path:
    """n gold documents of one shape: 'A said the strike on B was unacceptable.' (a STATEMENT, an
    ASSAULT, A's oppose stance toward the strike) among sentences without a stance."""
    for i in range(n):
        (ia, a, qa), (ib, b, qb), (ic, c, qc) = (COUNTRIES[(i + k) % len(COUNTRIES)] for k in (0, 3, 5))
        text = (f"{a} said the strike on {b} was unacceptable. Officials from {c} visited {b} on Monday. "
                f"The visit of {c} was planned for weeks.\n")
        ents = [{"id": ia, "name": a, "type": "GPE", "kb_id": qa, "mentions": [a]},
                {"id": ib, "name": b, "type": "GPE", "kb_id": qb, "mentions": [{"text": b, "occurrence": 1}, {"text": b, "occurrence": 2}]},
                {"id": ic, "name": c, "type": "GPE", "kb_id": qc, "mentions": [{"text": c, "occurrence": 1}, {"text": c, "occurrence": 2}]}]
        events = [{"id": "ev_said", "type": "STATEMENT", "trigger": "said", "realis": "actual",
                   "arguments": [{"role": "actor", "entity": ia, "text": a}]},
                  {"id": "ev_strike", "type": "ASSAULT", "trigger": "strike", "realis": "actual",
                   "arguments": [{"role": "recipient", "entity": ib, "text": b, "context": f"strike on {b}"}]},
                  {"id": "ev_visit", "type": "CONSULT", "trigger": "visited", "realis": "actual",
                   "arguments": [{"role": "actor", "entity": ic, "text": c, "context": f"from {c} visited"}]}]
        _gold(root, f"doc-{i}", text, ents, events)
        path = root / f"doc-{i}" / "annotation.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["stances"] = [{"id": "st", "holder": ia, "target": "ev_strike", "polarity": "oppose",
                            "evidence": f"the strike on {b} was unacceptable"}]
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8", newline="\n")
    return root


def _held_out() -> tuple[str, dict]:
    text = "Norway said the strike on India was unacceptable. Officials from Spain visited India on Friday.\n"
    document = _document(text.encode(), "text")
    document["title"] = None
    return text, document


def test_stance_model_learns_what_the_rules_do_not_know(tmp_path):
    from builders.coder.training import fit

    docs, findings = load_gold(_stance_gold(tmp_path / "gold"))
    assert not findings and len(docs) == 8
    text, document = _held_out()
    rules = code(Article("held-out", text, document), Lexicon())
    assert rules["stances"] == []  # a STATEMENT carries no stance for the rules
    learned = fit([d.records for d in docs])
    assert learned.stance_model is not None and learned.stance_model.meta["documents"] == 8
    draft = code(Article("held-out", text, document), learned)
    names = {e["id"]: e["name"] for e in draft["entities"]}
    triggers = {e["id"]: e["trigger"] for e in draft["events"]}
    got = {(names[s["holder"]], triggers.get(s["target"], names.get(s["target"])), s["polarity"]) for s in draft["stances"]}
    assert got == {("Norway", "strike", "oppose")}


def test_model_file_is_reproducible_and_round_trips(tmp_path):
    import os
    import subprocess
    import sys

    from builders.coder.model import ModelError, from_json, load

    gold = _stance_gold(tmp_path / "gold", 6)
    outs = []
    for seed in ("1", "2"):  # another hash seed, another process: the same bytes
        out = tmp_path / f"model-{seed}.json"
        run = subprocess.run([sys.executable, "-m", "builders.coder.model", str(gold), str(out)], capture_output=True,
                             text=True, env={**os.environ, "PYTHONHASHSEED": seed}, cwd=Path(__file__).parent.parent)
        assert run.returncode == 0, run.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    lexicon = load(str(tmp_path / "model-1.json"))
    assert lexicon.learned and lexicon.stance_model is not None and lexicon.name("Norway").kb_id == "Q20"
    text, document = _held_out()
    assert [s["polarity"] for s in code(Article("h", text, document), lexicon)["stances"]] == ["oppose"]
    data = json.loads(outs[0])
    assert data["trained_on"]["documents"] == 6 and len(data["trained_on"]["sha256"]) == 64
    data["format"] = "something-else"
    try:
        from_json(json.dumps(data), "m.json")
        raise AssertionError("a file of another format was read as a model")
    except ModelError as exc:
        assert "not a GeoSignal coder model" in str(exc)
    builtin = load("builtin")  # the shipped model loads and carries a stance model
    assert builtin.learned and builtin.stance_model is not None and builtin.stance_model.target is not None


def test_model_option_selects_the_back_end(tmp_path):
    import spacy

    from builders.coder.model import load

    text = "The United States condemns the attack by Zork Blimpson on the port of Aden, Yemen.\n"
    pipe = spacy.blank("en")
    pipe.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "Zork Blimpson"}])
    pipe.to_disk(tmp_path / "pipe")
    drafted = {}
    for model in ("none", str(tmp_path / "pipe")):
        article = tmp_path / f"a-{len(drafted)}" / "article.txt"
        article.parent.mkdir()
        article.write_text(text, encoding="utf-8")
        corpus = tmp_path / f"corpus-{len(drafted)}"
        result = cli("code", str(article), "--corpus", str(corpus), "--model", model)
        assert result.returncode == 0, result.stderr
        drafted[model] = parse_yaml((corpus / "article" / "annotation.yaml").read_text(encoding="utf-8")).data
    check = cli("validate", str(tmp_path / "corpus-1"), "--level", "3", "--no-cache")
    assert check.returncode == 0, check.stdout + check.stderr
    document = _document(text.encode(), "text")
    drafted["builtin"] = code(Article("article", text, document), load("builtin"))
    with_pipe = {e["name"]: e for e in drafted[str(tmp_path / "pipe")]["entities"]}
    assert with_pipe["Zork Blimpson"]["type"] == "PER"  # only the spaCy back-end knows the name
    assert all(e["name"] != "Zork Blimpson" for e in drafted["none"]["entities"] + drafted["builtin"]["entities"])
    assert drafted["none"]["document"]["annotation"]["status"] == "silver"
    bad = cli("code", str(tmp_path / "a-0" / "article.txt"), "--corpus", str(tmp_path / "c9"), "--model", str(tmp_path / "nothing"))
    assert bad.returncode == 2 and "--model" in bad.stderr
    assert_no_traceback(bad)


WIKINEWS = """Monday, January 6, 2020

On Sunday, the Parliament of Iraq voted on a resolution to expel United States troops from the country.
The United States said it was disappointed by the decision. Iran welcomed the vote.

Sources
"""

WEB_PAGE = """Skip to main content
Home | World | Politics | Business
Share this article
Japan condemns missile launch by North Korea
Japan strongly condemned the launch of a ballistic missile by North Korea on Tuesday.
The Prime Minister said Japan would work with the United States and South Korea.
Related: Tensions rise on the peninsula
Copyright 2024 Example News. All rights reserved.
"""


def test_code_drafts_a_wikinews_text_and_a_web_page_that_validate(tmp_path):
    for name, text in (("wikinews.txt", WIKINEWS), ("page.txt", WEB_PAGE)):
        article = tmp_path / name
        article.write_text(text, encoding="utf-8")
        result = cli("code", str(article), "--corpus", str(tmp_path / "corpus"))
        assert result.returncode == 0, result.stderr
        draft = parse_yaml((tmp_path / "corpus" / Path(name).stem / "annotation.yaml").read_text(encoding="utf-8")).data
        assert draft["document"]["annotation"]["status"] == "silver" and draft["entities"] and draft["events"]
        assert all(item["origin"] == "machine" for layer in ("entities", "events") for item in draft[layer])
    check = cli("validate", str(tmp_path / "corpus"), "--level", "3", "--no-cache")
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_draft_larger_than_a_corpus_accepts_is_a_finding_not_a_file(monkeypatch):
    """A draft over the annotation size limit would fail every later check (and stop the build of a
    whole collection): it is the article's finding, with how to fix it, and nothing is written."""
    from builders.coder import collection
    from builders.source import corpus as corpus_io

    raw = collection.Raw("wh/statement.md", "statement.md", STATEMENT.encode(), {"obtained": "written for this test"})
    fits = collection.draft_article(raw, "wh-markdown", None, None, "statement")
    assert fits.finding is None and fits.annotation
    monkeypatch.setattr(corpus_io, "MAX_ANNOTATION_BYTES", len(fits.annotation.encode()) - 1)
    over = collection.draft_article(raw, "wh-markdown", None, None, "statement")
    assert over.annotation is None
    assert (over.finding.file, over.finding.code, over.finding.is_error) == ("wh/statement.md", "draft-too-large", True)
    assert "limit" in over.finding.message and "split the article" in over.finding.hint
