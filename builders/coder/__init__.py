"""The silver coder: one article -> a draft annotation (the dict an annotation.yaml holds).

One interface, ``code(article, lexicon) -> dict``: pure, no files read or written (the tables
under data/ are loaded once). Every item is marked ``origin: machine`` and the document
``status: silver`` with the tool's name and version, so the result validates (levels 1-3) and
a person can correct it. A stronger back-end replaces a step by giving another ``Lexicon`` or
another of the step functions (entities, events, times) behind the same interface.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from builders.__about__ import __version__
from builders.annotation.ids import fresh, slug
from builders.annotation.resolve import occurrences
from builders.coder.entities import (author_of, find_mentions, learned_mentions, pronoun_mentions, propagated_mentions,
                                     recognized_mentions)
from builders.coder.events import find_events
from builders.coder.lexicon import Lexicon
from builders.coder.stances import find_stances
from builders.coder.times import find_times
from builders.dataset.tokens import sentences as split
from builders.source.corrections import clean_document

NAME = "geosignal-coder"
VERSION = f"{__version__}+rules1"
TOOL = {"name": NAME, "version": VERSION}


@dataclass(frozen=True)
class Article:
    """What the coder reads: the raw source text and the annotation's ``document`` block."""

    doc_id: str
    raw: str
    document: dict[str, Any]


@dataclass
class Analysis:
    """The coder's findings in one clean text before they become annotation items."""

    text: str
    sentences: list[Any]
    mentions: list[Any]
    author: tuple[str, Any] | None
    times: list[Any]
    events: list[Any]


def analyse(text: str, meta: dict[str, Any], lexicon: Lexicon) -> Analysis:
    """Mentions, times and events of a clean text (pure; stances are a later step)."""
    sents = split(text)
    mentions = find_mentions(text, sents, lexicon)
    mentions += propagated_mentions(text, mentions)
    if lexicon.recognizer is not None:  # a --model back-end adds the names the dictionaries miss
        mentions += recognized_mentions(text, lexicon.recognizer(text), mentions, lexicon)
    title = meta.get("title") or ""
    author = author_of(title, meta.get("publisher"), lexicon)
    joint = bool(re.search(r"\bJoint\b|Leaders|Trilateral", title))
    if author is not None:
        mentions += pronoun_mentions(text, joint, author[1], mentions)
    mentions += learned_mentions(text, lexicon, mentions)
    mentions.sort(key=lambda m: m.start)
    times = find_times(text, meta.get("published"))
    events = find_events(sents, mentions, times, lexicon)
    return Analysis(text, sents, mentions, author, times, events)


def code(article: Article, lexicon: Lexicon | None = None) -> dict[str, Any]:
    """Draft annotation of one article (pure)."""
    lexicon = lexicon or Lexicon()
    meta = article.document
    text = clean_document(article.raw, meta)[0].text  # the clean text the records are built on (corrections included)
    found = analyse(text, meta, lexicon)
    sents, mentions, author, times, events = found.sentences, found.mentions, found.author, found.times, found.events
    stances = find_stances(found, lexicon)

    places: dict[str, list[int]] = {}  # a quote's occurrences, searched once (a long briefing repeats its names)

    def ref(start: int, end: int) -> Any:
        quote = text[start:end]
        found = places.get(quote)
        if found is None:
            found = places[quote] = occurrences(text, quote)
        if start in found:
            return quote if len(found) == 1 else {"text": quote, "occurrence": found.index(start) + 1}
        return {"text": quote, "start": start, "end": end}

    ids: dict[str, str] = {}
    used: set[str] = set()

    def new_id(prefix: str, words: str) -> str:
        return fresh(prefix + (slug(words) or "x"), used, lead="e_")

    entities: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    for m in mentions:
        ent = by_key.get(m.name.key)
        if ent is None:
            ent = {"id": new_id("", m.name.name), "name": m.name.name, "type": m.name.type, "kb_id": m.name.kb_id,
                   "mentions": [], "origin": "machine"}
            by_key[m.name.key] = ent
            ids[m.name.key] = ent["id"]
            entities.append(ent)
        r = ref(m.start, m.end)
        ent["mentions"].append(r if m.kind == "NAM" else {**(r if isinstance(r, dict) else {"text": r}), "kind": m.kind})
    document = dict(meta)
    document["annotation"] = {"status": "silver", "annotators": [NAME], "tool": dict(TOOL)}
    if author is not None:
        name, entry = author
        has = entry is not None and entry.key in by_key
        document["author"] = {"name": name, "kb_id": entry.kb_id if entry else None,
                              "entity": by_key[entry.key]["id"] if has else None}
    else:
        document["author"] = None
    time_items, time_ids = [], {}
    for t in times:
        tid = new_id("t_", text[t.start:t.end])
        time_ids[(t.start, t.end)] = tid
        r = ref(t.start, t.end)
        time_items.append({"id": tid, **(r if isinstance(r, dict) else {"text": r}), "type": t.type, "value": t.value,
                           "origin": "machine"})
    event_items, event_ids = [], {}
    for ev in events:
        event_ids[id(ev)] = new_id("ev_", text[ev.start:ev.end])
    for ev in events:
        item: dict[str, Any] = {"id": event_ids[id(ev)], "type": ev.type}
        if ev.cameo:
            item["cameo"] = ev.cameo
        item["trigger"] = ref(ev.start, ev.end)
        item["realis"] = ev.realis
        if ev.modality:
            item["modality"] = ev.modality
        args = []
        for role, filler in ev.arguments:
            if role == "time":
                args.append({"role": "time", "time": time_ids[(filler.start, filler.end)]})
            else:
                r = ref(filler.start, filler.end)
                args.append({"role": role, "entity": ids[filler.name.key], **(r if isinstance(r, dict) else {"text": r})})
        if args:
            item["arguments"] = args
        if ev.links:
            item["links"] = [{"type": t, "event": event_ids[id(target)]} for t, target in ev.links]
        item["origin"] = "machine"
        event_items.append(item)
    stance_items = []
    for st in stances:
        target = event_ids.get(id(st.target)) if hasattr(st.target, "realis") else ids.get(st.target.name.key)
        holder = ids[st.holder.name.key]
        if target is None or target == holder:
            continue
        stance_items.append({"id": new_id("st_", f"{holder}_{st.polarity}"), "holder": holder, "target": target,
                             "polarity": st.polarity, "evidence": ref(st.start, st.end), "origin": "machine"})
    return {"format": "geosignal-annotation/2", "document": document, "entities": entities, "times": time_items,
            "events": event_items, "stances": stance_items}
