"""Two annotations of one document -> matched items per layer, tallied over documents.

The sides are *prediction* and *reference*: precision = matched / predicted, recall =
matched / reference, F1 is symmetric. ``geosignal agree A B`` takes B as reference,
``geosignal evaluate GOLD PRED`` takes GOLD. Inputs are the record dicts the pipeline builds
(builders/records.py) or reads back from Parquet: ``{"entities": [...], "events": [...],
"stances": [...], "times": [...] or absent}`` (times: DocRecords.times, the annotation's resolved
``times:`` layer; a built dataset has no times config yet); fields that are not scored are ignored
(group members, the author block, origins, notes).

Matching rules (see align.py for how spans pair):
- mentions: every mention of every entity; typed = same entity type, kind = same mention kind;
- entity alignment: entity e (prediction) ~ f (reference) when a mention of e is aligned
  (overlap, untyped) to a mention of f; entities without mentions (a document's author) align
  when their ids or non-null kb_ids are equal. One entity may align to several (split/merged
  entities), so arguments and stances are matched through this relation;
- entity linking: over aligned mention pairs, accuracy of kb_id (null = null counts as equal);
  linked F1 counts mentions with a non-null kb_id, matched when aligned and with equal kb_id;
- triggers: one-to-one overlap alignment of trigger spans, untyped; typed = same PLOVER type;
- arguments: (trigger, role, filler), matched when the triggers are aligned, the roles equal,
  and the fillers match: both name entities that align, or (when either names no entity) their
  spans overlap;
- links: (source, type, target), matched when sources are aligned, types equal and targets
  aligned; a cross-document target ``<doc_id>#<event_id>`` matches the same string only;
- stances: (holder, target) with the holder through entity alignment and the target through
  entity or trigger alignment; typed = same polarity;
- times: spans of the ``times`` layer and their ``value``; n/a unless both sides have the layer;
- label decisions (kappa, alpha) over aligned items: entity type and mention kind (overlap-aligned
  mentions), event type and realis (aligned triggers), polarity (matched holder-target pairs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from builders.score.align import align_spans, max_matching
from builders.score.metrics import Accuracy, Counts

FORMAT = "geosignal-scores/1"


class Mention(NamedTuple):
    start: int
    end: int
    entity: str
    type: str
    kind: str
    kb_id: str | None


class Trigger(NamedTuple):
    start: int
    end: int
    event: str
    type: str
    cameo: str | None
    realis: str | None
    modality: str | None


class Argument(NamedTuple):
    event: str
    role: str
    entity: str | None
    start: int | None
    end: int | None


class Link(NamedTuple):
    source: str
    type: str
    target: str


class Stance(NamedTuple):
    holder: str
    target: str
    target_kind: str
    polarity: str


class Time(NamedTuple):
    start: int
    end: int
    value: str | None


@dataclass
class DocView:
    """What is scored of one document, flattened from its records."""

    doc_id: str
    mentions: list[Mention]
    triggers: list[Trigger]
    arguments: list[Argument]
    links: list[Link]
    stances: list[Stance]
    times: list[Time] | None  # None: the annotation has no times layer
    unlinked_entities: dict[str, str | None]  # entities without mentions: id -> kb_id


def _span(item: Any) -> tuple[int, int] | None:
    """start/end of a record or of its ``span``/``trigger`` sub-record; None when absent."""
    if not isinstance(item, dict):
        return None
    for where in (item, item.get("span"), item.get("trigger")):
        if isinstance(where, dict) and isinstance(where.get("start"), int) and isinstance(where.get("end"), int):
            return where["start"], where["end"]
    return None


def _local(target: Any, doc_id: str) -> str:
    """A link target as a string; ``<this doc>#id`` is the local id."""
    target = str(target)
    prefix = f"{doc_id}#"
    return target[len(prefix):] if target.startswith(prefix) else target


def view(doc_id: str, records: dict[str, Any]) -> DocView:
    """Flatten one document's records (pipeline dicts or Parquet rows) for scoring."""
    mentions, unlinked = [], {}
    for ent in records.get("entities") or []:
        ms = ent.get("mentions") or []
        for m in ms:
            span = _span(m)
            if span:
                mentions.append(Mention(*span, ent["entity_id"], ent.get("type"), m.get("kind") or "NAM", ent.get("kb_id")))
        if not ms:
            unlinked[ent["entity_id"]] = ent.get("kb_id")
    triggers, arguments, links = [], [], []
    for ev in records.get("events") or []:
        span = _span(ev.get("trigger"))
        if span:
            triggers.append(Trigger(*span, ev["event_id"], ev.get("type"), ev.get("cameo"), ev.get("realis"), ev.get("modality")))
        for arg in ev.get("arguments") or []:
            arguments.append(Argument(ev["event_id"], arg.get("role"), arg.get("entity_id"), arg.get("start"), arg.get("end")))
        for link in ev.get("links") or []:
            target = link.get("event_id", link.get("event"))
            if target is not None:
                links.append(Link(ev["event_id"], link.get("type"), _local(target, doc_id)))
    stances = [Stance(s["holder"], str(s["target"]), s.get("target_kind") or "entity", s.get("polarity"))
               for s in records.get("stances") or []]
    times = None
    if records.get("times") is not None:
        times = [Time(*span, t.get("value")) for t in records["times"] if (span := _span(t))]
    return DocView(doc_id, sorted(mentions), sorted(triggers), arguments, links, stances, times, unlinked)


# ---- the tally over documents -------------------------------------------------------------

PRF_LAYERS = {  # layer -> (matches, what its labels are); the order is the report's
    "mentions": (("exact", "overlap"), None),
    "mentions_typed": (("exact", "overlap"), "entity type"),
    "mention_kind": (("exact", "overlap"), "mention kind"),
    "entity_linking": (("linked",), None),
    "triggers": (("exact", "overlap"), None),
    "triggers_typed": (("exact", "overlap"), "PLOVER type"),
    "arguments": (("overlap",), "role"),
    "links": (("overlap",), "link type"),
    "stances": (("overlap",), None),
    "stances_typed": (("overlap",), "polarity"),
    "times": (("exact", "overlap"), None),
    "times_value": (("overlap",), None),
}
ACCURACIES = {  # name -> over what
    "entity_linking": "overlap-aligned mentions: kb_id equal",
    "cameo": "aligned triggers where either side has a CAMEO code",
    "realis": "aligned triggers",
    "modality": "aligned triggers where either side has a modality",
    "times_value": "overlap-aligned time expressions: value equal",
}
DECISIONS = ("entity_type", "mention_kind", "event_type", "realis", "polarity")


@dataclass
class Tally:
    """Counts summed over documents (micro-average), kept per layer, match and label."""

    counts: dict[tuple[str, str], Counts] = field(default_factory=lambda: defaultdict(Counts))
    labels: dict[tuple[str, str], dict[str, Counts]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Counts)))
    accuracies: dict[str, Accuracy] = field(default_factory=lambda: defaultdict(Accuracy))
    decisions: dict[str, list[tuple[Hashable, Hashable]]] = field(default_factory=lambda: defaultdict(list))
    documents: list[str] = field(default_factory=list)
    times_missing: list[str] = field(default_factory=list)  # documents where a side has no times layer

    def count(self, layer: str, match: str, pred: Sequence, ref: Sequence, pairs: list[tuple[int, int]],
              label: Callable[[Any], Hashable] | None = None) -> None:
        self.counts[(layer, match)].add(len(pairs), len(pred), len(ref))
        if label is None:
            return
        per = self.labels[(layer, match)]
        for p in pred:
            per[str(label(p))].predicted += 1
        for r in ref:
            per[str(label(r))].reference += 1
        for i, _ in pairs:
            per[str(label(pred[i]))].tp += 1


def _overlaps(a: tuple[int | None, int | None], b: tuple[int | None, int | None]) -> bool:
    if None in a or None in b:
        return False
    return min(a[1], b[1]) > max(a[0], b[0])  # type: ignore[operator]


def score_pair(pred: DocView, ref: DocView, tally: Tally) -> None:
    """Add one document's two annotations to the tally."""
    tally.documents.append(ref.doc_id)
    # mentions
    pm, rm = pred.mentions, ref.mentions
    for match, overlap in (("exact", False), ("overlap", True)):
        tally.count("mentions", match, pm, rm, align_spans(pm, rm, overlap))
        tally.count("mentions_typed", match, pm, rm, align_spans(pm, rm, overlap, lambda m: m.type), lambda m: m.type)
        tally.count("mention_kind", match, pm, rm, align_spans(pm, rm, overlap, lambda m: m.kind), lambda m: m.kind)
    mention_pairs = align_spans(pm, rm, True)
    entity_rel = {(pm[i].entity, rm[j].entity) for i, j in mention_pairs}
    for e, kb in pred.unlinked_entities.items():
        for f, kb_ref in ref.unlinked_entities.items():
            if e == f or (kb is not None and kb == kb_ref):
                entity_rel.add((e, f))
    for i, j in mention_pairs:
        tally.accuracies["entity_linking"].add(pm[i].kb_id == rm[j].kb_id)
        tally.decisions["entity_type"].append((pm[i].type, rm[j].type))
        tally.decisions["mention_kind"].append((pm[i].kind, rm[j].kind))
    linked_p = [m for m in pm if m.kb_id is not None]
    linked_r = [m for m in rm if m.kb_id is not None]
    tally.count("entity_linking", "linked", linked_p, linked_r, align_spans(linked_p, linked_r, True, lambda m: m.kb_id))
    # triggers
    pt, rt = pred.triggers, ref.triggers
    for match, overlap in (("exact", False), ("overlap", True)):
        tally.count("triggers", match, pt, rt, align_spans(pt, rt, overlap))
        tally.count("triggers_typed", match, pt, rt, align_spans(pt, rt, overlap, lambda t: t.type), lambda t: t.type)
    trigger_pairs = align_spans(pt, rt, True)
    event_map = {pt[i].event: rt[j].event for i, j in trigger_pairs}
    for i, j in trigger_pairs:
        p, r = pt[i], rt[j]
        tally.decisions["event_type"].append((p.type, r.type))
        tally.decisions["realis"].append((p.realis, r.realis))
        tally.accuracies["realis"].add(p.realis == r.realis)
        if p.cameo is not None or r.cameo is not None:
            tally.accuracies["cameo"].add(p.cameo == r.cameo)
        if p.modality is not None or r.modality is not None:
            tally.accuracies["modality"].add(p.modality == r.modality)
    # arguments: only within (aligned reference event, role); an unaligned trigger's block is None
    # and no reference item is in block None (every reference argument has its event)
    def filler(p: Argument, r: Argument) -> bool:
        if p.entity is not None and r.entity is not None:
            return (p.entity, r.entity) in entity_rel
        return _overlaps((p.start, p.end), (r.start, r.end))

    pa, ra = pred.arguments, ref.arguments
    tally.count("arguments", "overlap", pa, ra,
                max_matching(pa, ra, filler, lambda a: (event_map.get(a.event), a.role), lambda a: (a.event, a.role)),
                lambda a: a.role)
    # links
    def target(p: Link, r: Link) -> bool:
        return event_map.get(p.target, f"\0{p.target}") == r.target or ("#" in p.target and p.target == r.target)

    pl, rl = pred.links, ref.links
    tally.count("links", "overlap", pl, rl,
                max_matching(pl, rl, target, lambda l: (event_map.get(l.source), l.type), lambda l: (l.source, l.type)),
                lambda l: l.type)
    # stances
    def aligned(p: Stance, r: Stance) -> bool:
        if (p.holder, r.holder) not in entity_rel:
            return False
        if "#" in r.target:  # an event of another document: the same string only
            return p.target == r.target
        if r.target_kind == "event":
            return event_map.get(p.target) == r.target
        return (p.target, r.target) in entity_rel

    ps, rs = pred.stances, ref.stances
    stance_pairs = max_matching(ps, rs, aligned)
    tally.count("stances", "overlap", ps, rs, stance_pairs)
    for i, j in stance_pairs:
        tally.decisions["polarity"].append((ps[i].polarity, rs[j].polarity))
    tally.count("stances_typed", "overlap", ps, rs,
                max_matching(ps, rs, aligned, lambda s: s.polarity, lambda s: s.polarity), lambda s: s.polarity)
    # times
    if pred.times is None or ref.times is None:
        tally.times_missing.append(ref.doc_id)
        return
    pt2, rt2 = pred.times, ref.times
    for match, overlap in (("exact", False), ("overlap", True)):
        tally.count("times", match, pt2, rt2, align_spans(pt2, rt2, overlap))
    time_pairs = align_spans(pt2, rt2, True)
    for i, j in time_pairs:
        tally.accuracies["times_value"].add(pt2[i].value == rt2[j].value)
    tally.count("times_value", "overlap", pt2, rt2, align_spans(pt2, rt2, True, lambda t: t.value))


def score(pairs: Iterable[tuple[DocView, DocView]]) -> Tally:
    """Tally every (prediction, reference) pair of documents."""
    tally = Tally()
    for pred, ref in pairs:
        score_pair(pred, ref, tally)
    return tally
