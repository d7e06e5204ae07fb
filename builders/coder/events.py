"""Event triggers (verb dictionary + learned lexicon), arguments by nearest mention, realis and
modality from cue words, and links on explicit cues (stances: stances.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from builders.dataset.tokens import Sentence
from builders.coder.entities import Mention
from builders.coder.lexicon import Lexicon
from builders.coder.times import Timex

AGENTIVE = ("GPE", "ORG", "PER")
FUTURE = {"will", "shall", "'ll"}
POSSIBLE = {"may", "might", "could", "would", "can"}
NEGATION = {"not", "n't", "never", "no", "cannot"}
PLANNING = {"plan", "plans", "planned", "intend", "intends", "aim", "aims", "seek", "seeks", "prepared", "ready"}
REQUESTING = {"urge", "urges", "urged", "call", "calls", "called", "ask", "asks", "asked", "demand", "demands"}
STOP = {"the", "a", "an", "and", "or", "of", "to", "in", "on", "for", "with", "by", "be", "is", "are", "was", "were",
        "has", "have", "had", "this", "that", "its", "their", "our", "we", "it", "as", "at", "from"}
LINK_CUES = (("in", "response", "to"), ("in", "retaliation", "for"), ("following",), ("after",))
SPEECH = {"STATEMENT", "ACCUSE", "SUPPORT", "REQUEST", "REJECT", "THREATEN"}


@dataclass
class Event:
    start: int
    end: int
    type: str
    cameo: str | None
    sentence: int
    token: int
    lemma: str = ""
    realis: str = "actual"
    modality: str | None = None
    arguments: list[tuple[str, Mention | Timex]] = field(default_factory=list)
    links: list[tuple[str, "Event"]] = field(default_factory=list)


def find_events(sentences: list[Sentence], mentions: list[Mention], times: list[Timex], lexicon: Lexicon) -> list[Event]:
    taken = [(m.start, m.end) for m in mentions]
    out: list[Event] = []
    for si, sent in enumerate(sentences):
        toks = sent.tokens
        for ti, tok in enumerate(toks):
            w = tok.text
            if not w.isalpha() or (w[0].isupper() and ti > 0) or w.lower() in STOP or any(s < tok.end and tok.start < e for s, e in taken):
                continue
            hit = lexicon.trigger(w)
            if hit is None:
                continue
            lemma, entry = hit
            ev = Event(tok.start, tok.end, entry.type, entry.cameo, si, ti, lemma)
            _realis(ev, [t.text.lower() for t in toks], ti)
            out.append(ev)
    _arguments(out, sentences, mentions, times)
    _links(out, sentences)
    return out


def _realis(ev: Event, words: list[str], i: int) -> None:
    before = words[max(0, i - 3):i]
    if any(w in NEGATION for w in before):
        ev.realis, ev.modality = "other", "negated"
    elif any(w in FUTURE for w in before):
        ev.realis, ev.modality = "other", "predicted"
    elif any(w in POSSIBLE for w in before) or "if" in words[:i]:
        ev.realis, ev.modality = "other", "hypothetical"
    elif i >= 2 and words[i - 1] == "to" and words[i - 2] in PLANNING:
        ev.realis, ev.modality = "other", "planned"
    elif i >= 1 and words[i - 1] == "to" and any(w in REQUESTING for w in words[max(0, i - 6):i]):
        ev.realis, ev.modality = "other", "hypothetical"


def _arguments(events: list[Event], sentences: list[Sentence], mentions: list[Mention], times: list[Timex]) -> None:
    for ev in events:
        sent = sentences[ev.sentence]
        inside = [m for m in mentions if sent.start <= m.start and m.end <= sent.end]
        before = [m for m in inside if m.end <= ev.start and m.name.type in AGENTIVE]
        after = [m for m in inside if m.start >= ev.end]
        if before:
            ev.arguments.append(("actor", before[-1]))
        agent_after = [m for m in after if m.name.type in AGENTIVE and (not before or m.name.key != before[-1].name.key)]
        if agent_after:
            ev.arguments.append(("recipient", agent_after[0]))
        instrument = [m for m in after if m.name.type in ("VEH", "WEA")]
        if instrument:
            ev.arguments.append(("instrument", instrument[0]))
        place = [m for m in after if m.name.type in ("LOC", "FAC")]
        if place:
            ev.arguments.append(("place", place[0]))
        when = [t for t in times if sent.start <= t.start and t.end <= sent.end]
        if when:
            ev.arguments.append(("time", min(when, key=lambda t: abs(t.start - ev.start))))


def first_mention(ev: Event) -> Event:
    return next((target for kind, target in ev.links if kind == "same_as"), ev)


def _links(events: list[Event], sentences: list[Sentence]) -> None:
    """same_as: a later trigger of the same lemma and type (event coreference, to the first
    mention); refers_to: a speech act to the next event of its sentence; response_to: explicit cues."""
    first: dict[tuple[str, str], Event] = {}
    for ev in events:
        key = (ev.lemma, ev.type)
        if key in first:
            ev.links.append(("same_as", first[key]))
        else:
            first[key] = ev
    for ev in events:
        if ev.type in SPEECH:
            later = [e for e in events if e.sentence == ev.sentence and e.start > ev.end and e.type != "STATEMENT"]
            if later and first_mention(later[0]) is not ev:
                ev.links.append(("refers_to", first_mention(later[0])))
    for si, sent in enumerate(sentences):
        words = [t.text.lower() for t in sent.tokens]
        for cue in LINK_CUES:
            for i in range(len(words) - len(cue) + 1):
                if tuple(words[i:i + len(cue)]) != cue:
                    continue
                cue_start = sent.tokens[i].start
                cue_end = sent.tokens[i + len(cue) - 1].end
                here = [e for e in events if e.sentence == si]
                source = [e for e in here if e.end <= cue_start]
                target = [e for e in here if e.start >= cue_end]
                if source and target and first_mention(target[0]) is not source[-1]:
                    source[-1].links.append(("response_to", first_mention(target[0])))
