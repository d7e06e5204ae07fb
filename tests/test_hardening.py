"""Issue 12: a hostile cache, a careless --out, killed and concurrent builds, unusable paths.

Each test is about a class of problem and checks the mechanism: what is refused is refused with
a message and an exit code of 1 or 2, nothing is deleted that the build did not write, and what
the cache holds can neither run nor change the output.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from builders.run import chunkcache
from builders.dataset import outdir
from builders.run.build import build
from builders.dataset.outdir import MANIFEST, OutputRefused
from builders.dataset.write import MARKER

from conftest import REPO, cli
from gencorpus import write_corpus


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus", range(40))  # several chunks (runner.AVERAGE_CHUNK)


# --- 1. the cache holds data, signed; nothing in it runs or ships ---------------------------------

class _Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_pickle_and_tampered_entries_neither_run_nor_ship(corpus, tmp_path):
    clean = tmp_path / "clean"
    assert build(corpus, clean, workers=1).written  # no cache at all
    cache = tmp_path / "cache"
    assert build(corpus, tmp_path / "warm", workers=1, cache=cache).written
    entries = sorted(cache.rglob(f"*{chunkcache.SUFFIX}"))
    assert len(entries) >= 3 and not list(cache.rglob("*.pickle"))
    assert all(b"pickle" not in e.read_bytes()[:64] for e in entries)

    marker = tmp_path / "code-ran"
    payload = pickle.dumps(_Payload(marker))
    entries[0].write_bytes(payload)  # an executing payload where an entry belongs
    entries[0].with_suffix(".pickle").write_bytes(payload)  # and where the old cache kept them

    data = bytearray(entries[1].read_bytes())  # a table byte flipped, the signature kept
    data[-100] ^= 0xFF
    entries[1].write_bytes(bytes(data))

    # a well-formed entry with changed rows, signed by someone without this user's key
    raw = entries[2].read_bytes()
    key = entries[2].name.removesuffix(chunkcache.SUFFIX)
    head = json.loads(raw[len(chunkcache.MAGIC) + 8:len(chunkcache.MAGIC) + 8 + int.from_bytes(raw[len(chunkcache.MAGIC):len(chunkcache.MAGIC) + 8], "big")])
    result = chunkcache.decode(raw, key, [d["doc_id"] for d in head["docs"]], chunkcache.secret())
    import pyarrow as pa

    docs = result.tables["train"]["documents"]
    text = docs.column("text").to_pylist()
    result.tables["train"]["documents"] = docs.set_column(docs.schema.get_field_index("text"), "text",
                                                          pa.array(["forged " + t for t in text]))
    entries[2].write_bytes(chunkcache.encode(key, result, b"0" * 64))

    again = build(corpus, tmp_path / "again", workers=1, cache=cache)
    assert again.written and not marker.exists()
    assert digest(tmp_path / "again") == digest(clean)  # byte-identical to a build without a cache
    assert len(again.notes) == 3 and all("not used" in n and "rebuilt" in n for n in again.notes)
    assert not any(MARKER in n for n in again.notes)
    # the rebuilt entries are good again: a third build takes every chunk from the cache
    third = build(corpus, tmp_path / "third", workers=1, cache=cache)
    assert third.from_cache == 40 and not third.notes and digest(tmp_path / "third") == digest(clean)


def test_an_entry_filed_under_another_key_is_a_miss(corpus, tmp_path):
    cache = tmp_path / "cache"
    assert build(corpus, tmp_path / "a", workers=1, cache=cache).written
    first, second = sorted(cache.rglob(f"*{chunkcache.SUFFIX}"))[:2]
    second.write_bytes(first.read_bytes())  # a genuine, signed entry: of other documents
    again = build(corpus, tmp_path / "b", workers=1, cache=cache)
    assert again.written and len(again.notes) == 1 and "key it does not claim" in again.notes[0]
    assert digest(tmp_path / "b") == digest(tmp_path / "a")


@pytest.mark.parametrize("kind", ["file", "proc", "under-a-file"])
def test_an_unusable_cache_path_builds_without_it_and_says_so(corpus, tmp_path, kind):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    cache = {"file": blocker, "proc": Path("/proc/geosignal-cache"), "under-a-file": blocker / "cache"}[kind]
    result = build(corpus, tmp_path / "dist", workers=1, cache=cache)
    assert result.written and len(result.notes) == 1 and "building without it" in result.notes[0]
    assert blocker.read_text() == "x"
    from builders import validate

    assert validate([corpus], workers=1, cache=cache).ok


def test_the_cli_prints_the_cache_note_and_exits_0(corpus, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = cli("build", "--corpus", str(corpus), "--out", str(tmp_path / "dist"), "--cache", str(blocker))
    assert result.returncode == 0, result.stderr
    assert "note: the cache" in result.stderr and "building without it" in result.stderr


# --- 2. --out: only files the build wrote are ever removed -------------------------------------------

def _foreign(out: Path, kind: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if kind == "git":
        (out / ".git" / "objects").mkdir(parents=True)
        (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    elif kind == "note":
        (out / "notes.txt").write_text("keep me")
    elif kind == "marker":
        (out / "README.md").write_text(f"{MARKER}\nmy own README quoting the marker\n")


@pytest.mark.parametrize("kind", ["git", "note", "marker"])
@pytest.mark.parametrize("previous_build", [False, True])
def test_build_refuses_a_folder_holding_anything_it_did_not_write(corpus, tmp_path, kind, previous_build):
    out = tmp_path / "dist"
    if previous_build:
        assert build(corpus, out, workers=1).written
    _foreign(out, kind)
    before = tree(out)
    with pytest.raises(OutputRefused, match="not a GeoSignal build"):
        build(corpus, out, workers=1)
    assert tree(out) == before


def test_build_refuses_a_build_whose_files_were_edited(corpus, tmp_path):
    out = tmp_path / "dist"
    assert build(corpus, out, workers=1).written
    (out / "README.md").write_text((out / "README.md").read_text() + "\nmy note\n")
    before = tree(out)
    with pytest.raises(OutputRefused, match="changed since it was written"):
        build(corpus, out, workers=1)
    assert tree(out) == before
    (out / MANIFEST).write_text("{not json")
    with pytest.raises(OutputRefused, match="no valid"):
        build(corpus, out, workers=1)


def test_out_inside_or_above_the_corpus_or_a_link_is_a_usage_error(tmp_path):
    from builders.dataset.outdir import OutputUnusable
    from builders.export import export, from_corpus

    corpus = write_corpus(tmp_path / "work" / "corpus", range(2))
    (corpus / "README.md").write_text(f"{MARKER}\n")  # a corpus README quoting the marker
    before = tree(tmp_path / "work")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "a-file").write_text("x")
    records, _ = from_corpus(corpus)
    for out, why in [(corpus, "inside"), (corpus / "dist", "inside"), (corpus / "gen_00000", "inside"),
                     (tmp_path / "work", "contains"), (tmp_path, "contains"), (Path("/"), "contains"),
                     (link, "symbolic link"), (tmp_path / "a-file" / "dist", "not a folder")]:
        with pytest.raises(OutputUnusable, match=why):
            build(corpus, out, workers=1)
        with pytest.raises(OutputUnusable, match=why):
            export(records, "jsonl", out, corpus)
    assert tree(tmp_path / "work") == before and not any((tmp_path / "elsewhere").iterdir())
    for command in (["build"], ["export", "--format", "jsonl"]):  # the CLI: a usage error, exit 2
        result = cli(*command, "--corpus", str(corpus), "--out", str(corpus / "dist"))
        assert result.returncode == 2 and "inside" in result.stderr and "Traceback" not in result.stderr
    assert tree(tmp_path / "work") == before


def test_export_refuses_foreign_files_and_replaces_its_own(corpus, tmp_path):
    out = tmp_path / "export"
    result = cli("export", "--format", "jsonl", "--corpus", str(corpus), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / MANIFEST).is_file()
    assert cli("export", "--format", "conll", "--corpus", str(corpus), "--out", str(out)).returncode == 0
    (out / ".git").mkdir()
    result = cli("export", "--format", "jsonl", "--corpus", str(corpus), "--out", str(out))
    assert result.returncode == 1 and "not a GeoSignal export" in result.stderr and (out / ".git").is_dir()


# --- 3. the swap: one step; killed builds; concurrent builds -------------------------------------------

def _die_at(point: str, corpus: Path, out: Path) -> None:
    """In a forked child: a build that dies (os._exit, no clean-up of any kind) at ``point``."""
    from builders.dataset import write

    def die(*_a, **_k):
        os._exit(9)

    if point == "writing":
        write.DatasetWriter.add = die
    elif point == "before-swap":
        outdir.write_manifest = die
    elif point == "after-exchange":
        real = outdir.exchange

        def exchange_then_die(a, b):
            assert real(a, b)
            die()
        outdir.exchange = exchange_then_die
    elif point == "between-renames":
        outdir.exchange = lambda a, b: False  # a system without RENAME_EXCHANGE
        real_rename = os.rename

        def rename(a, b):
            real_rename(a, b)
            if ".old-" in str(b):
                die()
        os.rename = rename
    build(corpus, out, workers=1)
    os._exit(0)


@pytest.mark.parametrize("point", ["writing", "before-swap", "after-exchange", "between-renames"])
def test_a_build_killed_at_any_moment_leaves_old_or_new_and_the_next_build_cleans_up(tmp_path, point):
    corpus = write_corpus(tmp_path / "corpus", range(3))
    out = tmp_path / "dist"
    assert build(corpus, out, workers=1).written
    old = tree(out)
    write_corpus(corpus, [3])  # the next build differs
    # a forked process dies at the point (the patches live in it alone); a fork, not a new interpreter:
    # the build's imports and spaCy are loaded already
    child = multiprocessing.get_context("fork").Process(target=_die_at, args=(point, corpus, out))
    child.start()
    child.join()
    assert child.exitcode == 9
    assert out.is_dir() or point == "between-renames"
    if out.is_dir():
        assert tree(out) == old or point == "after-exchange"
    assert build(corpus, out, workers=1).written  # puts things right, whatever was left
    new = tree(out)
    assert new != old and set(new) == set(old)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".dist.")) == [".dist.lock"]


def test_a_killed_build_with_a_signal_leaves_a_usable_folder(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(30))
    out = tmp_path / "dist"
    assert build(corpus, out, workers=1).written
    old = tree(out)
    script = Path(sys.executable).parent / "geosignal"  # the installed command, killed from outside
    proc = subprocess.Popen([str(script), "build", "--corpus", str(corpus), "--out", str(out),
                             "--no-cache", "--workers", "1"], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    writing = outdir.temp_name(out, "tmp", proc.pid)
    deadline = time.monotonic() + 120
    while not writing.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)  # while it writes its temporary folder
    assert proc.wait() == -signal.SIGKILL, "the build ended before it could be killed while writing"
    assert writing.is_dir()  # left behind, for the next build to clean up
    assert tree(out) == old  # same corpus: old and new are the same bytes
    assert build(corpus, out, workers=1).written
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".dist.")) == [".dist.lock"]


def test_the_old_folder_of_a_build_killed_between_two_renames_is_put_back(tmp_path):
    out = tmp_path / "dist"
    old = outdir.temp_name(out, "old", 999999)
    old.mkdir()
    (old / "README.md").write_text("the previous build")
    stale = outdir.temp_name(out, "tmp", 999998)
    stale.mkdir()
    with outdir.locked(out):
        pass
    assert (out / "README.md").read_text() == "the previous build" and not old.exists() and not stale.exists()


def test_the_swap_is_one_exchange_where_the_system_has_it(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a")
    (b / "x").write_text("b")
    if not outdir.exchange(a, b):
        pytest.fail("renameat2(RENAME_EXCHANGE) is not available here; the fallback is tested above")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_a_second_build_into_the_same_folder_is_refused_while_the_first_runs(corpus, tmp_path):
    out = tmp_path / "dist"
    with outdir.locked(out):
        with pytest.raises(OutputRefused, match="another `geosignal build` is writing"):
            build(corpus, out, workers=1)
        result = cli("build", "--corpus", str(corpus), "--out", str(out))
        assert result.returncode == 1 and "wait for it to finish" in result.stderr
    assert build(corpus, out, workers=1).written


# --- 5. YAML constructs that are refused are findings, and hide no other document's findings ---------

def test_merge_keys_key_tags_and_deep_nesting_are_findings_and_hide_nothing(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(5))
    cases = {
        "gen_00000": ("title: null\n", "title: null\n  <<: {url: null}\n", "yaml-merge"),
        "gen_00001": ("title: null\n", "title: null\n  !custom extra: 1\n", "yaml-tag"),
        "gen_00002": ("title: null\n", "title: " + "[" * 400 + "]" * 400 + "\n", "yaml-depth"),
        "gen_00003": ("type: GPE", "type: SEA", "unknown-label"),  # an ordinary error next to them
    }
    for doc, (old, new, _) in cases.items():
        path = corpus / doc / "annotation.yaml"
        path.write_text(path.read_text().replace(old, new, 1))
    result = cli("validate", str(corpus), "--format", "json")
    assert result.returncode == 1, result.stderr
    found = {(Path(f["file"]).parent.name, f["code"]): f for f in json.loads(result.stdout)["findings"]}
    for doc, (_, _, code) in cases.items():
        finding = found[(doc, code)]
        assert finding["line"] and finding["hint"], finding
    assert json.loads(result.stdout)["checked"] == 5


# --- 6. patterns: no trailing newline, real dates, plain decimal integers -------------------------------

def _patterns() -> list[tuple[str, str]]:
    from builders.schema import schemas

    out = []

    def walk(node, where):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                out.append((where, node["pattern"]))
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    for name, schema in schemas().items():
        walk(schema, name)
    return out


@pytest.mark.parametrize("where,pattern", _patterns())
def test_no_schema_pattern_accepts_a_trailing_newline_and_both_validators_agree(where, pattern):
    import jsonschema
    import jsonschema_rs

    samples = {"abc", "abc_1", "Q42", "en", "en-GB", "2024-02-29", "2023-02-29", "a" * 64, "0" * 64, "042", "x.txt", "..", "0123abc"}
    samples |= {s + "\n" for s in samples} | {s + "\r\n" for s in samples} | {"\n" + s for s in samples}
    python, rust = jsonschema.Draft202012Validator({"pattern": pattern}), jsonschema_rs.validator_for({"pattern": pattern})
    for s in sorted(samples):
        assert python.is_valid(s) == rust.is_valid(s), (where, s)
        if s.endswith("\n"):
            assert not python.is_valid(s), (where, s)
    assert any(python.is_valid(s) for s in samples), where  # the samples reach every pattern


def test_published_must_be_a_real_calendar_date():
    import datetime

    import jsonschema
    import jsonschema_rs

    from builders.schema import schemas

    node = {"pattern": schemas()["document"]["properties"]["published"]["pattern"]}
    python, rust = jsonschema.Draft202012Validator(node), jsonschema_rs.validator_for(node)
    for year in (1900, 1996, 2000, 2023, 2024, 2100):
        for month in range(0, 14):
            for day in range(0, 33):
                s = f"{year:04d}-{month:02d}-{day:02d}"
                try:
                    real = datetime.date(year, month, day) is not None
                except ValueError:
                    real = False
                assert python.is_valid(s) == rust.is_valid(s) == real, s


def test_newlines_in_ids_and_values_and_non_decimal_offsets_are_refused(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(4))
    (corpus / "gen_00000").rename(corpus / "abc\n")
    edits = {
        "gen_00001": ("language: en", 'language: "en\\n"'),
        "gen_00002": ("published: null", "published: 2024-13-45"),
        "gen_00003": ("{text: drill, occurrence: 1}", "{text: drill, start: 0x11, end: 22}"),
    }
    for doc, (old, new) in edits.items():
        path = corpus / doc / "annotation.yaml"
        path.write_text(path.read_text().replace(old, new, 1))
    result = cli("validate", str(corpus), "--format", "json")
    assert result.returncode == 1
    found = {(Path(f["file"]).parts[-2] if f["file"].endswith(".yaml") else Path(f["file"]).name, f["code"])
             for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"}
    assert ("abc\n", "bad-doc-id") in found
    assert {("gen_00001", "schema"), ("gen_00002", "schema"), ("gen_00003", "yaml-number")} <= found
    built = cli("build", "--corpus", str(corpus), "--out", str(tmp_path / "dist"))
    assert built.returncode == 1 and not (tmp_path / "dist").exists()


# --- 7. spans: words only, and every locator must agree -------------------------------------------------

@pytest.mark.parametrize("ref,code", [
    (" ", "span-not-a-word"), ("\n", "span-not-a-word"), ("...", "span-not-a-word"), ({"text": ", "}, "span-not-a-word"),
    ({"text": "Land 7", "occurrence": 2, "start": 0, "end": 6}, "locators-disagree"),
    ({"text": "Land 7", "occurrence": 1, "start": 0, "end": 6}, None),
    ({"text": "Land 7", "context": "nowhere in it", "start": 0, "end": 6}, "context-not-found"),
    ({"text": "Land 7", "context": "of Land 7 praised", "start": 0, "end": 6}, "locators-disagree"),
    ({"text": "Land 7", "context": "Land 7 held", "start": 0, "end": 6}, None),
    ({"text": "Land 7", "context": "of Land 7 praised", "occurrence": 1}, "locators-disagree"),
    ({"text": "Land 7", "context": "of Land 7 praised", "occurrence": 2}, None),
])
def test_spans_cover_words_and_extra_locators_must_agree(ref, code):
    from builders.annotation.resolve import SpanError, resolve

    text = "Land 7 held a drill at sea.\nOfficials of Land 7 praised the drill on Monday.\n"
    if code is None:
        assert resolve(text, ref).text == (ref["text"] if isinstance(ref, dict) else ref)
        return
    with pytest.raises(SpanError) as err:
        resolve(text, ref)
    assert err.value.code == code and err.value.hint


def test_punctuation_as_stance_evidence_is_refused(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(1))
    path = corpus / "gen_00000" / "annotation.yaml"
    path.write_text(path.read_text().replace("evidence: praised the drill", "evidence: '.'"))
    result = cli("validate", str(corpus))
    assert result.returncode == 1 and "[span-not-a-word]" in result.stdout


# --- 8. cost: one index per document, bounded suggestions, capped hints ----------------------------------

def test_each_distinct_quote_is_searched_once_per_document(monkeypatch):
    from builders.annotation import resolve as resolve_mod

    text = "Seoul and Tokyo. " * 2000
    calls = []
    real = resolve_mod.occurrences
    monkeypatch.setattr(resolve_mod, "occurrences", lambda t, q: calls.append(q) or real(t, q))
    index = resolve_mod.QuoteIndex(text)
    spans = [resolve_mod.resolve(index, {"text": "Tokyo", "occurrence": k}) for k in range(1, 2001)]
    assert len({s.start for s in spans}) == 2000 and calls == ["Tokyo"]


def test_did_you_mean_is_bounded_per_document(monkeypatch):
    from builders.annotation import resolve as resolve_mod

    index = resolve_mod.QuoteIndex("Seoul and Tokyo. " * 200)
    searched = []
    real = resolve_mod.QuoteIndex._close
    monkeypatch.setattr(resolve_mod.QuoteIndex, "_close", lambda self, q: searched.append(q) or real(self, q))
    hints = []
    for i in range(100):
        with pytest.raises(resolve_mod.SpanError) as err:
            resolve_mod.resolve(index, f"Tokio{i}")
        hints.append(err.value.hint)
    assert len(searched) == resolve_mod.NEAR_MISS_BUDGET and "did you mean 'Tokyo" in hints[0]
    assert "copy the quote" in hints[-1]


def test_hints_do_not_grow_with_the_number_of_ids(tmp_path):
    ids = 400  # enough that a hint naming them all would run past 1,000 characters ("e0, e1, ... e399")
    corpus = write_corpus(tmp_path / "corpus", range(1))
    path = corpus / "gen_00000" / "annotation.yaml"
    many = "".join(f"  - {{id: st{i}, holder: nobody{i}, target: drill, polarity: support, evidence: praised the drill}}\n"
                   for i in range(ids))
    path.write_text(path.read_text().replace("stances:\n", "stances:\n" + many, 1).replace(
        "entities:\n", "entities:\n" + "".join(f"  - {{id: e{i}, name: Land, type: GPE, kb_id: null, mentions: [{{text: drill, occurrence: 1}}]}}\n" for i in range(ids)), 1))
    assert len(", ".join(f"e{i}" for i in range(ids))) > 1000
    result = cli("validate", str(corpus))
    assert result.returncode == 1 and result.stdout.count("[dangling-reference]") == ids
    assert max(map(len, result.stdout.splitlines())) < 1000 and len(result.stdout) < ids * 2 * 1000


# --- 10-13. names on the terminal, hidden documents, two `new` at once, a tampered fingerprint store ------

def test_control_characters_in_file_names_are_escaped_in_text_output(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(1))
    (corpus / "gen_00000").rename(corpus / "bad\x1b[31mname\nx")
    result = cli("validate", str(corpus))
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\\x1b[31m" in result.stdout
    assert all(line.startswith(("    hint:", "checked ")) or ": error [" in line or ": warning [" in line
               for line in result.stdout.splitlines())


def test_a_document_in_a_hidden_folder_is_reported(tmp_path):
    corpus = write_corpus(tmp_path / "corpus", range(2))
    (corpus / "gen_00001").rename(corpus / ".gen_00001")
    result = cli("validate", str(corpus))
    assert result.returncode == 1 and "[hidden-document]" in result.stdout and ".gen_00001" in result.stdout


def test_two_new_with_one_id_at_once_end_in_a_clean_refusal(tmp_path, monkeypatch):
    from builders import new

    source = tmp_path / "article.txt"
    source.write_text("Land 1 held a drill at sea.\n")
    corpus = tmp_path / "corpus"
    real_rename = os.rename

    def the_other_new_wins(src, dst):  # the other `new` renames its folder in first
        if Path(dst).name == "doc_one" and not Path(dst).exists():
            Path(dst).mkdir()
            (Path(dst) / "source.txt").write_text("theirs")
        return real_rename(src, dst)

    monkeypatch.setattr(new.os, "rename", the_other_new_wins)
    created = new.create(source, corpus, "doc_one")
    assert created.folder is None and [f.code for f in created.findings] == ["doc-exists"]
    assert (corpus / "doc_one" / "source.txt").read_text() == "theirs"
    assert [p.name for p in corpus.iterdir()] == ["doc_one"]  # no temporary left


def test_a_tampered_fingerprint_store_does_not_hide_a_byte_identical_copy(tmp_path):
    import shutil
    import sqlite3

    from builders import validate
    from test_changes import SMALL, git

    repo = tmp_path / "repo"
    shutil.copytree(SMALL, repo / "corpus")
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "corpus")
    shutil.copytree(repo / "corpus" / "good_doc", repo / "corpus" / "zz_copy")
    cache = tmp_path / "cache"
    first = validate([repo / "corpus" / "zz_copy"], workers=1, cache=cache)
    assert any(f.code == "duplicate-document" for f in first.findings)
    db = sqlite3.connect(cache / "fingerprints.sqlite3")
    with db:
        db.execute("UPDATE fingerprints SET sha256 = ?, normalised = ?", ("1" * 64, "2" * 64))
    db.close()
    again = validate([repo / "corpus" / "zz_copy"], workers=1, cache=cache)
    dup = [f.message for f in again.findings if f.code == "duplicate-document"]
    assert dup and "byte-identical" in dup[0] and "'good_doc'" in dup[0]
    db = sqlite3.connect(cache / "fingerprints.sqlite3")
    with db:
        db.execute("UPDATE sizes SET size = 1")  # rows that claim another file are not used at all
    db.close()
    (repo / "corpus" / "zz_copy" / "source.txt").write_bytes(
        (repo / "corpus" / "good_doc" / "source.txt").read_bytes().replace(b"\n", b"\n\n"))  # a re-wrapped copy
    rewrapped = validate([repo / "corpus" / "zz_copy"], workers=1, cache=cache)
    assert any("the same text" in f.message for f in rewrapped.findings if f.code == "duplicate-document")


def test_publish_refuses_a_build_changed_after_it_was_written(corpus, tmp_path):
    out = tmp_path / "dist"
    assert build(corpus, out, workers=1).written
    assert "[not-as-built]" not in cli("publish", str(out), "--repo-id", "x/y", "--dry-run").stderr
    shard = next(out.rglob("*.parquet"))
    shard.write_bytes(shard.read_bytes()[:-1] + b"\0")
    result = cli("publish", str(out), "--repo-id", "x/y", "--dry-run")
    assert result.returncode == 1 and "[not-as-built]" in result.stderr and "changed since it was written" in result.stderr
