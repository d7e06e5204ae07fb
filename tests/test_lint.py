"""Level 4: the missed-mention lint warns (file, line, hint), acknowledgements silence it, stale ones are reported."""

from __future__ import annotations

import json
from pathlib import Path

from builders import validate
from builders.annotation.resolve import QuoteIndex

from conftest import CORPUS, SEED_ID, annotation, cli, edit


def line_of(path: Path, needle: str, after: str) -> int:
    """1-based line of the first ``needle`` after the first ``after``."""
    text = path.read_text(encoding="utf-8")
    return text[: text.index(needle, text.index(after))].count("\n") + 1


def acknowledge(path: Path, text: str) -> int:
    """Append an acknowledgement, as ANNOTATION.md 7 shows it; return its line."""
    body = path.read_text(encoding="utf-8")
    block = f"\nacknowledged:\n  - code: missed-mention\n    text: {text}\n    reason: checked by hand, not a mention here\n"
    path.write_text(body + block, encoding="utf-8")
    return body.count("\n") + 3


def warnings(corpus: Path) -> list:
    return [f for f in validate([corpus]).findings if not f.is_error]


def test_the_seed_has_no_warnings():
    assert warnings(CORPUS) == []


def test_missed_alias_warns_with_file_line_and_hint(corpus_copy):
    ann = annotation(corpus_copy)
    edit(ann, "      - East Sea\n", "")
    line = line_of(ann, "mentions:", "id: sea_of_japan")
    result = cli("validate", str(corpus_copy))
    assert result.returncode == 0, result.stdout  # a warning, not an error
    assert f"{SEED_ID}/annotation.yaml:{line}: warning [missed-mention] 'East Sea' (occurrence 1" in result.stdout
    assert "hint: add {text: 'East Sea', occurrence: 1} to its mentions" in result.stdout
    assert "acknowledged:" in result.stdout and "1 warning(s)" in result.stdout
    payload = json.loads(cli("validate", str(corpus_copy), "--format", "json").stdout)
    [finding] = payload["findings"]
    assert (finding["severity"], finding["level"], finding["line"]) == ("warning", 4, line)


def test_a_name_inside_a_nominal_mention_is_not_covered_by_it(corpus_copy):
    """'United States' in 'the United States military' is a mention of the country (ANNOTATION.md 3.5)."""
    ann = annotation(corpus_copy)
    edit(ann, '      - {text: United States, context: "the United States military"}\n', "")
    [finding] = warnings(corpus_copy)
    assert finding.code == "missed-mention" and "'United States'" in finding.message and "'usa'" in finding.message


def test_a_name_inside_a_longer_name_is_covered(corpus_copy):
    """'Japan' in 'Sea of Japan' is not a mention, and not a warning either."""
    ann = annotation(corpus_copy)
    edit(ann, "    aliases: [Tokyo, Japanese]\n", "    aliases: [Tokyo, Japanese, Japan]\n")
    assert warnings(corpus_copy) == []


def test_acknowledgement_silences_the_warning(corpus_copy):
    ann = annotation(corpus_copy)
    edit(ann, "      - East Sea\n", "")
    assert [f.code for f in warnings(corpus_copy)] == ["missed-mention"]
    acknowledge(ann, "East Sea")
    result = cli("validate", str(corpus_copy))
    assert result.returncode == 0 and "0 error(s), 0 warning(s)" in result.stdout, result.stdout


def test_stale_acknowledgement_is_reported_at_its_line(corpus_copy):
    ann = annotation(corpus_copy)
    line = acknowledge(ann, "East Sea")  # the seed annotates "East Sea": nothing to silence
    [finding] = warnings(corpus_copy)
    assert finding.code == "stale-acknowledgement" and finding.line == line
    assert "'East Sea'" in finding.message and finding.hint.startswith("remove it")


def test_lints_run_only_at_level_4(corpus_copy):
    edit(annotation(corpus_copy), "      - East Sea\n", "")
    assert [f.code for f in validate([corpus_copy], level=4).findings] == ["missed-mention"]
    assert validate([corpus_copy], level=3).findings == []


def test_missed_mentions_equal_the_lint_before_perf5():
    """missed_mentions makes the set of name spans once per document (not a copy per entity) and
    joins the covering spans only when an occurrence is no mention: the same warnings, in the same
    order, as before, on the fixture corpus's documents with random mentions taken out and random
    kinds changed (a name covered by the entity's own nominal mention only, or by another's name)."""
    import dataclasses
    import random

    from builders.check import level1, level4
    from builders.check.document import check
    from builders.source.corpus import discover, read

    rng = random.Random(5)
    folders, _ = discover([CORPUS])
    warned = 0
    for folder in folders:
        doc = read(folder)
        records = check(doc).records
        if records is None:
            continue
        parsed, _ = level1.parse(doc.annotation, doc.annotation_file)
        for _ in range(20):
            entities = [{**e, "mentions": [{**m, "kind": rng.choice(["NAM", "NOM"])} if rng.random() < 0.3 else m
                                           for m in e["mentions"] if rng.random() < 0.7]} for e in records.entities]
            cut = dataclasses.replace(records, entities=entities)
            before = _missed_mentions_before_perf5(cut, parsed, "f.yaml")
            assert level4.missed_mentions(cut, parsed, "f.yaml") == before
            # the same without level 3's quote index (found afresh), and with a stale one (another text)
            assert level4.missed_mentions(dataclasses.replace(cut, quotes=None), parsed, "f.yaml") == before
            stale = QuoteIndex(records.documents[0]["text"][1:])
            assert level4.missed_mentions(dataclasses.replace(cut, quotes=stale), parsed, "f.yaml") == before
            warned += len(before)
    assert warned > 20  # misses were made and found


def test_records_carry_level_3s_quote_index_but_do_not_pickle_it():
    """Level 4 reuses the index level 3 filled; it is not data: records compare, show and pickle without it."""
    import pickle

    from builders.check.document import check
    from builders.source.corpus import discover, read

    folders, _ = discover([CORPUS])
    records = check(read(folders[0])).records
    assert records.quotes is not None and records.quotes.text == records.documents[0]["text"]
    assert records.quotes._found  # level 3 looked its quotes up in it
    copy = pickle.loads(pickle.dumps(records))
    assert copy.quotes is None and copy == records and "quotes" not in repr(records)


# level4.missed_mentions as main had it before perf5 (859e307), verbatim: the reference
from builders.annotation.resolve import occurrences  # noqa: E402
from builders.check.level4 import LEVEL  # noqa: E402
from builders.findings import Finding, Severity  # noqa: E402
from builders.annotation.records import DocRecords  # noqa: E402
from builders.annotation.yamlio import Parsed  # noqa: E402


def _missed_mentions_before_perf5(records: DocRecords, parsed: Parsed, file: str) -> list[tuple[Finding, str]]:
    """A name or alias of an entity that occurs in the text with no mention covering it.

    An occurrence is covered by a mention of the entity itself, or by a longer *name* of any
    entity ("Japan" in "Sea of Japan": ANNOTATION.md 3.5). A nominal mention of another entity
    does not cover it: "United States" in "the United States military" is a mention of its own.
    """
    text = records.documents[0]["text"]
    names_spans = [(m["start"], m["end"]) for e in records.entities for m in e["mentions"] if m["kind"] == "NAM"]
    entities = {e["id"]: e for e in parsed.data["entities"]}
    out = []
    for i, record in enumerate(records.entities):
        covered = names_spans + [(m["start"], m["end"]) for m in record["mentions"]]
        exact = set(covered)  # most occurrences are mentions themselves: no scan needed
        names = {record["name"], *entities[record["entity_id"]].get("aliases", [])}
        names |= {m["text"] for m in record["mentions"] if m["kind"] == "NAM"}
        for name in sorted(names):
            found = occurrences(text, name)
            for n, start in enumerate(found, 1):
                end = start + len(name)
                if (start, end) in exact or any(s <= start and end <= e for s, e in covered):
                    continue
                out.append((Finding(
                    file, parsed.line_of(("entities", i, "mentions")), "missed-mention",
                    f"{name!r} (occurrence {n}, offset {start}) names {record['entity_id']!r} but no mention covers it",
                    f"add {{text: {name!r}, occurrence: {n}}} to its mentions; if it rightly is not a mention, "
                    f"acknowledge it: `acknowledged: [{{code: missed-mention, text: {name!r}, reason: ...}}]`",
                    Severity.WARNING, level=LEVEL), name))
    return out
