"""A deterministic generator of realistic GeoSignal documents, in the real corpus format.

Each document is a raw scrape (image markup, a caption row, the publisher's name glued to the
first sentence, bulleted paragraphs) and an annotation.yaml whose spans use every style a
contributor uses: plain quotes, ``occurrence:``, ``context:`` and explicit offsets. Article
lengths, entity, event and stance densities are in the range of the seed article, with about one
document in twenty several times longer. The same seed gives byte-identical corpora.

    python benchmarks/generate.py --docs 1000 --out /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builders.source.clean import clean  # noqa: E402
from builders.annotation.resolve import occurrences  # noqa: E402

# id, name, type, qid, other names used in text (all are listed as mentions)
ACTORS = [
    ("usa", "United States", "GPE", "Q30", ["U.S.", "Washington", "American"]),
    ("japan", "Japan", "GPE", "Q17", ["Tokyo", "Japanese"]),
    ("china", "China", "GPE", "Q148", ["Beijing", "Chinese"]),
    ("russia", "Russia", "GPE", "Q159", ["Moscow", "Russian"]),
    ("south_korea", "South Korea", "GPE", "Q884", ["Seoul"]),
    ("north_korea", "North Korea", "GPE", "Q423", ["Pyongyang"]),
    ("taiwan", "Taiwan", "GPE", "Q865", ["Taipei"]),
    ("philippines", "Philippines", "GPE", "Q928", ["Manila"]),
    ("australia", "Australia", "GPE", "Q408", ["Canberra"]),
]
PLACES = [
    ("sea_of_japan", "Sea of Japan", "LOC"), ("east_china_sea", "East China Sea", "LOC"),
    ("south_china_sea", "South China Sea", "LOC"), ("taiwan_strait", "Taiwan Strait", "LOC"),
    ("yellow_sea", "Yellow Sea", "LOC"), ("philippine_sea", "Philippine Sea", "LOC"),
]
VEHICLES = [
    ("b52", "B-52 Stratofortress", "VEH"), ("h6", "H-6 bomber", "VEH"), ("tu95", "Tu-95MS", "VEH"),
    ("f15", "F-15 fighter", "VEH"), ("f35", "F-35 stealth fighter", "VEH"), ("carrier", "Shandong carrier group", "VEH"),
]
ORGS = [
    ("indopacom", "Indo-Pacific Command", "ORG"), ("jasdf", "Air Self-Defense Force", "ORG"),
    ("pla", "People's Liberation Army", "ORG"), ("csis", "Center for Strategic and International Studies", "ORG"),
    ("iiss", "International Institute for Strategic Studies", "ORG"),
]
PEOPLE = ["Sarah Jenkins", "Kenji Watanabe", "Li Wei", "Anna Petrova", "Park Min-jun", "David Cole"]
EXERCISES = ["joint patrol", "joint exercise", "naval drill", "bomber flight", "air patrol", "live-fire drill"]
FILLER = [
    "The recurring pattern of tit-for-tat demonstrations has raised concerns about the risk of miscalculation.",
    "Regional capitals are watching closely as the operating environment grows more crowded.",
    "Each flight, each patrol, serves as a nonverbal communication of red lines, capabilities and resolve.",
    "While all parties assert they are operating within international law, the cumulative effect is a steady militarization.",
    "The immediate future is likely to see a continuation of this cycle of exercise and response.",
    "Observers noted that the timing and the route of the flights were chosen with care.",
]


@dataclass
class Doc:
    paragraphs: list[str] = field(default_factory=list)
    spans: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)  # entity id -> spans
    entities: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    stances: list[dict] = field(default_factory=list)
    length: int = 0

    def add(self, parts: list[tuple[str, str | None]]) -> dict[str, tuple[int, int]]:
        """Append a paragraph from (text, entity id or label) parts; return where each label landed."""
        start = self.length + (1 if self.paragraphs else 0)
        pos, text, where = start, "", {}
        for chunk, tag in parts:
            if tag and tag.startswith("@"):
                where[tag[1:]] = (pos, pos + len(chunk))
            elif tag:
                self.spans.setdefault(tag, []).append((pos, pos + len(chunk), chunk))
                where.setdefault(tag, (pos, pos + len(chunk)))
            text += chunk
            pos += len(chunk)
        self.paragraphs.append(text)
        self.length = pos
        return where


def _mention(rng: random.Random, actor) -> tuple[str, str]:
    key, name, _, _, others = actor
    return rng.choice([name, name, *others]), key


def _paragraph_event(doc: Doc, rng: random.Random, n: int) -> None:
    a, b = rng.sample(ACTORS, 2)
    place = rng.choice(PLACES)
    veh = rng.choice(VEHICLES)
    exercise = rng.choice(EXERCISES)
    for actor in (a, b):
        doc.entities.setdefault(actor[0], (actor[1], actor[2], actor[3]))
    doc.entities.setdefault(place[0], (place[1], place[2], None))
    doc.entities.setdefault(veh[0], (veh[1], veh[2], None))
    (ma, ka), (mb, kb) = _mention(rng, a), _mention(rng, b)
    where = doc.add([
        (ma, ka), (" and ", None), (mb, kb), (" conducted a ", None), (exercise, f"@ev{n}"),
        (" with ", None), (veh[1], veh[0]), (" aircraft over the ", None), (place[1], place[0]),
        (rng.choice([" this week.", " on Tuesday.", " days earlier."]), None),
        (" " + " ".join(rng.sample(FILLER, 2)), None),
    ])
    event = {"id": f"ev{n}", "type": "MOBILIZE", "cameo": "150", "span": where[f"ev{n}"], "realis": "actual",
             "arguments": [("actor", ka), ("actor", kb), ("instrument", veh[0]), ("place", place[0])], "links": []}
    if doc.events and rng.random() < 0.6:
        event["links"].append(("response_to", doc.events[-1]["id"]))
    doc.events.append(event)


def _paragraph_statement(doc: Doc, rng: random.Random, n: int) -> None:
    speaker = rng.choice(PEOPLE)
    org = rng.choice(ORGS)
    target = rng.choice(ACTORS)
    key = "p_" + speaker.split()[-1].lower().replace("-", "_")
    doc.entities.setdefault(key, (speaker, "PER", None))
    doc.entities.setdefault(org[0], (org[1], org[2], None))
    doc.entities.setdefault(target[0], (target[1], target[2], target[3]))
    mt, kt = _mention(rng, target)
    verb, polarity = rng.choice([("praised", "support"), ("criticised", "oppose"), ("described", "neutral")])
    where = doc.add([
        ('"The message is clear," said ', None), (speaker, key), (", a fellow at the ", None), (org[1], org[0]),
        (". The analyst ", None), (verb, "@trigger"), (" ", None), (mt, kt),
        (" for its posture in the region.", None),
    ])
    s, e = where["trigger"]
    evidence = (s - len("The analyst "), doc.length)
    if doc.events and rng.random() < 0.5:
        doc.events.append({"id": f"ev{n}", "type": "ACCUSE" if polarity == "oppose" else "SUPPORT", "cameo": None,
                           "span": (s, e), "realis": "actual",
                           "arguments": [("actor", key), ("recipient", kt)], "links": [("refers_to", doc.events[-1]["id"])]})
    doc.stances.append({"id": f"st{n}", "holder": key, "target": kt, "polarity": polarity, "span": evidence})


def generate_doc(rng: random.Random, index: int, small: bool = False) -> tuple[bytes, str]:
    """One document: (raw source bytes, annotation YAML); ``small``: 3 to 5 paragraphs, never long
    (for tests that need many documents, not long ones)."""
    doc = Doc()
    long = rng.random() < 0.05
    paragraphs = rng.randint(10, 18) * (rng.randint(4, 8) if long else 1)
    if small:
        paragraphs = 3 + paragraphs % 3
    for n in range(paragraphs):
        if n % 3 == 2:
            _paragraph_statement(doc, rng, n)
        else:
            _paragraph_event(doc, rng, n)
    publisher = rng.choice(["VISTORBELITUNG.COM", "EXAMPLE-NEWS.COM", "ASIADEFENSE.NET"])
    lines = ["![]() |", f"| Foto: {rng.choice(VEHICLES)[1]} |"]
    for i, p in enumerate(doc.paragraphs):
        if i == 0:
            lines.append(f"{publisher},{p}")
        elif rng.random() < 0.15:
            lines.append("\u00b7 " + p)
        else:
            lines.append(p)
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    text = clean(raw.decode("utf-8"), publisher).text
    assert text == "\n".join(doc.paragraphs), "generator and cleaner disagree"
    return raw, _annotation(doc, text, raw, publisher, rng, index)


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _span_ref(text: str, start: int, end: int, rng: random.Random, extra: str = "") -> str:
    quote = text[start:end]
    found = occurrences(text, quote)
    if len(found) == 1 and rng.random() < 0.9:
        return _q(quote) if not extra else f"{{text: {_q(quote)}{extra}}}"
    style = rng.random()
    if style < 0.15:
        return f"{{text: {_q(quote)}, start: {start}, end: {end}{extra}}}"
    if style < 0.35:
        context = text[max(0, start - 25) : min(len(text), end + 25)]
        if "\n" not in context and text.count(context) == 1 and len(occurrences(context, quote)) == 1:
            return f"{{text: {_q(quote)}, context: {_q(context)}{extra}}}"
    return f"{{text: {_q(quote)}, occurrence: {found.index(start) + 1}{extra}}}"


def _annotation(doc: Doc, text: str, raw: bytes, publisher: str, rng: random.Random, index: int) -> str:
    out = [
        "format: geosignal-annotation/2",
        "document:",
        f"  source_name: generated_{index:06d}.txt",
        f"  source_sha256: {hashlib.sha256(raw).hexdigest()}",
        "  title: null",
        f"  publisher: {publisher}",
        "  url: null",
        "  language: en",
        "  published: null",
        "  obtained: generated by benchmarks/generate.py",
        "  source_format: text",
        "  license: {spdx: CC0-1.0, redistributable: true, attribution: null, note: synthetic text}",
        "  annotation: {status: silver, annotators: [benchmarks/generate.py], tool: null}",
        "entities:",
    ]
    used: set[tuple[int, int]] = set()
    written: set[str] = set()
    labelled = {(s, e) for spans in doc.spans.values() for s, e, _ in spans}

    def nested(s: int, e: int) -> bool:  # "Japan" inside "Sea of Japan" is not a mention of Japan
        return any(a <= s and e <= b and (a, b) != (s, e) for a, b in labelled)

    for key, (name, etype, qid) in doc.entities.items():
        spans = doc.spans.get(key, [])
        found = {(s, e) for s, e, _ in spans}
        for surface in sorted({q for _, _, q in spans}):  # every occurrence of every surface form
            for s in occurrences(text, surface):
                found.add((s, s + len(surface)))
        found = {(s, e) for s, e in found if (s, e) not in used and not nested(s, e)}
        if not found:
            continue
        used |= found
        written.add(key)
        out += [f"  - id: {key}", f"    name: {_q(name)}", f"    type: {etype}", f"    kb_id: {qid or 'null'}", "    mentions:"]
        out += [f"      - {_span_ref(text, s, e, rng)}" for s, e in sorted(found)]
    entity_ids = written
    out.append("events:" if doc.events else "events: []")
    for ev in doc.events:
        s, e = ev["span"]
        out += [f"  - id: {ev['id']}", f"    type: {ev['type']}", f"    cameo: {_q(ev['cameo']) if ev['cameo'] else 'null'}",
                f"    trigger: {_span_ref(text, s, e, rng)}", "    realis: actual"]
        args = [(r, k) for r, k in ev["arguments"] if k in entity_ids]
        out.append("    arguments:" if args else "    arguments: []")
        out += [f"      - {{role: {r}, entity: {k}}}" for r, k in args]
        out.append("    links:" if ev["links"] else "    links: []")
        out += [f"      - {{type: {t}, event: {k}}}" for t, k in ev["links"]]
    out.append("stances:" if doc.stances else "stances: []")
    for st in doc.stances:
        s, e = st["span"]
        out += [f"  - id: {st['id']}", f"    holder: {st['holder']}", f"    target: {st['target']}",
                f"    polarity: {st['polarity']}", f"    evidence: {_span_ref(text, s, e, rng)}"]
    return "\n".join(out) + "\n"


def generate(out: Path, docs: int, seed: int = 0, small: bool = False) -> Path:
    """Write ``docs`` documents under ``out`` (reused when already complete); ``small``: short ones."""
    done = out / ".complete"
    stamp = f"{docs} {seed}" + (" small" if small else "") + "\n"
    if done.exists() and done.read_text() == stamp:
        return out
    out.mkdir(parents=True, exist_ok=True)
    for i in range(docs):
        rng = random.Random(f"{seed}-{i}")
        raw, annotation = generate_doc(rng, i, small)
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
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    generate(args.out, args.docs, args.seed)
    print(f"wrote {args.docs} documents to {args.out}")


if __name__ == "__main__":
    main()
