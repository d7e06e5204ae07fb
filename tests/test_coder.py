"""The silver coder: drafts validate, gold is never overwritten, a collection survives bad
articles, and cross-validation learns from the training folds only. Fixtures are made here."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

from builders.coder import NAME, VERSION, Article, code
from builders.coder.crossval import cross_validate, folds, load_gold, to_markdown
from builders.coder.draft import bad_article, code_folder, to_yaml
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


def test_cross_validation_learns_from_training_folds_only(tmp_path):
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
    results = cross_validate(docs, 4)
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


def test_learned_lexicon_overrides_base_types():
    lexicon = Lexicon()
    assert lexicon.trigger("condemned")[1].type == "ACCUSE"
    assert lexicon.trigger("Japan") is None
