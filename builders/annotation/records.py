"""Raw text + annotation -> records. Pure: no files are read or written here.

The annotation is assumed schema-valid (level 2). This step cleans the source, resolves every
quoted span to offsets, checks that every id referred to exists (level 3), and returns the
records of the five record configs in annotation order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from builders.source.segments import Cleaned
from builders.source.corrections import clean_document
from builders.findings import Finding, Severity
from builders.annotation.resolve import QuoteIndex, SpanError, locate
from builders.annotation.timex import event_date, normalise
from builders.annotation.yamlio import Parsed


@dataclass
class DocRecords:
    doc_id: str
    documents: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    times: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    stances: list[dict[str, Any]] = field(default_factory=list)
    # the clean text's quote index, as level 3 left it: level 4 looks names up in it again (most
    # were quotes already, found once). Not data: not compared, shown or pickled.
    quotes: QuoteIndex | None = field(default=None, repr=False, compare=False)

    def config(self, name: str) -> list[dict[str, Any]]:
        return getattr(self, name)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "quotes": None}


class _Context:
    """Collects findings for one annotation file, each at the line of the value it is about."""

    def __init__(self, file: str, parsed: Parsed, text: str):
        self.file, self.parsed, self.text = file, parsed, text
        self.index = QuoteIndex(text)  # one for every span of the document
        self.findings: list[Finding] = []

    def add(self, path: tuple, code: str, message: str, hint: str, severity: Severity = Severity.ERROR) -> None:
        self.findings.append(Finding(self.file, self.parsed.line_of(path), code, _clip(message), _clip(hint), severity, level=3))

    def span(self, path: tuple, ref: str | dict[str, Any]) -> tuple[int, int, str] | None:
        """The span's ``(start, end, text)``, or None with a finding (resolve.locate; extra keys are ignored)."""
        try:
            return locate(self.index, ref)
        except SpanError as exc:
            self.add(path, exc.code, exc.message, exc.hint)
            return None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_records(
    doc_id: str, source_bytes: bytes, raw_text: str, ann: dict[str, Any], parsed: Parsed, file: str
) -> tuple[DocRecords | None, list[Finding]]:
    """Build one document's records; None when any error was found."""
    meta = ann["document"]
    cleaned, problems = clean_document(raw_text, meta)
    ctx = _Context(file, parsed, cleaned.text)
    for p in problems:
        ctx.add(("document", "cleaning", p.section, p.index), p.code, p.message, p.hint)
    actual = sha256(source_bytes)
    if actual != meta["source_sha256"]:
        ctx.add(("document", "source_sha256"), "sha256-mismatch",
                f"{doc_id}/source.txt has sha256 {actual}, but the annotation was made for {meta['source_sha256']}",
                "the source changed after it was annotated: restore it from git; if the change is intended, "
                f"re-check every span and set source_sha256: {actual}")
    if not cleaned.text:
        ctx.add(("document",), "empty-text", "the source has no text left after cleaning",
                "check that source.txt holds the article, not only images or captions")
        return None, ctx.findings

    ids = _check_ids(ctx, ann)
    entity_ids = {e["id"] for e in ann["entities"]}
    event_ids = {e["id"] for e in ann["events"]}
    records = DocRecords(doc_id, quotes=ctx.index)
    records.documents.append(_document(doc_id, meta, raw_text, cleaned))
    _check_author(ctx, meta, ann["entities"])
    entity_mentions: dict[str, set[tuple[int, int]]] = {}
    for i, ent in enumerate(ann["entities"]):
        record = _entity(ctx, doc_id, i, ent, entity_ids)
        entity_mentions[ent["id"]] = {(m["start"], m["end"]) for m in record["mentions"]}
        records.entities.append(record)
    times: dict[str, dict[str, Any]] = {}
    for i, t in enumerate(ann.get("times", ())):
        record = _time(ctx, doc_id, i, t, meta.get("published"))
        times.setdefault(t["id"], record)
        records.times.append(record)
    for i, ev in enumerate(ann["events"]):
        records.events.append(_event(ctx, doc_id, i, ev, entity_ids, event_ids, entity_mentions, times))
    for i, st in enumerate(ann["stances"]):
        records.stances.append(_stance(ctx, doc_id, i, st, entity_ids, event_ids, ids))
    if any(f.is_error for f in ctx.findings):
        return None, ctx.findings
    return records, ctx.findings


def _check_ids(ctx: _Context, ann: dict[str, Any]) -> dict[str, str]:
    """Ids are unique across entities, events and stances, so a reference names one thing."""
    seen: dict[str, tuple[str, int]] = {}
    kinds: dict[str, str] = {}
    for section in ("entities", "times", "events", "stances"):
        for i, item in enumerate(ann.get(section, ())):
            key = item["id"]
            if key in seen:
                first_section, first_i = seen[key]
                first_line = ctx.parsed.line_of((first_section, first_i, "id"))
                ctx.add((section, i, "id"), "duplicate-id", f"the id {key!r} is used twice",
                        f"ids are unique within a document (first use on line {first_line}); rename one")
            else:
                seen[key] = (section, i)
                kinds[key] = section
    return kinds


def _document(doc_id: str, meta: dict[str, Any], raw_text: str, cleaned: Cleaned) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "text": cleaned.text,
        "title": meta.get("title"),
        "publisher": meta["publisher"],
        "url": meta["url"],
        "language": meta["language"],
        "published": meta.get("published"),
        "obtained": meta["obtained"],
        "license": {
            "spdx": meta["license"]["spdx"],
            "redistributable": meta["license"]["redistributable"],
            "attribution": meta["license"].get("attribution"),
            "note": meta["license"].get("note"),
        },
        "source_name": meta["source_name"],
        "source_sha256": meta["source_sha256"],
        "source_format": meta["source_format"],
        "provenance": ({key: meta["provenance"].get(key) for key in ("repository", "commit", "path", "row", "field", "url")}
                       if meta.get("provenance") else None),
        "annotation_status": meta["annotation"]["status"],
        "annotators": list(meta["annotation"]["annotators"]),
        "annotation_tool": dict(meta["annotation"]["tool"]) if meta["annotation"].get("tool") else None,
        "author": ({"name": author["name"], "kb_id": author.get("kb_id"), "entity_id": author.get("entity")}
                   if (author := meta.get("author")) else None),
        "raw_text": raw_text,
        "offset_map": [
            {"clean_start": s.clean_start, "raw_start": s.raw_start, "length": s.length} for s in cleaned.segments
        ],
    }


def _as_dict(span: tuple[int, int, str] | None) -> dict[str, Any]:
    return {"start": span[0], "end": span[1], "text": span[2]} if span else {"start": 0, "end": 0, "text": "?"}


def _check_author(ctx: _Context, meta: dict[str, Any], entities: list[dict[str, Any]]) -> None:
    """The author's entity (3.7) exists and can speak: a person, an organisation or a government."""
    author = meta.get("author") or {}
    entity = author.get("entity")
    if entity is None:
        return
    types = {e["id"]: e["type"] for e in entities}
    path = ("document", "author", "entity")
    if entity not in types:
        ctx.add(path, "dangling-reference", f"the author's entity {entity!r} is not an entity of this document",
                _suggest(entity, set(types), "entity"))
    elif types[entity] not in AUTHOR_TYPES:
        ctx.add(path, "author-type", f"the author's entity {entity!r} is a {types[entity]}, which cannot speak",
                f"the author is a {', '.join(AUTHOR_TYPES)} entity (ANNOTATION.md 3.7): point to the speaker's entity, or null")


AUTHOR_TYPES = ("PER", "ORG", "GPE")


def _entity(ctx: _Context, doc_id: str, i: int, ent: dict[str, Any], entity_ids: set[str]) -> dict[str, Any]:
    mentions: dict[tuple[int, int], dict[str, Any]] = {}
    for j, ref in enumerate(ent["mentions"]):
        span = ctx.span(("entities", i, "mentions", j), ref)
        if span is None:
            continue
        start, end, text = span
        if (start, end) in mentions:
            ctx.add(("entities", i, "mentions", j), "duplicate-mention",
                    f"the mention {text!r} at {start}..{end} is listed twice for {ent['id']!r}",
                    "remove the repeated mention, or point it at another occurrence with 'occurrence: N'")
            continue
        mentions[(start, end)] = {"start": start, "end": end, "text": text,
                                  "kind": ref.get("kind", "NAM") if isinstance(ref, dict) else "NAM"}
    members = ent.get("members", [])
    seen: set[str] = set()
    for j, member in enumerate(members):
        path = ("entities", i, "members", j)
        if member == ent["id"]:
            ctx.add(path, "self-member", f"the group {ent['id']!r} lists itself as a member",
                    "list the entities the group is made of (ANNOTATION.md 3.8)")
        elif member not in entity_ids:
            ctx.add(path, "dangling-reference", f"member {member!r} is not an entity of this document",
                    _suggest(member, entity_ids, "entity"))
        elif member in seen:
            ctx.add(path, "duplicate-member", f"member {member!r} is listed twice for {ent['id']!r}", "list each member once")
        seen.add(member)
    return {
        "doc_id": doc_id,
        "entity_id": ent["id"],
        "name": ent["name"],
        "type": ent["type"],
        "kb_id": ent["kb_id"],
        "mentions": [mentions[k] for k in sorted(mentions)],
        "members": list(members),
        "origin": ent.get("origin", "human"),
    }


def _time(ctx: _Context, doc_id: str, i: int, t: dict[str, Any], published: str | None) -> dict[str, Any]:
    span = ctx.span(("times", i), t)  # the locators only are read: text, occurrence, context, start, end
    value, source = t.get("value"), "annotated"
    if value is None and span is not None:
        value, source = normalise(span[2], t["type"], published), "normalised"
    return {
        "doc_id": doc_id,
        "time_id": t["id"],
        **_as_dict(span),
        "type": t["type"],
        "value": value,
        "value_source": source if value is not None else None,
        "origin": t.get("origin", "human"),
    }


def _event(ctx, doc_id, i, ev, entity_ids, event_ids, entity_mentions, times) -> dict[str, Any]:
    trigger = ctx.span(("events", i, "trigger"), ev["trigger"])
    arguments = []
    time_role: dict[str, Any] | None = None  # the first time expression filling the time role
    for j, arg in enumerate(ev.get("arguments", [])):
        path = ("events", i, "arguments", j)
        entity = arg.get("entity")
        if entity is not None and entity not in entity_ids:
            ctx.add(path + ("entity",), "dangling-reference", f"argument entity {entity!r} is not an entity of this document",
                    _suggest(entity, entity_ids, "entity"))
        span = None
        time_id = arg.get("time")
        if arg["role"] == "time" and time_id is None:
            ctx.add(path, "time-not-a-timex", "a time argument names its time expression with 'time:', not bare text",
                    "annotate the expression in times: (ANNOTATION.md 4.10) and write {role: time, time: <its id>}")
        elif time_id is not None and arg["role"] != "time":
            ctx.add(path + ("time",), "timex-wrong-role", f"a time expression fills the role {arg['role']!r}",
                    "time expressions fill the time role; name an entity for the other roles")
        if time_id is not None:
            if time_id not in times:
                ctx.add(path + ("time",), "dangling-reference", f"argument time {time_id!r} is not a time expression of this document",
                        _suggest(time_id, set(times), "time expression (in times:)"))
            else:
                t = times[time_id]
                span = t["start"], t["end"], t["text"]
                if time_role is None:
                    time_role = t
        elif "text" in arg:
            span = ctx.span(path, arg)  # the locators only are read: text, occurrence, context, start, end
            if span and entity in entity_mentions and span[:2] not in entity_mentions[entity]:
                ctx.add(path, "argument-not-a-mention",
                        f"the argument text {span[2]!r} at {span[0]}..{span[1]} is not a mention of {entity!r}",
                        f"add it to the mentions of {entity!r}, or drop 'text' and name the entity only")
        start, end, text = span or (None, None, None)
        arguments.append({"role": arg["role"], "entity_id": entity, "time_id": time_id, "start": start, "end": end,
                          "text": text})
    links = []
    for j, link in enumerate(ev.get("links", [])):
        target = link["event"]
        if "#" in target:  # another document's event: checked corpus-wide (links.py)
            other_doc, _, other_event = target.partition("#")
            if other_doc == doc_id:
                ctx.add(("events", i, "links", j, "event"), "cross-link-to-self",
                        f"the link {target!r} names this document", f"write the local id {other_event!r} alone")
            links.append({"type": link["type"], "doc_id": other_doc, "event_id": other_event})
            continue
        if target not in event_ids:
            ctx.add(("events", i, "links", j, "event"), "dangling-reference", f"linked event {target!r} is not an event of this document",
                    _suggest(target, event_ids, "event"))
        elif target == ev["id"]:
            ctx.add(("events", i, "links", j, "event"), "self-link", f"event {target!r} links to itself", "link to another event")
        links.append({"type": link["type"], "doc_id": doc_id, "event_id": target})
    return {
        "doc_id": doc_id,
        "event_id": ev["id"],
        "type": ev["type"],
        "cameo": ev.get("cameo"),
        "trigger": _as_dict(trigger),
        "realis": ev["realis"],
        "modality": ev.get("modality"),
        "date": event_date(time_role["value"], time_role["type"]) if time_role else None,
        "arguments": arguments,
        "links": links,
        "origin": ev.get("origin", "human"),
    }


def _stance(ctx, doc_id, i, st, entity_ids, event_ids, kinds) -> dict[str, Any]:
    if st["holder"] not in entity_ids:
        ctx.add(("stances", i, "holder"), "dangling-reference", f"stance holder {st['holder']!r} is not an entity of this document",
                _suggest(st["holder"], entity_ids, "entity"))
    target_kind = {"entities": "entity", "events": "event"}.get(kinds.get(st["target"], ""))
    if target_kind is None:
        ctx.add(("stances", i, "target"), "dangling-reference", f"stance target {st['target']!r} is not an entity or event of this document",
                _suggest(st["target"], entity_ids | event_ids, "entity or event"))
    evidence = ctx.span(("stances", i, "evidence"), st["evidence"])
    return {
        "doc_id": doc_id,
        "stance_id": st["id"],
        "holder": st["holder"],
        "target": st["target"],
        "target_kind": target_kind or "entity",
        "polarity": st["polarity"],
        "evidence": _as_dict(evidence),
        "origin": st.get("origin", "human"),
    }


MAX_TEXT = 600  # characters of a message or hint: findings must not grow with the square of the file
LISTED = 10  # ids named in a hint
SUGGEST_SCAN = 2000  # ids compared for "did you mean"


def _clip(value: str) -> str:
    return value if len(value) <= MAX_TEXT else value[:MAX_TEXT - 1] + "…"


def _suggest(name: str, known: set[str], what: str) -> str:
    """A close id, or a few defined ones: bounded, however many ids the file defines."""
    import difflib

    ordered = sorted(known)
    pool = ordered if len(ordered) <= SUGGEST_SCAN else (
        [k for k in ordered if k[:1] == name[:1]][:SUGGEST_SCAN] or ordered[:SUGGEST_SCAN])
    close = difflib.get_close_matches(name, pool, n=1)
    if close:
        return f"did you mean {close[0]!r}? Refer to the id of an {what} defined in this file"
    listed = ", ".join(ordered[:LISTED]) + (f" and {len(ordered) - LISTED} more" if len(ordered) > LISTED else "")
    return f"define the {what} first, or refer to one of: {listed or '(none defined)'}"
