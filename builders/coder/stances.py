"""Stances (holder, target, polarity, evidence), by one of two back-ends behind ``find_stances``:

- **rules** (the dictionary-only coder): an ACCUSE/SUPPORT/REJECT/THREATEN/REQUEST trigger's
  actor holds a stance toward the next event of its sentence (else the trigger's recipient);
- **a learned pair model** (``Lexicon.stance_model``, trained on gold by ``train_stances``):
  every (holder, target) pair a sentence offers is a candidate (holders: the agentive entities
  the sentence mentions and the statement's speaker, the entity of its "we"/"I"; targets: the
  sentence's events, as their first mention, and its entities), scored by a logistic model over
  features of the pair (the holder's role in the sentence's events, the target's type and lemma,
  the words between them, the sentence's cue triggers); a pair above the threshold is a stance,
  one per (holder, target) (ANNOTATION.md 5.5), its polarity from a second model.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from builders.coder.entities import Mention
from builders.coder.events import Event, first_mention
from builders.coder.learner import Logistic, train

if TYPE_CHECKING:
    from builders.coder import Analysis
    from builders.coder.lexicon import Lexicon

POLARITY = {"ACCUSE": "oppose", "SUPPORT": "support", "REJECT": "oppose", "THREATEN": "oppose", "REQUEST": "support"}
AGENTIVE = ("GPE", "ORG", "PER")
QUOTES = {'"', "\u201c", "\u201d", "''", "``"}
FIRST_PERSON = {"we", "us", "our", "i", "me", "my"}
MODEL_FORMAT = "geosignal-stance-model/1"


@dataclass
class StanceGuess:
    holder: Mention
    target: Event | Mention
    polarity: str
    start: int
    end: int


@dataclass
class StanceModel:
    """The learned back-end: a detector over candidate pairs, its threshold, and a polarity model."""

    detector: Logistic
    polarity: Logistic  # P(oppose | a stance)
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)
    target: Logistic | None = None  # P(the target is a stance's target), when the model is factored
    cue_words: dict[str, str] = field(default_factory=dict)  # learned words of stance evidence -> polarity

    def to_json(self) -> dict[str, Any]:
        return {"format": MODEL_FORMAT, "threshold": round(self.threshold, 4), "meta": self.meta,
                "cue_words": dict(sorted(self.cue_words.items())),
                "target": self.target.to_json() if self.target else None,
                "detector": self.detector.to_json(), "polarity": self.polarity.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "StanceModel":
        if data.get("format") != MODEL_FORMAT:
            raise ValueError(f"not a stance model ({MODEL_FORMAT}): format {data.get('format')!r}")
        return cls(Logistic.from_json(data["detector"]), Logistic.from_json(data["polarity"]),
                   float(data["threshold"]), dict(data.get("meta") or {}),
                   Logistic.from_json(data["target"]) if data.get("target") else None,
                   {str(k): str(v) for k, v in (data.get("cue_words") or {}).items()})


def find_stances(found: "Analysis", lexicon: "Lexicon") -> list[StanceGuess]:
    """The stances of an analysed text: the learned model when the lexicon has one, else rules."""
    model = lexicon.stance_model
    if model is None:
        return rule_stances(found, lexicon)
    return model_stances(found, lexicon, model)


# ---- rules ------------------------------------------------------------------------------------

def rule_stances(found: "Analysis", lexicon: "Lexicon | None" = None) -> list[StanceGuess]:
    """A stance of the event's actor toward the next event of its sentence (else its recipient), for
    the trigger types that express one (ACCUSE oppose, SUPPORT support, ...)."""
    events, sentences = found.events, found.sentences
    out = []
    for ev in events:
        polarity = POLARITY.get(ev.type)
        actor = next((m for role, m in ev.arguments if role == "actor"), None)
        if polarity is None or actor is None or ev.realis != "actual":
            continue
        later = [e for e in events if e.sentence == ev.sentence and e.start > ev.end and e.type != "STATEMENT"]
        recipient = next((m for role, m in ev.arguments if role == "recipient"), None)
        target = first_mention(later[0]) if later else (recipient if ev.type in ("ACCUSE", "SUPPORT") else None)
        if target is None:
            continue
        sent = sentences[ev.sentence]
        end = sent.end
        for tok in sent.tokens:
            if tok.start > ev.end and tok.text in (";", ".", ":") and tok.start > (later[0].end if later else ev.end):
                end = tok.start
                break
        out.append(StanceGuess(actor, target, polarity, ev.start, max(end, later[0].end if later else target.end)))
    return out


# ---- candidates and their features --------------------------------------------------------------

@dataclass
class Candidate:
    sentence: int
    holder_key: str
    holder: Mention  # the holder's mention in the sentence, else its first mention in the document
    anchor: Event | Mention  # the target as the sentence mentions it
    target: Event | Mention  # what the stance points at: an event's first mention, or the entity's mention
    features: list[str]  # of the pair
    target_features: list[str] = field(default_factory=list)  # of the target alone (any holder)

    @property
    def target_key(self) -> str:
        return f"ev:{self.target.start}" if isinstance(self.target, Event) else f"ent:{self.target.name.key}"


def _bucket(n: int) -> str:
    return "0" if n <= 0 else "1" if n == 1 else "2-3" if n <= 3 else "4-7" if n <= 7 else "8-15" if n <= 15 else "16+"


def _actor(ev: Event) -> str | None:
    return next((m.name.key for r, m in ev.arguments if r == "actor" and isinstance(m, Mention)), None)


def _recipient(ev: Event) -> str | None:
    return next((m.name.key for r, m in ev.arguments if r == "recipient" and isinstance(m, Mention)), None)


WORDS = True  # the words before the target and between holder and target as features


def candidates(found: "Analysis", lexicon: "Lexicon", cue_words: dict[str, str] | None = None) -> list[Candidate]:
    """Every (holder, target) pair of every sentence, with its features. ``cue_words``: words of
    stance evidence learned from gold (``learn_cue_words``) -> their usual polarity."""
    cue_words = cue_words or {}
    text = found.text
    speakers = {m.name.key for m in found.mentions if m.kind == "PRO" and text[m.start:m.end].lower() in FIRST_PERSON}
    author_key = found.author[1].key if found.author and found.author[1] is not None else None
    first_of: dict[str, Mention] = {}
    for m in found.mentions:
        first_of.setdefault(m.name.key, m)
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    starts = [s.start for s in found.sentences]
    for m in found.mentions:
        by_sentence[max(0, bisect.bisect_right(starts, m.start) - 1)].append(m)
    events_in: dict[int, list[Event]] = defaultdict(list)
    for ev in found.events:
        events_in[ev.sentence].append(ev)
    out: list[Candidate] = []
    for si, sent in enumerate(found.sentences):
        evs = events_in.get(si, [])
        mentions = by_sentence.get(si, [])
        if not evs and len(mentions) < 2:
            continue
        tok_starts = [t.start for t in sent.tokens]
        words = [t.text.lower() for t in sent.tokens]
        lemmas = [lexicon.lemma(w) or w for w in words]

        def tok(offset: int) -> int:
            return max(0, bisect.bisect_right(tok_starts, offset) - 1)

        cues = [e for e in evs if e.type in POLARITY or e.type == "STATEMENT" or e.lemma in lexicon.stances]
        sentence_feats = [f"s.cue={e.type}" for e in cues] + [f"s.cue_lemma={e.lemma}" for e in cues]
        first_person = any(w in FIRST_PERSON for w in words)
        sentence_feats.append(f"s.index={_bucket(si)}")
        if any(w in QUOTES for w in words):
            sentence_feats.append("s.quote")
        marks = [cue_words.get(w) for w in lemmas]
        n_marks = sum(m is not None for m in marks)
        sentence_feats.append(f"s.cue_words={_bucket(n_marks)}")
        if first_person:
            sentence_feats.append("s.first_person")
        holders: dict[str, Mention] = {}
        for m in mentions:
            if m.name.type in AGENTIVE:
                holders.setdefault(m.name.key, m)
        for key in speakers:
            if key not in holders and key in first_of:
                holders[key] = first_of[key]
        entity_targets: list[Mention] = []
        for m in mentions:
            if m.name.type in AGENTIVE and all(m.name.key != t.name.key for t in entity_targets):
                entity_targets.append(m)
        offered = _targets([*evs, *entity_targets], found, words, tok)
        roles: dict[str, list[tuple[str, Event]]] = defaultdict(list)
        for ev in evs:
            for role, filler in ev.arguments:
                if isinstance(filler, Mention):
                    roles[filler.name.key].append((role, ev))
        agents_in_order = [m.name.key for m in mentions if m.name.type in AGENTIVE]
        described = [_describe(anchor, target, how, cues, evs, roles, words, lemmas, tok, sentence_feats, marks)
                     for anchor, target, how in offered]
        shared = [["bias", *tf] for tf, _, _ in described]  # one list per target: its holders share it
        for hkey, hm in holders.items():
            present = sent.start <= hm.start < sent.end
            speaker = hkey in speakers
            hcore = [f"h.type={hm.name.type}", "h.speaker" if speaker else "h.named"]
            hf = hcore + [f"h.kind={hm.kind}" if present else "h.absent"]
            if hkey == author_key:
                hf.append("h.author")
            if present and agents_in_order and agents_in_order[0] == hkey:
                hf.append("h.first_agent")
            for role, ev in roles.get(hkey, []):
                hf += [f"h.{role}_of={ev.type}", f"h.{role}_of_lemma={ev.lemma}"]
            for (anchor, target, how), (tf, tcore, g), tfl in zip(offered, described, shared):
                if isinstance(anchor, Mention) and anchor.name.key == hkey:
                    continue
                ti = tok(anchor.start)
                f = list(hf)
                if isinstance(anchor, Event):
                    actor, recipient = _actor(anchor), _recipient(anchor)
                    f.append("t.actor=holder" if actor == hkey else "t.actor=other" if actor else "t.actor=none")
                    if recipient == hkey:
                        f.append("t.recipient=holder")
                else:
                    for role, ev in roles.get(anchor.name.key, []):
                        if _actor(ev) == hkey:
                            f.append(f"pair.holder_acts_on_target={ev.type}")
                if g is not None:
                    gactor = _actor(g)
                    rel = "holder" if gactor == hkey else "none" if gactor is None else "other"
                    if rel == "none" and speaker and first_person:
                        rel = "speaker?"
                    f += [f"g.actor={rel}", f"g.actor={rel}&{g.type}", f"g.actor={rel}&{tcore[0]}",
                          f"g.actor={rel}&{g.lemma}", f"{hcore[1]}&{g.lemma}", f"{hcore[1]}&{g.type}"]
                    f += [f"{a}&g.actor={rel}" for a in hcore]
                else:
                    f += [f"g.none&{a}" for a in hcore]
                after = [c for c in cues if c.start >= anchor.end and c is not anchor]
                if after:  # reported speech: '"... the attack ...", X said'
                    a = after[0]
                    arel = "holder" if _actor(a) == hkey else "none" if _actor(a) is None else "other"
                    f += [f"a.actor={arel}", f"a.actor={arel}&{a.type}"]
                kind = "ev" if isinstance(anchor, Event) else "ent"
                if present:
                    hi = tok(hm.start)
                    if hi < ti:
                        f += [f"order=h<t.{kind}", f"dist={_bucket(ti - hi)}"]
                        if WORDS:
                            f += [f"btw={w}" for w in set(lemmas[hi + 1:ti])]
                        if any(m is not None for m in marks[hi + 1:ti]):
                            f.append("btw.cue_word")
                    else:
                        f += [f"order=t<h.{kind}", f"dist={_bucket(hi - ti)}"]
                else:
                    f.append(f"order=absent.{kind}")
                f += [f"{a}&{b}" for a in hcore for b in tcore]
                out.append(Candidate(si, hkey, hm, anchor, target, ["bias", *tf, *f], tfl))
    return out


def _describe(anchor, target, how, cues, evs, roles, words, lemmas, tok, sentence_feats, marks):
    """(features of the target alone, its core features, its governing cue or None)."""
    ti = tok(anchor.start)
    tf = list(sentence_feats)
    near = [m for m in marks[max(0, ti - 6):ti + 4] if m is not None]
    tf += [f"win.cue={m}" for m in sorted(set(near))] + [f"win.cues={_bucket(len(near))}"]
    if isinstance(anchor, Event):
        tcore = [f"t.type={anchor.type}", f"t.ref={how}"]
        tf += tcore + [f"t.lemma={anchor.lemma}", f"t.realis={anchor.realis}", f"t.modality={anchor.modality}",
                       f"t.ref={how}&{anchor.type}", "t.has_actor" if _actor(anchor) else "t.no_actor"]
        if anchor in cues:
            tf.append("t.is_cue")
    else:
        tcore = [f"t.entity={anchor.name.type}", f"t.kind={anchor.kind}"]
        tf += tcore
        for role, ev in roles.get(anchor.name.key, []):
            tf += [f"t.{role}_of={ev.type}", f"t.{role}_of_lemma={ev.lemma}"]
    before = [c for c in cues if c.end <= anchor.start and c is not anchor]
    g = before[-1] if before else None
    if g is not None:
        gi = tok(g.start)
        between = sum(1 for e in evs if g.end <= e.start and e.end <= anchor.start)
        gf = [f"g.type={g.type}", f"g.lemma={g.lemma}", f"g.between={_bucket(between)}", f"g.dist={_bucket(ti - gi)}"]
        if isinstance(anchor, Mention) and _recipient(g) == anchor.name.key:
            gf.append("g.recipient=target")
        if any(w in (";", ":") for w in words[gi:ti]):
            gf.append("g.punct_between")
        tf += gf + [f"{a}&{tcore[0]}" for a in gf[:3]]
    else:
        tf += ["g.none", f"g.none&{tcore[0]}"]
    if WORDS:
        tf += [f"pre={w}" for w in lemmas[max(0, ti - 3):ti]]
        tf += [f"post={w}" for w in lemmas[ti + 1:ti + 4]]
    return tf, tcore, g


DEMONSTRATIVES = {"this", "these", "that", "those", "the", "such", "its", "their"}


def _targets(targets: list, found: "Analysis", words: list[str], tok: Any) -> list[tuple[Any, Any, str]]:
    """(anchor, target, how) for each target the sentence offers. An event is offered as itself
    ('self'), as its first mention when it repeats an earlier one ('first'), and, after a
    determiner ('this assault'), as the latest earlier event of its type ('antecedent')."""
    out: list[tuple[Any, Any, str]] = []
    for anchor in targets:
        if not isinstance(anchor, Event):
            out.append((anchor, anchor, "entity"))
            continue
        out.append((anchor, anchor, "self"))
        first = first_mention(anchor)
        if first is not anchor:
            out.append((anchor, first, "first"))
        i = tok(anchor.start)
        if any(w in DEMONSTRATIVES for w in words[max(0, i - 3):i]):
            earlier = [e for e in found.events if e.type == anchor.type and e.sentence < anchor.sentence]
            if earlier:
                antecedent = first_mention(earlier[-1])
                if antecedent is not first:
                    out.append((anchor, antecedent, "antecedent"))
    return out


# ---- prediction ---------------------------------------------------------------------------------

def _evidence(c: Candidate, found: "Analysis") -> tuple[int, int]:
    """From the nearest cue trigger before the target (else the target) to the end of the target."""
    sent = found.sentences[c.sentence]
    a = c.anchor
    cues = [e for e in found.events if e.sentence == c.sentence and e.end <= a.start and e is not a]
    start = cues[-1].start if cues else a.start
    if sent.start <= c.holder.start < sent.end and c.holder.end <= start and start - c.holder.end < 80:
        start = min(start, c.holder.start)
    return start, max(a.end, start + 1)


def best_pairs(scored: Sequence[tuple[Candidate, float]], threshold: float) -> list[tuple[Candidate, float]]:
    """One candidate per (holder, target), the most probable, kept when at or above the threshold."""
    best: dict[tuple[str, str], tuple[Candidate, float]] = {}
    for c, p in scored:
        key = (c.holder_key, c.target_key)
        if key not in best or p > best[key][1]:
            best[key] = (c, p)
    return sorted((v for v in best.values() if v[1] >= threshold), key=lambda v: (v[0].anchor.start, v[0].holder_key))


def model_stances(found: "Analysis", lexicon: "Lexicon", model: StanceModel) -> list[StanceGuess]:
    scored = [(c, score_of(model.detector, model.target, c)) for c in candidates(found, lexicon, model.cue_words)]
    out = []
    for c, _ in best_pairs(scored, model.threshold):
        if isinstance(c.target, Mention) and c.target.name.key == c.holder_key:
            continue
        polarity = "oppose" if model.polarity.probability(c.features) >= 0.5 else "support"
        start, end = _evidence(c, found)
        out.append(StanceGuess(c.holder, c.target, polarity, start, end))
    return out


# ---- training -----------------------------------------------------------------------------------

def _overlap(a: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(min(a[1], e) > max(a[0], s) for s, e in spans)


def labels(found: "Analysis", cands: Sequence[Candidate], records: dict[str, Any]) -> list[tuple[str | None, bool]]:
    """The gold polarity of each candidate (None: no gold stance), matched as the scorer matches:
    the holder's mentions overlap the gold holder's, the target's trigger (or mentions) the gold
    target's; and the candidate's sentence overlaps the gold evidence. With it, whether the target
    alone is a gold stance's target (whatever the holder)."""
    mentions_of = {e["entity_id"]: [(m["start"], m["end"]) for m in e.get("mentions") or []] for e in records["entities"]}
    trigger_of = {e["event_id"]: (e["trigger"]["start"], e["trigger"]["end"]) for e in records["events"]}
    spans_of_key: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m in found.mentions:
        spans_of_key[m.name.key].append((m.start, m.end))
    gold = []
    for s in records["stances"]:
        holder = mentions_of.get(s["holder"]) or []
        if s.get("target_kind") == "event":
            target = [trigger_of[s["target"]]] if s["target"] in trigger_of else []
        else:
            target = mentions_of.get(s["target"]) or []
        ev = s["evidence"]
        gold.append((holder, target, (ev["start"], ev["end"]), s["polarity"], s.get("target_kind")))
    out: list[tuple[str | None, bool]] = []
    for c in cands:
        sent = found.sentences[c.sentence]
        hspans = spans_of_key[c.holder_key]
        if isinstance(c.target, Event):
            tspans, tkind = [(c.target.start, c.target.end)], "event"
        else:
            tspans, tkind = spans_of_key[c.target.name.key], "entity"
        label, hit = None, False
        for holder, target, evidence, polarity, kind in gold:
            if kind == tkind and _overlap((sent.start, sent.end), [evidence]) and any(_overlap(t, target) for t in tspans):
                hit = True
                if any(_overlap(h, holder) for h in hspans):
                    label = polarity
                    break
        out.append((label, hit))
    return out


@dataclass
class Example:
    doc: int
    holder_key: str
    target_key: str
    features: list[str]
    target_features: list[str]
    label: str | None
    target_hit: bool


def examples_of(found: "Analysis", records: dict[str, Any], lexicon: "Lexicon", doc: int,
                cue_words: dict[str, str] | None = None) -> tuple[list[Example], int]:
    """Labelled candidates of one gold document, and its number of gold stances."""
    cands = candidates(found, lexicon, cue_words)
    return ([Example(doc, c.holder_key, c.target_key, c.features, c.target_features, y, hit)
             for c, (y, hit) in zip(cands, labels(found, cands, records))],
            len(records["stances"]))


EPOCHS = 12
MIN_COUNT = 3  # a feature seen in fewer training pairs is dropped
L2_GRID = (0.03, 0.1, 0.3)  # the L2 penalty is chosen among these by inner cross-fitting
POSITIVE_WEIGHT = 0.25  # positives weigh (negatives / positives) * this, between 1 and 8


def _fit(examples: Sequence[Example], l2: float) -> tuple[Logistic, Logistic, Logistic]:
    """(pair detector, polarity, target detector). The target detector scores each offered target
    alone; the pair detector is trained on the pairs whose target is a gold target (which holder);
    a pair's score is the product of the two (``score_of``)."""
    counts = Counter(f for e in examples for f in set(e.features))
    keep = {f for f, n in counts.items() if n >= MIN_COUNT}

    def fit(rows: list[tuple[list[str], int]], balance: bool = True) -> Logistic:
        rows = [([f for f in x if f in keep], y) for x, y in rows]
        pos = sum(y for _, y in rows)
        weight = min(8.0, max(1.0, (len(rows) - pos) / max(pos, 1) * POSITIVE_WEIGHT)) if balance else 1.0
        return train(rows, epochs=EPOCHS, l2=l2, positive_weight=weight)

    polarity = fit([(e.features, int(e.label == "oppose")) for e in examples if e.label is not None], False)
    targets: dict[int, tuple[list[str], int]] = {}
    for e in examples:  # one row per offered target: its holders share the list
        targets.setdefault(id(e.target_features), (e.target_features, int(e.target_hit)))
    target = fit(list(targets.values()))
    pair = fit([(e.features, int(e.label is not None)) for e in examples if e.target_hit])
    return pair, polarity, target


def score_of(detector: Logistic, target: Logistic | None, c: Any) -> float:
    """P(target) * P(holder | target) of a candidate (or an Example)."""
    p = detector.probability(c.features)
    return p if target is None else p * target.probability(c.target_features)


def _best_threshold(scored: Sequence[tuple[Example, float]], gold_total: int) -> tuple[float, float]:
    """(F1, threshold) at the threshold that maximises F1 over held-out pairs, one per holder and
    target as predicted, against every gold stance of those documents (missed ones included)."""
    best: dict[tuple[int, str, str], tuple[float, bool]] = {}
    for e, p in scored:
        key = (e.doc, e.holder_key, e.target_key)
        if key not in best or p > best[key][0]:
            best[key] = (p, e.label is not None)
    ranked = sorted(best.values(), key=lambda v: -v[0])
    top, threshold, tp = 0.0, 0.5, 0
    for n, (p, hit) in enumerate(ranked, 1):
        tp += hit
        f1 = 2 * tp / (n + gold_total) if gold_total else 0.0
        if f1 > top:
            top, threshold = f1, p
    return top, threshold


CUE = {"min_inside": 2, "rate": 0.4, "parts": 4}


def learn_cue_words(docs: Sequence[tuple["Analysis", dict[str, Any]]], lexicon: "Lexicon") -> dict[str, str]:
    """Words (as lemmas) that stand in gold stance evidence in at least 40% of their occurrences
    (and at least twice), with the majority polarity of those stances; names and a few function
    words are left out."""
    from collections import Counter

    inside: Counter = Counter()
    total: Counter = Counter()
    polar: dict[str, Counter] = defaultdict(Counter)
    for found, records in docs:
        spans = [(s["evidence"]["start"], s["evidence"]["end"], s["polarity"]) for s in records["stances"]]
        for sent in found.sentences:
            for t in sent.tokens:
                w = t.text.lower()
                if not w.isalpha() or w in FUNCTION_WORDS:
                    continue
                lemma = lexicon.lemma(w) or w
                total[lemma] += 1
                hits = [p for a, b, p in spans if a <= t.start < b]
                if hits:
                    inside[lemma] += 1
                    polar[lemma][hits[0]] += 1
    return {w: polar[w].most_common(1)[0][0] for w, n in inside.items()
            if n >= CUE["min_inside"] and n / total[w] >= CUE["rate"] and lexicon.name(w) is None}


FUNCTION_WORDS = frozenset("the a an and or of to in on for with by be is are was were has have had this that these those "
                           "its their our we it as at from his her he she they them i you your not but which who will "
                           "would can could all any both each other such than then there".split())


def train_stances(docs: Sequence[tuple["Analysis", dict[str, Any]]], lexicon: "Lexicon", inner: int = 3) -> StanceModel:
    """Train the stance model on gold documents (their analyses by ``lexicon`` and their records).

    The L2 penalty and the threshold are chosen by ``inner``-fold cross-fitting inside these
    documents (a model trained on the other inner folds scores each document), so neither is
    tuned on pairs the model has seen nor on any document outside ``docs``; the model is then
    trained on all of them. A training document's cue-word features come from the other
    documents (learned in ``CUE['parts']`` parts), as a new document's will.
    """
    per_doc = []
    gold_total = 0
    cue_words = learn_cue_words(docs, lexicon)
    parts = CUE["parts"]
    held_out_cues = [learn_cue_words([d for i, d in enumerate(docs) if i % parts != k], lexicon) for k in range(parts)]
    for i, (found, records) in enumerate(docs):
        ex, n = examples_of(found, records, lexicon, i, held_out_cues[i % parts])
        per_doc.append(ex)
        gold_total += n
    choice = (0.0, 0.5, L2_GRID[len(L2_GRID) // 2])  # (inner F1, threshold, l2)
    if inner >= 2 and len(docs) >= 2 * inner:
        for l2 in L2_GRID:
            scored: list[tuple[Example, float]] = []
            for k in range(inner):
                detector, _, target = _fit([e for i, ex in enumerate(per_doc) if i % inner != k for e in ex], l2)
                scored += [(e, score_of(detector, target, e)) for i, ex in enumerate(per_doc) if i % inner == k for e in ex]
            f1, threshold = _best_threshold(scored, gold_total)
            if f1 > choice[0]:
                choice = (f1, threshold, l2)
    everything = [e for ex in per_doc for e in ex]
    detector, polarity, target = _fit(everything, choice[2])
    meta = {"documents": len(docs), "candidates": len(everything), "positives": sum(e.label is not None for e in everything),
            "gold_stances": gold_total, "l2": choice[2], "inner_f1": round(choice[0], 4)}
    return StanceModel(detector, polarity, choice[1], meta, target, cue_words)
