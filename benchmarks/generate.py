"""A deterministic generator of realistic GeoSignal documents, in the real corpus format, in two shapes.

- ``article``: a long web article as scraped (image markup, a caption row, the publisher's name
  glued to the first sentence, bulleted paragraphs), plain-text source, like the seed article;
- ``statement``: a short government statement in Markdown (front matter, hard-wrapped body, an
  end mark), first person plural, like the White House statements of corpus/.

Sentences come from templates dense in events (one to four triggers each), filled from a cast
of actors, people, organisations, places, weapons and time expressions drawn per document. The
annotation is written the way the corpus's annotators write it: every occurrence of every name
is a mention; quotes that occur more than once get a short ``context:`` (now and then an
``occurrence:`` or offsets); pronoun and nominal mentions with their ``kind``; arguments with
their ``text``; time expressions with a TIMEX3 value; event links inside and across sentences;
stances with their evidence; notes (plain, quoted or folded) and section comments. Event,
stance, mention and annotation-byte densities per document match the real documents of each
shape (benchmarks/README.md has the table; ``benchmarks/density.py`` measures it). The same
seed gives byte-identical corpora.

    python benchmarks/generate.py --docs 1000 --shape statement --out /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from bisect import bisect_left, bisect_right
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builders.annotation.resolve import occurrences  # noqa: E402
from builders.source.clean import clean  # noqa: E402

SHAPES = ("article", "statement")
VERSION = "2"  # of the generator's output: a cached corpus of another version is written again

# key, name (with "the" when the name takes it), short name, adjective, capital, Wikidata id
ACTORS = [
    ("usa", "the United States", "U.S.", "American", "Washington", "Q30"),
    ("russia", "Russia", None, "Russian", "Moscow", "Q159"),
    ("ukraine", "Ukraine", None, "Ukrainian", "Kyiv", "Q212"),
    ("china", "China", None, "Chinese", "Beijing", "Q148"),
    ("japan", "Japan", None, "Japanese", "Tokyo", "Q17"),
    ("south_korea", "South Korea", "ROK", "South Korean", "Seoul", "Q884"),
    ("north_korea", "North Korea", "DPRK", "North Korean", "Pyongyang", "Q423"),
    ("iran", "Iran", None, "Iranian", "Tehran", "Q794"),
    ("iraq", "Iraq", None, "Iraqi", "Baghdad", "Q796"),
    ("israel", "Israel", None, "Israeli", "Jerusalem", "Q801"),
    ("saudi_arabia", "Saudi Arabia", None, "Saudi", "Riyadh", "Q851"),
    ("uk", "the United Kingdom", "UK", "British", "London", "Q145"),
    ("france", "France", None, "French", "Paris", "Q142"),
    ("germany", "Germany", None, "German", "Berlin", "Q183"),
    ("australia", "Australia", None, "Australian", "Canberra", "Q408"),
    ("philippines", "the Philippines", None, "Philippine", "Manila", "Q928"),
    ("turkey", "Turkey", None, "Turkish", "Ankara", "Q43"),
    ("syria", "Syria", None, "Syrian", "Damascus", "Q858"),
]
PEOPLE = [("p_jenkins", "Sarah Jenkins", "she"), ("p_watanabe", "Kenji Watanabe", "he"), ("p_li", "Li Wei", "he"),
          ("p_petrova", "Anna Petrova", "she"), ("p_park", "Park Min-jun", "he"), ("p_cole", "David Cole", "he"),
          ("p_haddad", "Omar Haddad", "he"), ("p_novak", "Elena Novak", "she"), ("p_sato", "Yuki Sato", "she")]
TITLES = ["Foreign Minister", "Defense Minister", "spokesperson", "senior fellow", "national security adviser",
          "military analyst", "ambassador"]
ORGS = [("nato", "NATO", "Q7184"), ("un_sc", "UN Security Council", "Q37470"), ("iaea", "International Atomic Energy Agency", "Q826700"),
        ("indopacom", "Indo-Pacific Command", None), ("pla", "People's Liberation Army", None),
        ("csis", "Center for Strategic and International Studies", None), ("irgc", "Revolutionary Guard", None),
        ("houthis", "Houthis", None), ("eu", "European Union", "Q458"), ("g7", "G7", "Q1764511")]
PLACES = [("sea_of_japan", "the Sea of Japan", "LOC"), ("east_china_sea", "the East China Sea", "LOC"),
          ("south_china_sea", "the South China Sea", "LOC"), ("red_sea", "the Red Sea", "LOC"), ("black_sea", "the Black Sea", "LOC"),
          ("taiwan_strait", "the Taiwan Strait", "LOC"), ("erbil", "Erbil", "GPE"), ("kharkiv", "Kharkiv", "GPE"),
          ("al_asad", "Al Asad Air Base", "FAC"), ("yongbyon", "Yongbyon", "FAC"), ("persian_gulf", "the Persian Gulf", "LOC")]
WEAPONS = [("b52", "B-52 bombers", "VEH", "NAM"), ("f35", "F-35 fighters", "VEH", "NAM"), ("icbm", "ballistic missile", "WEA", "NOM"),
           ("drones", "drones", "WEA", "NOM"), ("patriot", "Patriot batteries", "WEA", "NAM"), ("warships", "warships", "VEH", "NOM"),
           ("cruise", "cruise missiles", "WEA", "NOM"), ("tu95", "Tu-95MS bombers", "VEH", "NAM")]
NOTES = [
    "The text presents it as a signal to the other side, not as an act of force (ANNOTATION.md 4.3).",
    "A statement about the event, not the event itself; the actor is the speaker (4.9).",
    "Metonymy: the capital stands for the government (3.4).",
    "The pronoun refers back to the country named in the previous sentence (3.7).",
    "The stated purpose of the operation; the actor is the one who carries it out.",
    "Nested names are not mentions of the outer entity (ANNOTATION.md 3.5).",
    "A requested event: realis other, its modality says why (4.9).",
    "No Wikidata item is certain for this group, so kb_id stays null.",
    "The text gives no date for it, so the time argument is left out rather than guessed (4.10).",
    "Read together with the previous sentence, which names the actor; the clause alone would not say who acts.",
    "A joint action: both countries are actors, the addressee of the signal is the recipient (PLOVER compound actors).",
    "The quote is the speaker's own characterisation, reported by the article; the stance is the speaker's, not the paper's.",
]
HEADINGS = ["Regional Reactions and Escalating Tensions", "A Pattern of Signalling", "What Comes Next"]

# Sentence templates: literal text with slots in braces, then the arguments, links and stance.
#   {A} {B} {C} {D}        distinct countries (name, short name or capital); {A:adj} adjective, {A:its} pronoun
#   {PER} {PER:pro} {ORG} {LOC} {WEA} {TIME}   a person (pronoun), an organisation, a place, a weapon, a time
#   {WE} {We} {OUR} {Our}  the author (statements): first-person pronouns of the author's country
#   {eN:TYPE:CAMEO:trigger words[?modality]}   an event trigger (CAMEO '-' when none; ?modality: realis other)
# args: "eN role SLOT", links: "eN type eM" (and eN type PREV: an event of an earlier sentence),
# stance: "HOLDER polarity TARGET" with the evidence from the holder's first trigger to the sentence end.
ARTICLE = [
    ("{A} and {B} conducted a {e1:MOBILIZE:150:joint exercise} with {WEA} over {LOC} {TIME}, a move analysts "
     "{e2:STATEMENT:010:described} as a {e3:THREATEN:138:warning} to {C}.",
     "e1 actor A; e1 actor B; e1 instrument WEA; e1 place LOC; e1 time TIME; e3 actor A; e3 actor B; e3 recipient C; e3 instrument WEA",
     "e2 refers_to e1; e3 same_as e1; e1 response_to PREV", ""),
    ("{A} {e1:ACCUSE:111:condemned} {B:adj} {e2:ASSAULT:190:missile strikes} on {LOC} {TIME}, which "
     "{e3:ASSAULT:190:killed} several civilians and {e4:ASSAULT:-:damaged} a power station.",
     "e1 actor A; e1 recipient B; e2 actor B; e2 place LOC; e2 time TIME; e3 actor B; e3 place LOC; e4 actor B; e4 place LOC",
     "e1 refers_to e2; e3 part_of e2; e4 part_of e2", "A oppose e2"),
    ('"This is a calibrated signal," {e1:STATEMENT:010:said} {PER}, a {TITLE} at the {ORG}, and {PER:pro} '
     "{e2:STATEMENT:010:argued} that {A} would {e3:MOBILIZE:150:deploy?predicted} more {WEA} to the region.",
     "e1 actor PER; e2 actor PER; e3 actor A; e3 instrument WEA", "e2 same_as e1; e2 refers_to e3", "PER neutral e3"),
    ("{A} {e1:REQUEST:-:called on} {B} to {e2:RETREAT:-:withdraw?hypothetical} its forces from {LOC} and to "
     "{e3:CONSULT:-:resume?hypothetical} talks.",
     "e1 actor A; e1 recipient B; e2 actor B; e2 place LOC; e3 actor B; e3 recipient A", "e1 refers_to e2; e1 refers_to e3", "A oppose B"),
    ("In {e2:PROTEST:-:response} to the {e3:ASSAULT:190:attack}, {A} {e1:SANCTION:163:imposed} new sanctions on "
     "{B:adj} officials {TIME}.",
     "e1 actor A; e1 recipient B; e1 time TIME; e2 actor A; e2 recipient B; e3 actor B; e3 recipient A", "e1 response_to e3; e2 same_as e1; e3 same_as PREV", ""),
    ("{B} {e1:REJECT:-:rejected} the {e2:ACCUSE:-:accusations} and {e3:THREATEN:138:warned} that {B:its} forces "
     "would {e4:ASSAULT:-:respond?warned_of} to any further provocation.",
     "e1 actor B; e2 recipient B; e3 actor B; e4 actor B", "e1 response_to e2; e3 refers_to e4; e2 refers_to PREV", "B oppose e2"),
    ("The {e1:ASSAULT:190:drone attack} on {LOC} {TIME} was {e2:ACCUSE:-:blamed} on {B}, though {B:cap} "
     "{e3:REJECT:-:denied} any role in it.",
     "e1 actor B; e1 place LOC; e1 time TIME; e2 recipient B; e3 actor B", "e2 refers_to e1; e3 response_to e2", ""),
    ("{PER}, the {TITLE} of {A}, {e1:CONSULT:040:met} {B:adj} officials in {LOC} to "
     "{e2:CONSULT:-:discuss?planned} a {e3:AGREE:-:ceasefire?hypothetical}.",
     "e1 actor PER; e1 recipient B; e1 place LOC; e2 actor PER; e2 recipient B; e3 actor A; e3 actor B", "e2 refers_to e3; e1 part_of e2", ""),
    ("Officials in {A:cap} {e1:SUPPORT:-:welcomed} the {e2:MOBILIZE:150:deployment} of {WEA} as a sign of "
     "{e3:COOPERATE:-:cooperation} with {B}.",
     "e1 actor A; e1 recipient B; e2 actor B; e2 instrument WEA; e3 actor A; e3 recipient B", "e1 refers_to e2; e2 same_as PREV", "A support e2"),
    ("{A} has {e1:AID:-:provided} {WEA} to {B}, and {A:its} officials {e2:AGREE:-:pledged} further support {TIME}.",
     "e1 actor A; e1 recipient B; e1 instrument WEA; e2 actor A; e2 recipient B; e2 time TIME", "e2 refers_to e1", "A support B"),
    ("The {ORG} {e1:STATEMENT:010:said} the {e2:MOBILIZE:150:patrol} by {A:adj} {WEA} near {LOC} was "
     "{e3:COERCE:-:intended} to {e4:THREATEN:-:intimidate?planned} {B}.",
     "e1 actor ORG; e2 actor A; e2 instrument WEA; e2 place LOC; e3 actor A; e3 recipient B; e4 actor A; e4 recipient B",
     "e1 refers_to e2; e4 part_of e2; e3 same_as e4", "ORG oppose e2"),
]
STATEMENT = [
    ("{We} strongly {e1:ACCUSE:111:condemn} {B:adj} {e2:ASSAULT:190:missile attack} on {LOC} {TIME}.",
     "e1 actor WE; e1 recipient B; e2 actor B; e2 place LOC; e2 time TIME", "e1 refers_to e2", "WE oppose e2"),
    ("These {e1:ASSAULT:190:attacks} {e2:ASSAULT:190:killed} civilians and {e3:ASSAULT:-:destroyed} civilian "
     "infrastructure.", "e2 actor B; e3 actor B", "e1 same_as PREV; e2 part_of e1; e3 part_of e1", ""),
    ("{We} {e1:STATEMENT:018:offer} {OUR} condolences to the families of those who were killed in {LOC}.",
     "e1 actor WE", "e1 refers_to PREV", "WE support LOC"),
    ("{We} will continue to {e1:SANCTION:163:impose?planned} costs on {B} and to {e2:AID:-:provide?planned} "
     "{C} with the support it needs.",
     "e1 actor WE; e1 recipient B; e2 actor WE; e2 recipient C", "e1 response_to PREV", "WE support C"),
    ("{We} {e1:REQUEST:-:call on} {B} to {e2:RETREAT:-:cease?hypothetical} these provocations and "
     "{e3:CONSULT:-:return?hypothetical} to dialogue.",
     "e1 actor WE; e1 recipient B; e2 actor B; e3 actor B", "e1 refers_to e2; e1 refers_to e3", "WE oppose B"),
    ("The leaders of {A}, {C} and {D} {e1:CONSULT:040:met} in {LOC} {TIME} and {e2:AGREE:-:reaffirmed} "
     "{OUR} commitment to {e3:COOPERATE:-:cooperation}.",
     "e1 actor A; e1 actor C; e1 actor D; e1 place LOC; e1 time TIME; e2 actor A; e2 actor C; e3 actor D",
     "e2 part_of e1; e3 refers_to e2", ""),
    ("{Our} {e1:SUPPORT:-:commitment} to the defense of {C} remains ironclad.", "e1 actor WE; e1 recipient C", "", "WE support C"),
    ("{B:adj} {e1:ASSAULT:-:launch} of a {WEA} {TIME} {e2:COERCE:-:violated} multiple resolutions of the "
     "{ORG} and {e3:THREATEN:138:threatens} regional security.",
     "e1 actor B; e1 instrument WEA; e1 time TIME; e2 actor B; e3 actor B", "e2 refers_to e1; e3 same_as e1", "ORG oppose e1"),
]
# Sentences without events: descriptions, background, reactions (mentions only).
ARTICLE_FILLER = [
    ("{A} has long been a close partner of its neighbours, and their forces train together several times a year.", "", "", ""),
    ("Analysts at the {ORG} noted that the route and the timing of the flights had been chosen with care.", "", "", ""),
    ("{PER}, who has followed the region for two decades, sees a familiar pattern of pressure and counter-pressure.", "", "", ""),
    ("{LOC} has become one of the most crowded operating environments in the world, with ships of many navies "
     "sailing in close proximity.", "", "", ""),
    ("The {WEA} of {A} are capable of carrying both conventional and nuclear payloads over long distances.", "", "", ""),
    ("Regional capitals are watching closely as the operating environment grows more crowded and the margin for error shrinks.",
     "", "", ""),
    ("The recurring pattern of tit-for-tat demonstrations has raised concerns about the risk of miscalculation.", "", "", ""),
    ("While all parties assert they are operating within international law, the cumulative effect is a steady "
     "militarization of {LOC}.", "", "", ""),
    ("For {A}, the calculus is shaped by geography, history and the memory of earlier crises with {B}.", "", "", ""),
]
STATEMENT_FILLER = [
    ("These actions undermine peace and stability in the region and around the world.", "", "", ""),
    ("{Our} thoughts are with the people of {C} and with all those affected by this tragedy.", "", "", ""),
    ("{US} remains committed to a peaceful resolution that respects the sovereignty and territorial integrity of {C}.",
     "", "", ""),
    ("{We} will remain in close contact with {C} and {D} in the days ahead, and with {OUR} allies and partners.", "", "", ""),
    ("{US} stands with the people of {C}, as {WE} have for decades.", "", "", ""),
]
SHAPE_SETTINGS = {
    # templates, fillers, share of filler sentences, paragraphs, sentences per paragraph, P(a time in a clause),
    # P(the template's stance), P(a note on an entity, event or stance), cast sizes; tuned to the real documents
    "article": dict(templates="ARTICLE", fillers="ARTICLE_FILLER", filler_share=0.65, paragraphs=(9, 13), sentences=(2, 4),
                    p_time=0.5, p_stance=0.8, p_note=0.45, p_arg_text=0.9,
                    cast=dict(countries=8, people=4, orgs=4, places=5, weapons=4)),
    "statement": dict(templates="STATEMENT", fillers="STATEMENT_FILLER", filler_share=0.53, paragraphs=(4, 8), sentences=(2, 3),
                      p_time=0.7, p_stance=0.8, p_note=0.5, p_arg_text=0.8,
                      cast=dict(countries=8, people=3, orgs=4, places=5, weapons=3)),
}
SLOT = re.compile(r"\{([^{}]+)\}")
# plain in a flow mapping: no comma, colon, brackets or quotes; never a YAML 1.1 bool or null
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 .'\u2019-]*[A-Za-z0-9.]|[A-Za-z]")
_RESERVED = {"yes", "no", "on", "off", "y", "n", "true", "false", "null"}


@dataclass
class Mention:
    start: int
    end: int
    kind: str


@dataclass
class Doc:
    shape: str
    rng: random.Random
    paragraphs: list[str] = field(default_factory=list)
    length: int = 0
    entities: dict[str, dict] = field(default_factory=dict)  # id -> {name, type, kb_id, surfaces, mentions, note}
    times: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    stances: list[dict] = field(default_factory=list)
    sections: list[tuple[int, str]] = field(default_factory=list)  # (first event index, comment)
    ids: set[str] = field(default_factory=set)
    published: str | None = None
    cast: dict[str, list] = field(default_factory=dict)
    settings: dict = field(default_factory=dict)

    def unique(self, base: str) -> str:
        name, n = base, 1
        while name in self.ids:
            n += 1
            name = f"{base}_{n}"
        self.ids.add(name)
        return name

    def entity(self, key: str, name: str, etype: str, kb_id: str | None) -> dict:
        if key not in self.entities:
            self.entities[key] = {"name": name, "type": etype, "kb_id": kb_id, "surfaces": set(), "mentions": [],
                                  "note": self.rng.choice(NOTES) if self.rng.random() < self.settings["p_note"] else None,
                                  "aliases": []}
            self.ids.add(key)
        return self.entities[key]


def _slug(words: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")


def _fill_sentence(doc: Doc, template: tuple[str, str, str, str], offset: int) -> str:
    """Fill one template at ``offset`` of the clean text; record its mentions, times, events and stance."""
    text_template, arg_spec, link_spec, stance_spec = template
    rng = doc.rng
    countries = rng.sample(doc.cast["countries"], 4)
    picks = {"A": countries[0], "B": countries[1], "C": countries[2], "D": countries[3],
             "PER": rng.choice(doc.cast["people"]), "ORG": rng.choice(doc.cast["orgs"]),
             "LOC": rng.choice(doc.cast["places"]), "WEA": rng.choice(doc.cast["weapons"]),
             "TIME": rng.choice(doc.cast["times"])}
    out, pos = [], offset
    slots: dict[str, str] = {}  # slot -> entity or time id
    spans: dict[str, tuple[int, int]] = {}  # slot -> its first span in this sentence
    events: dict[str, dict] = {}
    first = True

    def put(s: str) -> None:
        nonlocal pos
        out.append(s)
        pos += len(s)

    def mention(key: str, surface: str, kind: str, slot: str) -> None:
        start = pos
        put(surface)
        ent = doc.entities[key]
        ent["mentions"].append(Mention(start, pos, kind))
        if kind == "NAM":
            ent["surfaces"].add(surface)
        slots.setdefault(slot, key)
        spans.setdefault(slot, (start, pos))

    parts = SLOT.split(text_template)
    for i, part in enumerate(parts):
        if i % 2 == 0:
            if part:
                put(part[0].upper() + part[1:] if first and pos == offset else part)
            continue
        name, _, form = part.partition(":")
        at_start = pos == offset
        if name in "ABCD":
            key, full, short, adj, capital, qid = picks[name]
            doc.entity(key, full.removeprefix("the "), "GPE", qid)
            if form == "adj":
                mention(key, adj, "NAM", name)
            elif form == "its":
                mention(key, "its", "PRO", name)
            elif form == "cap":
                mention(key, capital, "NAM", name)
            else:
                choice = rng.random()
                if short and choice < 0.35:
                    mention(key, short, "NAM", name)
                elif choice < 0.5 and form != "name":
                    mention(key, capital, "NAM", name)
                else:
                    if full.startswith("the "):
                        put("The " if at_start else "the ")
                        full = full[4:]
                    mention(key, full, "NAM", name)
        elif name == "PER":
            key, full, pronoun = picks["PER"]
            doc.entity(key, full, "PER", None)
            if form == "pro":
                mention(key, pronoun, "PRO", "PER")
            else:
                mention(key, full if rng.random() < 0.6 or not doc.entities[key]["mentions"] else full.split()[-1], "NAM", "PER")
        elif name == "TITLE":
            put(rng.choice(TITLES))
        elif name == "ORG":
            key, full, qid = picks["ORG"]
            doc.entity(key, full, "ORG", qid)
            mention(key, full, "NAM", "ORG")
        elif name == "LOC":
            key, full, etype = picks["LOC"]
            doc.entity(key, full.removeprefix("the "), etype, None)
            if full.startswith("the "):
                put("The " if at_start else "the ")
            mention(key, full.removeprefix("the "), "NAM", "LOC")
        elif name == "WEA":
            key, full, etype, kind = picks["WEA"]
            doc.entity(key, full, etype, None)
            mention(key, full, kind, "WEA")
        elif name == "TIME":
            if rng.random() >= doc.settings["p_time"]:  # most clauses name no time
                if out and out[-1].endswith(" "):
                    out[-1] = out[-1][:-1]
                    pos -= 1
                continue
            surface, ttype, value = picks["TIME"]
            words = surface.split(" ", 1)
            if words[0] in ("on", "in", "at", "for") and len(words) == 2:  # the preposition is not part of the timex
                put(words[0] + " ")
                surface = words[1]
            start = pos
            put(surface)
            tid = doc.unique("t_" + _slug(surface))
            doc.times.append({"id": tid, "start": start, "end": pos, "type": ttype, "value": value})
            slots["TIME"] = tid
        elif name == "US":
            put("The " if at_start else "the ")
            mention(doc.cast["author"], "United States", "NAM", "WE")
        elif name in ("WE", "We", "OUR", "Our"):
            key = doc.cast["author"]
            word = {"WE": "we", "We": "We", "OUR": "our", "Our": "Our"}[name]
            mention(key, word, "PRO", "WE")
        elif name.startswith("e"):
            etype, cameo, words = form.split(":", 2)
            words, _, modality = words.partition("?")
            start = pos
            put(words)
            eid = doc.unique("ev_" + _slug(words))
            events[name] = {"id": eid, "type": etype, "cameo": None if cameo == "-" else cameo, "span": (start, pos),
                            "realis": "other" if modality else "actual", "modality": modality or None,
                            "arguments": [], "links": [],
                            "note": rng.choice(NOTES) if rng.random() < doc.settings["p_note"] else None}
        first = False
    sentence = "".join(out)
    for item in filter(None, (s.strip() for s in arg_spec.split(";"))):
        ev, role, slot = item.split()
        if ev not in events or slot not in slots:
            continue
        if slot == "TIME":
            events[ev]["arguments"].append({"role": "time", "time": slots[slot]})
        else:
            events[ev]["arguments"].append({"role": role, "entity": slots[slot],
                                            "span": spans[slot] if rng.random() < doc.settings["p_arg_text"] else None})
    previous = [e["id"] for e in doc.events]
    for item in filter(None, (s.strip() for s in link_spec.split(";"))):
        ev, ltype, other = item.split()
        if other == "PREV":
            if previous and rng.random() < 0.7:
                events[ev]["links"].append((ltype, rng.choice(previous[-6:])))
        elif other in events:
            events[ev]["links"].append((ltype, events[other]["id"]))
    trigger_order = sorted(events, key=lambda k: events[k]["span"][0])
    if stance_spec and rng.random() < doc.settings["p_stance"]:
        holder, polarity, target = stance_spec.split()
        holder_id = slots.get(holder)
        target_id = events[target]["id"] if target in events else slots.get(target)
        if holder_id and target_id and trigger_order:
            start = events[trigger_order[0]]["span"][0]
            if holder in spans and spans[holder][0] < start:
                start = spans[holder][0]
            doc.stances.append({"id": doc.unique(f"st_{holder_id}_{_slug(target_id)}"), "holder": holder_id,
                                "target": target_id, "polarity": polarity, "span": (start, offset + len(sentence) - 1),
                                "note": rng.choice(NOTES) if rng.random() < doc.settings["p_note"] else None})
    doc.events.extend(events[k] for k in trigger_order)
    return sentence


def _cast(rng: random.Random, shape: str) -> dict[str, list]:
    """Who and what a document talks about: drawn once, so names recur as they do in real articles."""
    sizes = SHAPE_SETTINGS[shape]["cast"]
    # a statement's author (the United States) speaks as "we": it is not one of the other countries
    countries = rng.sample(ACTORS[1:] if shape == "statement" else ACTORS, sizes["countries"])
    year = rng.randint(2019, 2025)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    date = f"{year}-{month:02d}-{day:02d}"
    times = [("today", "DATE", date), ("this week", "DATE", "PRESENT_REF" if shape == "article" else f"{year}-W{rng.randint(1, 52):02d}"),
             ("on Tuesday", "DATE", f"'{date}'"), ("last month", "DATE", f"{year}-{month:02d}" if month > 1 else "PAST_REF"),
             (f"in March {year}", "DATE", f"{year}-03"), ("overnight", "TIME", f"{date}TNI"),
             ("in the coming weeks", "DATE", "FUTURE_REF"), ("for three days", "DURATION", "P3D")]
    return {"countries": countries, "people": rng.sample(PEOPLE, sizes["people"]), "orgs": rng.sample(ORGS, sizes["orgs"]),
            "places": rng.sample(PLACES, sizes["places"]), "weapons": rng.sample(WEAPONS, sizes["weapons"]),
            "times": rng.sample(times, 4), "date": [date], "author": ["usa"]}


def generate_doc(rng: random.Random, index: int, shape: str = "article", small: bool = False) -> tuple[bytes, str]:
    """One document of ``shape``: (raw source bytes, annotation YAML); ``small``: 2 or 3 paragraphs,
    never a long one (for tests that need many documents, not long ones)."""
    settings = SHAPE_SETTINGS[shape]
    doc = Doc(shape, rng, settings=settings)
    doc.cast = _cast(rng, shape)
    date = doc.cast["date"][0]
    if shape == "statement":
        doc.cast["author"] = "usa"
        doc.entity("usa", "United States", "GPE", "Q30")
    templates, fillers = globals()[settings["templates"]], globals()[settings["fillers"]]
    paragraphs = rng.randint(*settings["paragraphs"])
    if shape == "article" and rng.random() < 0.05:  # one article in twenty is several times longer
        paragraphs *= rng.randint(2, 4)
    if small:
        paragraphs = 2 + paragraphs % 2
    decks: dict[int, list] = {0: [], 1: []}  # shuffled decks: a template comes back only after the others
    for p in range(paragraphs):
        sentences: list[str] = []
        first_event = len(doc.events)
        for _ in range(rng.randint(*settings["sentences"])):
            offset = doc.length + (1 if doc.paragraphs else 0) + sum(len(s) + 1 for s in sentences)
            filler = int(rng.random() < settings["filler_share"])
            if not decks[filler]:
                decks[filler] = rng.sample(fillers if filler else templates, len(fillers if filler else templates))
            sentences.append(_fill_sentence(doc, decks[filler].pop(), offset))
        text = " ".join(sentences)
        doc.length += (1 if doc.paragraphs else 0) + len(text)
        doc.paragraphs.append(text)
        if len(doc.events) > first_event:
            doc.sections.append((first_event, f"paragraph {p + 1}"))
        if shape == "article" and p in (3, 8) and p + 1 < paragraphs:
            doc.length += 1 + len(heading := rng.choice(HEADINGS))
            doc.paragraphs.append(heading)
    text = "\n".join(doc.paragraphs)
    if shape == "statement":
        raw, publisher, source_format = _markdown_source(doc, rng, date), "The White House", "markdown"
    else:
        publisher = rng.choice(["VISTORBELITUNG.COM", "EXAMPLE-NEWS.COM", "ASIADEFENSE.NET"])
        raw, source_format = _web_source(doc, rng, publisher), "text"
    cleaned = clean(raw.decode("utf-8"), publisher, source_format).text
    assert cleaned == text, "generator and cleaner disagree"
    return raw, _annotation(doc, text, raw, publisher, source_format, rng, index, date)


def _web_source(doc: Doc, rng: random.Random, publisher: str) -> bytes:
    lines = ["![]() |", f"| Foto: {rng.choice(WEAPONS)[1]} |"]
    for i, p in enumerate(doc.paragraphs):
        if i == 0:
            lines.append(f"{publisher},{p}")
        elif rng.random() < 0.15 and p not in HEADINGS:
            lines.append("\u00b7 " + p)
        else:
            lines.append(p)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _wrap(paragraph: str, width: int = 72) -> list[str]:
    lines, line = [], ""
    for word in paragraph.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line]


def _markdown_source(doc: Doc, rng: random.Random, date: str) -> bytes:
    slug = _slug(doc.paragraphs[0][:50]).replace("_", "-")
    url = f"https://www.whitehouse.gov/briefing-room/statements-releases/{date.replace('-', '/')}/{slug}/"
    out = ["---", f"date: '{date}'", f"published_time: {date} 12:{rng.randint(10, 59)}:08-04:00", f"source_url: {url}",
           "tags: statements-releases", f'title: "Statement on {doc.paragraphs[0][:40].strip()}"', "---", " "]
    for p in doc.paragraphs:
        wrapped = _wrap(p)
        out += wrapped[:-1] + [wrapped[-1] + "  ", "   "]
    out += ["", "\\###", ""]
    return "\n".join(out).encode("utf-8")


def _q(s: str, flow: bool = True) -> str:
    """A YAML scalar: plain when safe (as annotators write it), else double-quoted."""
    if _PLAIN.fullmatch(s) and s.lower() not in _RESERVED and not (flow and "," in s):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


@lru_cache(maxsize=4)
def _words(text: str) -> tuple[list[int], list[int]]:
    found = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    return [a for a, _ in found], [b for _, b in found]


def _context(text: str, start: int, end: int) -> str | None:
    """The shortest run of whole words around a span that occurs once and holds the quote once."""
    quote = text[start:end]
    starts, ends = _words(text)
    first = bisect_right(ends, start)
    if first >= len(ends):
        return None
    last = min(bisect_left(ends, end, first), len(ends) - 1)
    left, right = first, last
    for grow in range(8):
        a, b = starts[left], ends[right]
        context = text[a:b].rstrip(".,;:")
        if "\n" not in context and text.count(context) == 1 and len(occurrences(context, quote)) == 1 \
                and a <= start and end <= a + len(context) and '"' not in context:
            return context
        if grow % 2 == 0 and right + 1 < len(ends):
            right += 1
        elif left > 0:
            left -= 1
        elif right + 1 < len(ends):
            right += 1
    return None


def _ref(text: str, start: int, end: int, rng: random.Random, extra: str = "", plain_ok: bool = True) -> str:
    """A span as annotators write it: the plain quote when it is unique, else a context, now and then
    an occurrence number or offsets."""
    quote = text[start:end]
    found = occurrences(text, quote)
    if len(found) == 1 and plain_ok and not extra:
        return _q(quote, flow=False)
    if len(found) == 1:
        return f"{{text: {_q(quote)}{extra}}}"
    style = rng.random()
    if style < 0.75 and (context := _context(text, start, end)):
        return f'{{text: {_q(quote)}, context: "{context}"{extra}}}'
    if style < 0.92:
        return f"{{text: {_q(quote)}, occurrence: {found.index(start) + 1}{extra}}}"
    return f"{{text: {_q(quote)}, start: {start}, end: {end}{extra}}}"


def _note(rng: random.Random, indent: str) -> list[str]:
    """A note as annotators write one: one to three sentences, plain, single-quoted or folded."""
    note = " ".join(rng.sample(NOTES, rng.randint(1, 3)))
    style = rng.random()
    if style < 0.4:
        return [f"{indent}note: {_q(note, flow=False)}"]
    if style < 0.7:
        return [f"{indent}note: '{note.replace(chr(39), chr(39) * 2)}'"]
    return [f"{indent}note: >-", *(f"{indent}  {line}" for line in _wrap(note, 70))]


def _annotation(doc: Doc, text: str, raw: bytes, publisher: str, source_format: str, rng: random.Random,
                index: int, date: str) -> str:
    statement = doc.shape == "statement"
    out = [f"# GeoSignal annotation of generated document {index} (benchmarks/generate.py, shape {doc.shape}).",
           "# Spans are quoted from the clean text; see ANNOTATION.md.",
           "format: geosignal-annotation/2", "", "document:",
           f"  source_name: generated_{index:06d}.{'md' if statement else 'txt'}",
           f"  source_sha256: {hashlib.sha256(raw).hexdigest()}", f"  source_format: {source_format}",
           f"  title: {_q(doc.paragraphs[0][:60].rsplit(' ', 1)[0], flow=False) if statement else 'null'}",
           f"  publisher: {publisher}",
           f"  url: https://www.whitehouse.gov/briefing-room/generated-{index}/" if statement else "  url: null",
           "  language: en", f"  published: '{date}'" if statement else "  published: null"]
    if statement:
        path = f"statements-releases/{date[:7]}/{date}-generated-statement-{index:06d}.md"
        out += ["  author: {name: Joe Biden, kb_id: Q6279, entity: null}",
                f"  obtained: The Markdown file {path} generated by benchmarks/generate.py in the shape of the White "
                "House Briefing Room archive, kept byte-for-byte.",
                "  provenance:", "    repository: geosignal/benchmarks", "    commit: 0123456789abcdef",
                f"    path: {path}", "    row: null", "    field: null",
                f"    url: https://www.whitehouse.gov/briefing-room/statements-releases/{date.replace('-', '/')}/generated-{index}/",
                "  license:", "    spdx: LicenseRef-PublicDomain-USGov", "    redistributable: true", "    attribution: null",
                "    note: Synthetic text in the shape of a work of the US federal government, in the public domain in "
                "the United States (17 U.S.C. 105); the generator's output carries no rights."]
    else:
        out += ["  author: null", "  obtained: >-",
                "    Generated by benchmarks/generate.py in the shape of a web scrape (image markup, a caption row",
                "    and the publisher's name glued to the first sentence); kept byte-for-byte.",
                "  license:", "    spdx: CC0-1.0", "    redistributable: true", "    attribution: null",
                "    note: >-", "      Synthetic text written by the benchmark generator; no rights are reserved and it",
                "      may be redistributed."]
    out += ["  annotation:", "    status: silver", "    annotators: [benchmarks/generate.py]", "    tool: null", "", "entities:"]
    labelled = {(m.start, m.end) for e in doc.entities.values() for m in e["mentions"] if m.kind == "NAM"}

    def nested(s: int, e: int) -> bool:  # "Japan" inside "Sea of Japan" is not a mention of Japan
        return any(a <= s and e <= b and (a, b) != (s, e) for a, b in labelled)

    taken: set[tuple[int, int]] = set()
    written: set[str] = set()
    groups = {"GPE": "geo-political entities (metonymic capitals and nationality adjectives included)",
              "PER": "people quoted or named", "ORG": "organisations, armed forces and think tanks",
              "LOC": "places: seas, straits, cities and bases", "GPE2": "", "FAC": "places: seas, straits, cities and bases",
              "VEH": "weapons and vehicles", "WEA": "weapons and vehicles"}
    order = ["GPE", "PER", "ORG", "LOC", "FAC", "VEH", "WEA"]
    said: set[str] = set()
    for key, ent in sorted(doc.entities.items(), key=lambda kv: order.index(kv[1]["type"])):
        if not statement and groups[ent["type"]] not in said:
            said.add(groups[ent["type"]])
            out.append(f"  # --- {groups[ent['type']]} ---")
        spans = {(m.start, m.end): m.kind for m in ent["mentions"]}
        for surface in sorted(ent["surfaces"]):  # every occurrence of every name is a mention
            for s in occurrences(text, surface):
                spans.setdefault((s, s + len(surface)), "NAM")
        spans = {k: v for k, v in spans.items() if k not in taken and not (v == "NAM" and nested(*k))}
        if not spans:
            continue
        taken |= set(spans)
        written.add(key)
        out += [f"  - id: {key}", f"    name: {_q(ent['name'], flow=False)}", f"    type: {ent['type']}",
                f"    kb_id: {ent['kb_id'] or 'null'}"]
        aliases = sorted(ent["surfaces"] - {ent["name"]})
        if aliases and rng.random() < 0.5:
            out.append(f"    aliases: [{', '.join(_q(a) for a in aliases)}]")
        if ent["note"]:
            out += _note(rng, "    ")
        out.append("    mentions:")
        for (s, e), kind in sorted(spans.items()):
            out.append(f"      - {_ref(text, s, e, rng, '' if kind == 'NAM' else f', kind: {kind}')}")
    if doc.times:
        out += ["", "times:"]
        for t in doc.times:
            ref = _ref(text, t["start"], t["end"], rng, extra=" ").strip()
            inner = ref[1:-1] if ref.startswith("{") else f"text: {ref}"
            inner = inner.rstrip(", ").rstrip()
            out.append(f"  - {{id: {t['id']}, {inner}, type: {t['type']}, value: {t['value']}}}")
    out += ["", "events:" if doc.events else "events: []"]
    sections = dict(doc.sections)
    for i, ev in enumerate(doc.events):
        if i in sections and not statement:
            out += ["", f"  # --- {sections[i]}: {ev['type'].lower()} and what answers it ---"]
        s, e = ev["span"]
        out += [f"  - id: {ev['id']}", f"    type: {ev['type']}"]
        if ev["cameo"]:
            out.append(f'    cameo: "{ev["cameo"]}"')
        out += [f"    trigger: {_ref(text, s, e, rng)}", f"    realis: {ev['realis']}"]
        if ev["modality"]:
            out.append(f"    modality: {ev['modality']}")
        if ev["note"]:
            out += _note(rng, "    ")
        args = [a for a in ev["arguments"] if a.get("time") or a["entity"] in written]
        if args:
            out.append("    arguments:")
            for a in args:
                if "time" in a:
                    out.append(f"      - {{role: time, time: {a['time']}}}")
                elif a["span"] and a["span"] in taken:
                    ref = _ref(text, *a["span"], rng, extra=" ")
                    inner = (ref[1:-1] if ref.startswith("{") else f"text: {ref}").rstrip(", ").rstrip()
                    out.append(f"      - {{role: {a['role']}, entity: {a['entity']}, {inner}}}")
                else:
                    out.append(f"      - {{role: {a['role']}, entity: {a['entity']}}}")
        if ev["links"]:
            out.append("    links:")
            out += [f"      - {{type: {t}, event: {k}}}" for t, k in ev["links"]]
    out += ["", "stances:" if doc.stances else "stances: []"]
    for st in doc.stances:
        if st["holder"] not in written or (st["target"] not in written and not st["target"].startswith("ev_")):
            continue
        s, e = st["span"]
        out += [f"  - id: {st['id']}", f"    holder: {st['holder']}", f"    target: {st['target']}",
                f"    polarity: {st['polarity']}", f"    evidence: {_ref(text, s, e, rng)}"]
        if st["note"]:
            out += _note(rng, "    ")
    return "\n".join(out) + "\n"


def generate(out: Path, docs: int, seed: int = 0, shape: str = "article", small: bool = False) -> Path:
    """Write ``docs`` documents of ``shape`` under ``out`` (reused when already complete); ``small``: short ones."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES}")
    done = out / ".complete"
    stamp = f"{docs} {seed} {shape}{' small' if small else ''} v{VERSION}\n"
    if done.exists() and done.read_text() == stamp:
        return out
    out.mkdir(parents=True, exist_ok=True)
    for i in range(docs):
        rng = random.Random(f"{seed}-{shape}-{i}")
        raw, annotation = generate_doc(rng, i, shape, small)
        folder = out / f"gen_{i:06d}"
        folder.mkdir(exist_ok=True)
        (folder / "source.txt").write_bytes(raw)
        (folder / "annotation.yaml").write_text(annotation, encoding="utf-8")
    done.write_text(stamp)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shape", choices=SHAPES, default="article")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    generate(args.out, args.docs, args.seed, args.shape)
    print(f"wrote {args.docs} {args.shape} documents to {args.out}")


if __name__ == "__main__":
    main()
