"""Corpus statistics, computed from records (of a corpus or a built dataset), in three formats."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

from builders.schema import label_names as _names

_TOKEN = re.compile(r"\w+(?:[-'\u2019.]\w+)*|[^\w\s]")  # what a token is
_JOINERS = "-'\u2019."  # the characters _TOKEN joins between two word characters

# A character's class for the count: white space, word character (\w), joiner, other.
SPACE, WORD, JOINER, OTHER = 0, 1, 2, 3


def _class_of(char: str) -> int:
    r"""As ``re`` classes characters for a ``str`` pattern: ``\w`` is str.isalnum() or "_", ``\s`` str.isspace()."""
    if char.isalnum() or char == "_":
        return WORD
    if char.isspace():
        return SPACE
    return JOINER if char in _JOINERS else OTHER


_ASCII = np.array([_class_of(chr(c)) for c in range(128)], dtype=np.uint8)
_classes: dict[int, int] = {}  # code point -> class, for the characters past ASCII met so far


def token_count(text: str) -> int:
    """How many matches of _TOKEN the text holds, counted from each character's class, not by the
    regex (which cost ~0.2 ms a web article): every run of word characters is a token, and every
    other character that is not white space is one, except a joiner between two word characters,
    which joins two runs into one token (so that token and the joiner's count are taken back)."""
    if text.isascii():
        kind = _ASCII[np.frombuffer(text.encode("ascii"), dtype=np.uint8)]
    else:
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        kind = np.empty(len(codes), dtype=np.uint8)
        low = codes < 128
        kind[low] = _ASCII[codes[low]]
        high = codes[~low]
        distinct = np.unique(high)
        for code in distinct.tolist():
            if code not in _classes:
                _classes[code] = _class_of(chr(code))
        kind[~low] = np.array([_classes[c] for c in distinct.tolist()], dtype=np.uint8)[np.searchsorted(distinct, high)]
    if not len(kind):
        return 0
    word = kind == WORD
    runs = int(word[0]) + int(np.count_nonzero(word[1:] & ~word[:-1]))
    others = int(np.count_nonzero(kind >= JOINER))
    joined = int(np.count_nonzero((kind[1:-1] == JOINER) & word[:-2] & word[2:]))
    return runs + others - 2 * joined


def _sorted(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items()))


def _count(values, names: list[str]) -> dict[str, int]:
    counter = Counter(values)
    return {name: counter.get(name, 0) for name in names}


def source_of(doc: dict[str, Any]) -> str:
    """The collection a document came from: its provenance repository, else its publisher."""
    provenance = doc.get("provenance") or {}
    return provenance.get("repository") or doc.get("publisher") or "unknown"


def year_of(doc: dict[str, Any]) -> str:
    return str(doc["published"])[:4] if doc.get("published") else "unknown"


def item_type(doc: dict[str, Any]) -> str:
    """The kind of item, from the metadata the annotation records (no label of its own exists):
    a joint statement says so in its licence note (issued with other governments), a readout's
    title starts "Readout", any other White House item is a statement, the rest is a news report."""
    note = ((doc.get("license") or {}).get("note") or "").lower()
    if re.search(r"\bjoint (?:press )?statement\b", note):
        return "joint statement"
    if (doc.get("title") or "").startswith("Readout"):
        return "readout"
    if doc.get("publisher") == "The White House":
        return "statement"
    return "news report"


def compute(rows: dict[str, list[dict[str, Any]]], seen_order: bool = False) -> dict[str, Any]:
    """Counts by label, with every label of the schema listed (zeros included).

    Open-ended keys (licences, sources, years, kinds of item) are sorted; with ``seen_order`` they
    are in the order their documents come, so that the counts of several documents at once equal,
    key order included, their counts one by one summed with ``merge``: a run counts a chunk at once.
    """
    docs, ents, tms, evs, sts = (rows.get(c, []) for c in ("documents", "entities", "times", "events", "stances"))
    mentions = [(e["type"], m["kind"]) for e in ents for m in e["mentions"]]
    in_order = dict if seen_order else _sorted
    return {
        "documents": len(docs),
        "characters": sum(len(d["text"]) for d in docs),
        "tokens": sum(token_count(d["text"]) for d in docs),
        **{key: in_order(counter) for key, counter in _open_ended(docs).items()},
        "documents_redistributable": sum(1 for d in docs if d["license"]["redistributable"]),
        "documents_by_status": _count((d["annotation_status"] for d in docs), _names("documents", "annotation_status")),
        "entities": {"total": len(ents), "by_type": _count((e["type"] for e in ents), _names("entities", "type"))},
        "entities_linked": sum(1 for e in ents if e["kb_id"]),
        "mentions": {
            "total": len(mentions),
            "by_type": _count((t for t, _ in mentions), _names("entities", "type")),
            "by_kind": _count((k for _, k in mentions), _names("entities", "mentions", "kind")),
        },
        "events": {
            "total": len(evs),
            "by_type": _count((e["type"] for e in evs), _names("events", "type")),
            "by_realis": _count((e["realis"] for e in evs), _names("events", "realis")),
            "by_modality": _count((e["modality"] for e in evs if e["modality"]), _names("events", "modality")),
        },
        "events_dated": sum(1 for e in evs if e["date"]),
        "times": {
            "total": len(tms),
            "by_type": _count((t["type"] for t in tms), _names("times", "type")),
            "normalised": sum(1 for t in tms if t["value_source"] == "normalised"),
        },
        "event_links": {
            "total": sum(len(e["links"]) for e in evs),
            "by_type": _count((l["type"] for e in evs for l in e["links"]), _names("events", "links", "type")),
            "across_documents": sum(1 for e in evs for l in e["links"] if l["doc_id"] != e["doc_id"]),
        },
        "stances": {"total": len(sts), "by_polarity": _count((s["polarity"] for s in sts), _names("stances", "polarity"))},
    }


def _open_ended(docs: list[dict[str, Any]]) -> dict[str, Counter]:
    """The counts whose keys are open-ended, in the order their documents come."""
    return {
        # licence ids are open-ended (SPDX): only those present are listed, sorted when shown
        "documents_by_license": Counter(d["license"]["spdx"] for d in docs),
        # open-ended too: sources, years and kinds of item present, sorted when shown
        "documents_by_source": Counter(source_of(d) for d in docs),
        "documents_by_year": Counter(year_of(d) for d in docs),
        "documents_by_item_type": Counter(item_type(d) for d in docs),
    }


def combine(parts: Iterable[dict[str, Any]], docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The counts of ``docs`` (their document rows) from counts of its parts (a chunk's, split by
    split): the parts summed, then the open-ended keys put in the order of ``docs``; equal, key
    order included, to ``compute`` of all their rows with ``seen_order``, without counting twice."""
    total = empty()
    for part in parts:
        total = merge(total, part)
    for key, counter in _open_ended(docs).items():
        total[key] = dict(counter)
    return total


def by_split(rows: dict[str, list[dict[str, Any]]], splits: dict[str, str], names: list[str]) -> dict[str, dict[str, Any]]:
    """Counts per split (``splits``: doc id -> split): every split of ``names`` in that order, then any other."""
    grouped: dict[str, dict[str, list[dict[str, Any]]]] = {name: {} for name in names}
    for config in ("documents", "entities", "times", "events", "stances"):
        for row in rows.get(config, []):
            grouped.setdefault(splits[row["doc_id"]], {}).setdefault(config, []).append(row)
    return {name: compute(config_rows) for name, config_rows in grouped.items()}


def to_json(stats: dict[str, Any], splits: dict[str, dict[str, Any]] | None = None) -> str:
    """The totals as before; with ``splits``, the same counts per split under ``by_split``."""
    payload = stats if splits is None else {**stats, "by_split": splits}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def tables(stats: dict[str, Any]) -> list[tuple[str, list[tuple[str, Any]]]]:
    """(title, rows) pairs: the one layout shared by the markdown and terminal renderings."""
    out = [("Overview", [
        ("documents", stats["documents"]),
        ("characters", stats["characters"]),
        ("tokens", stats["tokens"]),
        ("entities", stats["entities"]["total"]),
        ("entities linked to Wikidata", stats["entities_linked"]),
        ("mentions", stats["mentions"]["total"]),
        ("documents that may be redistributed", stats["documents_redistributable"]),
        ("events", stats["events"]["total"]),
        ("events with a date", stats["events_dated"]),
        ("time expressions", stats["times"]["total"]),
        ("time values normalised by the builder", stats["times"]["normalised"]),
        ("event links", stats["event_links"]["total"]),
        ("event links across documents", stats["event_links"]["across_documents"]),
        ("stances", stats["stances"]["total"]),
    ])]
    out.append(("Documents by source", sorted(stats["documents_by_source"].items())))
    out.append(("Documents by licence", sorted(stats["documents_by_license"].items())))
    out.append(("Documents by year of publication", sorted(stats["documents_by_year"].items())))
    out.append(("Documents by type of item", sorted(stats["documents_by_item_type"].items())))
    out.append(("Documents by annotation status", list(stats["documents_by_status"].items())))
    out.append(("Entities by type", list(stats["entities"]["by_type"].items())))
    out.append(("Mentions by entity type", list(stats["mentions"]["by_type"].items())))
    out.append(("Mentions by kind", list(stats["mentions"]["by_kind"].items())))
    out.append(("Events by type", list(stats["events"]["by_type"].items())))
    out.append(("Events by realis", list(stats["events"]["by_realis"].items())))
    out.append(("Events by modality (realis other)", list(stats["events"]["by_modality"].items())))
    out.append(("Event links by type", list(stats["event_links"]["by_type"].items())))
    out.append(("Time expressions by type", list(stats["times"]["by_type"].items())))
    out.append(("Stances by polarity", list(stats["stances"]["by_polarity"].items())))
    return out


def to_markdown(stats: dict[str, Any]) -> str:
    parts = []
    for title, rows in tables(stats):
        parts.append(f"**{title}**\n\n| | count |\n|---|---:|\n" + "".join(f"| {k} | {v:,} |\n" for k, v in rows))
    return "\n".join(parts)


def merge(total: dict[str, Any] | None, part: dict[str, Any]) -> dict[str, Any]:
    """Add one document's counts to a running total (same shape, numbers summed)."""
    if total is None:
        return json.loads(json.dumps(part))  # a deep copy the caller may keep adding to
    for key, value in part.items():
        if key not in total:  # an open-ended key (a licence id) first seen in this part
            total[key] = json.loads(json.dumps(value))
        else:
            total[key] = merge(total[key], value) if isinstance(value, dict) else total[key] + value
    return total


def empty() -> dict[str, Any]:
    return compute({})


# The markdown tables embedded in a document (DATASHEET.md) between these markers, kept equal to
# the build's by `geosignal stats --format markdown --update FILE` and checked by a test.
BLOCK_BEGIN = "<!-- stats:begin -->"
BLOCK_END = "<!-- stats:end -->"


def embedded(document: str, begin: str = BLOCK_BEGIN, end: str = BLOCK_END) -> str | None:
    """The block of a document between ``begin`` and ``end``, or None when it has no (well-ordered) markers."""
    start, stop = document.find(begin), document.find(end)
    if start == -1 or stop < start:
        return None
    return document[start + len(begin):stop].strip("\n") + "\n"


def embed(document: str, markdown: str, begin: str = BLOCK_BEGIN, end: str = BLOCK_END) -> str:
    """The document with its block between ``begin`` and ``end`` replaced by ``markdown``."""
    if embedded(document, begin, end) is None:
        raise ValueError(f"no {begin} ... {end} block")
    head, rest = document.split(begin, 1)
    tail = rest.split(end, 1)[1]
    return f"{head}{begin}\n{markdown.rstrip()}\n{end}{tail}"
