"""Entity mentions: gazetteer names (longest match), titled person names, capitalised names with
an organisation/place head word, and first-person pronouns of a statement's author (3.7)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from builders.annotation.resolve import occurrences
from builders.coder.lexicon import Lexicon, Name, base_names, norm, titles
from builders.dataset.tokens import Sentence

MAX_NAME = 8  # tokens
ORG_HEADS = {"Council", "Ministry", "Command", "Forces", "Force", "Department", "Agency", "Organization",
             "Organisation", "Union", "Group", "Corps", "Guard", "Army", "Navy", "Committee", "Parliament",
             "Commission", "Office", "Party", "Movement", "Front", "Brigades", "Militia", "Coalition", "Court",
             "Assembly", "Bank", "Administration", "Government", "Senate", "Congress", "Houthis", "Ansarallah"}
LOC_HEADS = {"Sea", "Gulf", "Strait", "Peninsula", "Island", "Islands", "Ocean", "Region", "Bay", "Canal", "River",
             "Desert", "Valley", "Mountains", "Coast"}
FAC_HEADS = {"Base", "Airport", "Port", "Embassy", "Station", "Plant", "Facility", "Field"}
LINKERS = {"of", "the", "for", "and", "de", "al"}
SENTENCE_WORDS = {"The", "A", "An", "This", "That", "These", "Those", "In", "On", "At", "We", "I", "It", "Our",
                  "Today", "As", "But", "And", "Statement", "Readout", "Joint", "Fact", "Sheet"}


@dataclass
class Mention:
    start: int
    end: int
    name: Name
    kind: str = "NAM"


def _cap(word: str) -> bool:
    return bool(word) and (word[0].isupper() or word[0].isdigit() and "-" in word)


def find_mentions(text: str, sentences: list[Sentence], lexicon: Lexicon) -> list[Mention]:
    """Name mentions, non-overlapping, longest first, in text order."""
    out: list[Mention] = []
    title_set = titles()
    for sent in sentences:
        toks = sent.tokens
        i = 0
        while i < len(toks):
            found = None
            if _cap(toks[i].text) or toks[i].text[:1].isupper():
                for n in range(min(MAX_NAME, len(toks) - i), 0, -1):
                    last = toks[i + n - 1]
                    if not (last.text[:1].isalnum() or last.text.endswith(".")):
                        continue
                    surface = text[toks[i].start:last.end]
                    entry = lexicon.name(surface)
                    if entry is not None and (len(surface) > 4 or surface.upper() == surface or surface[:1].isupper()):
                        found = (n, entry)
                        break
            if found:
                n, entry = found
                out.append(Mention(toks[i].start, toks[i + n - 1].end, entry))
                i += n
                continue
            person = _titled_person(text, toks, i, title_set, lexicon)
            if person:
                skip, mention = person
                out.append(mention)
                i = skip
                continue
            shaped = _shaped_name(text, toks, i, lexicon)
            if shaped:
                skip, mention = shaped
                out.append(mention)
                i = skip
                continue
            i += 1
    return out


def _titled_person(text, toks, i, title_set, lexicon):
    """'President Joe Biden' -> PER 'Joe Biden' (the title stays outside the name, 3.4)."""
    for n in (3, 2, 1):
        if i + n >= len(toks):
            continue
        if norm(text[toks[i].start:toks[i + n - 1].end]) in title_set:
            j = i + n
            k = j
            while k < len(toks) and k - j < 4 and toks[k].text[:1].isupper() and toks[k].text.isalpha() | ("." in toks[k].text):
                k += 1
            if k > j and toks[j].text not in SENTENCE_WORDS and lexicon.name(text[toks[j].start:toks[k - 1].end]) is None:
                surface = text[toks[j].start:toks[k - 1].end]
                key = "PER:" + toks[k - 1].text
                entry = lexicon.name(surface) or _known_person(surface) or Name(key, surface, "PER", None)
                return k, Mention(toks[j].start, toks[k - 1].end, entry)
    return None


def _known_person(surface: str) -> Name | None:
    last = surface.split()[-1].upper()
    hits = {n for k, n in base_names().items() if n.type == "PER" and k.split()[-1] == last}
    return hits.pop() if len(hits) == 1 else None


def _shaped_name(text, toks, i, lexicon):
    """A run of capitalised words ending in an organisation, place or facility head word."""
    if not toks[i].text[:1].isupper() or toks[i].text in SENTENCE_WORDS and i == 0:
        return None
    k = i
    while k < len(toks) and (toks[k].text[:1].isupper() or (toks[k].text in LINKERS and k + 1 < len(toks)
                                                             and toks[k + 1].text[:1].isupper())):
        k += 1
    if k - i < 2:
        return None
    head = toks[k - 1].text
    etype = "ORG" if head in ORG_HEADS else "LOC" if head in LOC_HEADS else "FAC" if head in FAC_HEADS else None
    if etype is None:
        return None
    start = i + 1 if toks[i].text in SENTENCE_WORDS else i
    surface = text[toks[start].start:toks[k - 1].end]
    return k, Mention(toks[start].start, toks[k - 1].end, Name(etype + ":" + norm(surface), surface, etype, None))


FIRST_SINGULAR = re.compile(r"\b(I|me|my|My)\b")
FIRST_PLURAL = re.compile(r"\b(We|we|us|our|Our)\b")
AUTHOR = re.compile(r"^(?:Statement|Remarks|Readout|Message)\s+(?:by|from|of)\s+(.+?)(?:\s+on\s+|\s+Regarding\s+|,|$)")
USA = Name("Q30", "United States", "GPE", "Q30")


def author_of(title: str | None, publisher: str | None, lexicon: Lexicon) -> tuple[str, Name | None] | None:
    """Who speaks in the first person: from a White House title 'Statement by President Joe Biden on ...'."""
    if not title or "White House" not in (publisher or ""):
        return None
    title = title.replace("\u00a0", " ")
    m = AUTHOR.match(title)
    if not m:
        return ("The White House", None)
    who = m.group(1).strip()
    words = who.split()
    title_set = titles()
    for n in range(len(words) - 1, 0, -1):
        if norm(" ".join(words[:n])) in title_set:
            name = " ".join(words[n:])
            if name and all(w[:1].isupper() for w in name.split()):
                entry = lexicon.name(name) or _known_person(name) or Name("PER:" + name.split()[-1], name, "PER", None)
                return (name, entry)
    return (who, None)


def pronoun_mentions(text: str, joint: bool, author: Name | None, taken: list[Mention]) -> list[Mention]:
    """'we/us/our' -> the United States in a White House statement (not a joint one); 'I/me/my' -> the author."""
    def free(s: int, e: int) -> bool:
        return all(e <= m.start or s >= m.end for m in taken)

    out = []
    if not joint:
        out += [Mention(m.start(), m.end(), USA, "PRO") for m in FIRST_PLURAL.finditer(text) if free(m.start(), m.end())]
    if author is not None:
        out += [Mention(m.start(), m.end(), author, "PRO") for m in FIRST_SINGULAR.finditer(text) if free(m.start(), m.end())]
    return out


PERSONAL = {"he", "him", "his", "she", "her"}


def learned_mentions(text: str, lexicon: Lexicon, taken: list[Mention]) -> list[Mention]:
    """Nominal and pronominal mentions the gold of the training folds annotates in at least half of
    their occurrences ('allies and partners', 'its'). A pronoun refers to the nearest preceding
    name of a fitting type (a person for he/his, else a country or organisation); a nominal, or a
    pronoun with nothing before it, is an entity of its own."""
    lower = text.lower()
    spans = sorted(taken, key=lambda m: m.start)
    out: list[Mention] = []

    def free(s: int, e: int) -> bool:
        return all(e <= m.start or s >= m.end for m in spans) and all(e <= m.start or s >= m.end for m in out)

    for phrase in sorted(lexicon.nominals, key=lambda p: (-len(p), p)):
        kind, etype = lexicon.nominals[phrase]
        for start in occurrences(lower, phrase):
            end = start + len(phrase)
            if not free(start, end):
                continue
            name = None
            if kind == "PRO":
                want = ("PER",) if phrase in PERSONAL else ("GPE", "ORG") if phrase in ("its", "it") else ("GPE", "ORG", "PER")
                before = [m for m in spans if m.end <= start and start - m.end < 400 and m.name.type in want and m.kind == "NAM"]
                name = before[-1].name if before else None
            if name is None:
                name = Name(f"{kind}:{phrase}", text[start:end], etype, None)
            out.append(Mention(start, end, name, kind))
    return out
