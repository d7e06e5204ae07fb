"""The coder's dictionaries, loaded once: names -> entity type and Wikidata id, verb forms ->
CAMEO code -> PLOVER type. A ``Lexicon`` is the base tables plus what was learned from gold
documents (``learn``): harvested names and a trigger lexicon, never from the scored document."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from builders.annotation.resolve import occurrences
from builders.files import project_file

DATA = project_file("coder/data")  # the coder's tables and model.json (builders/files.py finds every data file)


def _rows(name: str) -> list[list[str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return [r for r in csv.reader(f, delimiter="\t") if r and not r[0].startswith("#")]


@dataclass(frozen=True)
class Name:
    """What a name stands for: the entity's grouping key, canonical name, type and QID."""

    key: str
    name: str
    type: str
    kb_id: str | None


def norm(surface: str) -> str:
    return re.sub(r"\s+", " ", surface.replace("\u2019", "'")).strip().upper()


@cache
def cameo2plover() -> dict[str, str]:
    return {code: plover for code, plover in _rows("cameo2plover.tsv")}


def plover_of(code: str) -> str | None:
    """CAMEO 01x -> STATEMENT and 02x -> REQUEST (ANNOTATION.md 4.3, 4.9); the rest by CAMEO2PLOVER."""
    if code.startswith("01"):
        return "STATEMENT"
    if code.startswith("02"):
        return "REQUEST"
    table = cameo2plover()
    for n in (len(code), 3, 2):
        if code[:n] in table:
            return table[code[:n]]
    return None


@cache
def base_names() -> dict[str, Name]:
    """qids.tsv (checked QIDs: labels, aliases in its notes) over PETRARCH2's country and IGO names."""
    names: dict[str, Name] = {}
    by_code: dict[str, Name] = {}
    for label, qid, etype, *rest in _rows("qids.tsv"):
        note = rest[0] if rest else ""
        city = "city itself only" in note or "only when the city" in note
        base = re.sub(r"\s*\(.*\)$", "", label)
        entry = Name(qid, base, etype, qid)
        if city:
            continue  # a capital as metonymy is the country (3.5): the country row lists it
        names.setdefault(norm(base), entry)
        for alias in re.split(r",\s*", re.sub(r"\([^)]*\)", "", note.split(";")[0])):
            alias = re.sub(r"^(also|the)\s+", "", alias.strip()).strip('" ')
            if alias and alias[0].isupper() and len(alias) < 40 and " as " not in alias and " when " not in alias:
                names.setdefault(norm(alias), entry)
    for entry in names.values():
        if entry.type == "GPE":
            by_code.setdefault(entry.name.upper(), entry)
    petrarch: dict[str, list[str]] = defaultdict(list)
    for name, code, etype in _rows("actors.tsv"):
        petrarch[code].append(name)
    for code, surfaces in petrarch.items():
        surfaces = [s[4:] if s.startswith("THE ") else s for s in surfaces]
        first = surfaces[0]
        votes = Counter(names[s] for s in surfaces if s in names and names[s].type == "GPE")
        linked = votes.most_common(1)[0][0] if votes and not code.startswith(("IGO", "NGO")) else None
        etype = "ORG" if code.startswith(("IGO", "NGO")) else "GPE"
        entry = linked or Name(code, first.title(), etype, None)
        if code.startswith(("IGO", "NGO")):
            entry = next((names[s] for s in surfaces if s in names), entry)
        for s in surfaces:
            names.setdefault(norm(s), entry)
    return names


@cache
def titles() -> frozenset[str]:
    """Agent titles (PETRARCH2 agents) that precede a person's name: 'President', 'Prime Minister'."""
    heads = ("PRESIDENT", "MINISTER", "SECRETARY", "ADVISOR", "ADVISER", "AMBASSADOR", "GENERAL", "CHANCELLOR",
             "SPOKESMAN", "SPOKESPERSON", "KING", "CROWN PRINCE", "SENATOR", "LEADER", "COMMANDER", "ADMIRAL",
             "AYATOLLAH", "SHEIKH", "EMIR", "PREMIER", "CHAIRMAN")
    found = {p for p, _ in _rows("agents.tsv") if p.endswith(heads) and len(p) < 40}
    return frozenset(found | set(heads) | {"DR.", "MR.", "MS.", "MRS.", "VICE PRESIDENT", "PRESS SECRETARY"})


@cache
def verbs() -> tuple[dict[str, str], dict[str, str]]:
    """(lemma -> CAMEO code, irregular form -> lemma) for verbs whose code has a GeoSignal type."""
    codes, forms = {}, {}
    for lemma, code, irregular in _rows("cameo_verbs.tsv"):
        codes[lemma] = code
        for form in irregular.split():
            forms.setdefault(form, lemma)
    return codes, forms


def lemma_candidates(word: str) -> list[str]:
    """Simple English morphology, enough for verb and event-noun forms (no lookup tables shipped)."""
    w = word.lower()
    out = [w]
    if w.endswith("ies"):
        out.append(w[:-3] + "y")
    if w.endswith("es"):
        out.append(w[:-2])
    if w.endswith("s") and not w.endswith("ss"):
        out.append(w[:-1])
    if w.endswith("ied"):
        out.append(w[:-3] + "y")
    if w.endswith("ed"):
        out += [w[:-2], w[:-1]]
        if len(w) > 4 and w[-3] == w[-4]:
            out.append(w[:-3])
    if w.endswith("ing"):
        out += [w[:-3], w[:-3] + "e"]
        if len(w) > 5 and w[-4] == w[-5]:
            out.append(w[:-4])
    if w.endswith("ment"):
        out.append(w[:-4])
    if w.endswith("ation"):
        out += [w[:-5] + "e", w[:-5], w[:-3] + "e"]
    return out


@dataclass(frozen=True)
class TriggerEntry:
    type: str
    cameo: str | None


@dataclass
class Lexicon:
    """Base dictionaries plus gold-learned additions (empty for the dictionary-only baseline)."""

    names: dict[str, Name] = field(default_factory=dict)  # learned names, override the base
    triggers: dict[str, TriggerEntry] = field(default_factory=dict)  # learned lemma -> type
    blocked: frozenset[str] = frozenset()  # dictionary lemmas the gold never uses as triggers
    nominals: dict[str, tuple[str, str]] = field(default_factory=dict)  # lower-case NOM/PRO text -> (kind, type)
    stances: dict[str, str] = field(default_factory=dict)  # trigger lemma -> polarity of the stance it expresses
    learned: bool = False
    stance_model: Any = None  # stances.StanceModel trained on gold (training.fit), else the rules
    recognizer: Any = None  # text -> [(start, end, type)]: a user's NER back-end (model.spacy_recognizer)

    def name(self, surface: str) -> Name | None:
        key = norm(surface)
        return self.names.get(key) or base_names().get(key)

    def lemma(self, word: str) -> str | None:
        """The lemma of ``word`` known to a trigger table, or None."""
        codes, forms = verbs()
        w = word.lower()
        if w in forms:
            return forms[w]
        for cand in lemma_candidates(w):
            if cand in self.triggers or cand in codes:
                return cand
        return None

    def trigger(self, word: str) -> tuple[str, TriggerEntry] | None:
        lemma = self.lemma(word)
        if lemma is None or lemma in self.blocked:
            return None
        if lemma in self.triggers:
            return lemma, self.triggers[lemma]
        code = verbs()[0].get(lemma)
        plover = plover_of(code) if code else None
        return (lemma, TriggerEntry(plover, code)) if plover else None


def learn(gold: Iterable[dict[str, Any]], min_rate: float = 0.25, min_count: int = 1) -> Lexicon:
    """A lexicon learned from gold record dicts (training folds only): every NAM mention's text as
    a name of its entity's type and QID; every single-word trigger's lemma with its majority type
    and CAMEO code, kept when the word is a trigger in at least ``min_rate`` of its occurrences;
    dictionary lemmas that occur >= 3 times in the gold and are never a trigger are blocked."""
    base = Lexicon()
    names: dict[str, Counter] = defaultdict(Counter)
    typed: dict[str, Counter] = defaultdict(Counter)
    as_trigger: Counter = Counter()
    seen: Counter = Counter()
    nominal: dict[str, Counter] = defaultdict(Counter)
    nominal_seen: Counter = Counter()
    texts: list[str] = []
    polar: dict[str, Counter] = defaultdict(Counter)
    for records in gold:
        text = records["documents"][0]["text"]
        lower = text.lower()
        for ent in records["entities"]:
            for m in ent["mentions"]:
                kind = m.get("kind") or "NAM"
                if kind in ("NOM", "PRO") and len(m["text"].split()) <= 4:
                    nominal[m["text"].lower()][(kind, ent["type"])] += 1
                if (m.get("kind") or "NAM") == "NAM" and m["text"][:1].isupper():
                    names[norm(m["text"])][(ent.get("name") or m["text"], ent["type"], ent.get("kb_id"))] += 1
        for ev in records["events"]:
            words = ev["trigger"]["text"].split()
            lemma = _learn_lemma(base, words[-1])
            if lemma:
                typed[lemma][(ev["type"], ev.get("cameo"))] += 1
                as_trigger[lemma] += 1
        for word in re.findall(r"[A-Za-z][A-Za-z'-]+", text):
            lemma = _learn_lemma(base, word)
            if lemma:
                seen[lemma] += 1
        texts.append(lower)
        for st in records["stances"]:
            ev0, ev1 = st["evidence"]["start"], st["evidence"]["end"]
            inside = [e for e in records["events"] if ev0 <= e["trigger"]["start"] < ev1]
            if inside:
                lemma = _learn_lemma(base, inside[0]["trigger"]["text"].split()[-1])
                if lemma:
                    polar[lemma][st["polarity"]] += 1
    for phrase in nominal:
        nominal_seen[phrase] = sum(len(occurrences(t, phrase)) for t in texts)
    learned_stances = {l: v.most_common(1)[0][0] for l, v in polar.items()
                       if sum(v.values()) >= min_count and sum(v.values()) / max(as_trigger[l], 1) >= 0.4}
    learned_nominals = {}
    for phrase, votes in nominal.items():
        n = sum(votes.values())
        if n >= min_count and n / max(nominal_seen[phrase], 1) >= 0.5:
            learned_nominals[phrase] = votes.most_common(1)[0][0]
    learned_names = {}
    for key, votes in names.items():
        (name, etype, kb), _ = votes.most_common(1)[0]
        learned_names[key] = base_names().get(key) if base_names().get(key) and base_names()[key].type == etype else \
            Name(kb or name.upper(), name, etype, kb)
    triggers = {}
    for lemma, votes in typed.items():
        rate = as_trigger[lemma] / max(seen[lemma], 1)
        if as_trigger[lemma] >= min_count and rate >= min_rate:
            (etype, cameo), _ = votes.most_common(1)[0]
            triggers[lemma] = TriggerEntry(etype, cameo)
    codes = verbs()[0]
    blocked = frozenset(l for l, n in seen.items() if l in codes and n >= 3 and
                        (as_trigger[l] / n) < min_rate and l not in triggers)
    return replace(base, names=learned_names, triggers=triggers, blocked=blocked, nominals=learned_nominals,
                   stances=learned_stances, learned=True)


def _learn_lemma(base: Lexicon, word: str) -> str | None:
    """A word's lemma for learning: a known lemma, else the word's shortest candidate form."""
    known = base.lemma(word)
    if known:
        return known
    cands = lemma_candidates(word)
    return cands[0] if word.isalpha() else None
