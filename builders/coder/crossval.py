"""Document-level k-fold cross-validation of the coder against a gold corpus, scored by
builders.score (the matcher of ``agree`` and ``evaluate``).

Two coders are scored on the same folds: the dictionary-only baseline (PETRARCH2/PLOVER tables,
qids.tsv, rules) and the full coder (the same plus a lexicon learned by ``lexicon.learn`` from
the training folds only: names harvested from gold mentions, a trigger lexicon with types and
CAMEO codes, dictionary verbs the gold never uses blocked). A document is never coded by a
lexicon that saw it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builders.annotation.records import make_records
from builders.annotation.yamlio import parse_yaml
from builders.check import level1, level2
from builders.coder import Article, code
from builders.coder.draft import to_yaml
from builders.coder.lexicon import Lexicon
from builders.coder.training import fit
from builders.findings import Finding
from builders.score import report, score, view
from builders.score.load import records_dict
from builders.source import corpus as corpus_io

SUMMARY = (  # (row label, layer, match) of the README tables
    ("mentions", "mentions", "overlap"), ("mentions (exact)", "mentions", "exact"),
    ("typed mentions", "mentions_typed", "overlap"), ("entity linking", "entity_linking", "linked"),
    ("triggers", "triggers", "overlap"), ("typed triggers", "triggers_typed", "overlap"),
    ("arguments", "arguments", "overlap"), ("links", "links", "overlap"), ("times", "times", "overlap"),
    ("time values", "times_value", "overlap"), ("stances", "stances", "overlap"),
    ("stances with polarity", "stances_typed", "overlap"),
)


@dataclass
class GoldDoc:
    doc_id: str
    raw: str
    document: dict[str, Any]
    records: dict[str, Any]


def records_of(doc_id: str, data: bytes, raw: str, annotation: dict[str, Any], parsed: Any, file: str
               ) -> tuple[dict[str, Any] | None, list[Finding]]:
    """The scored record dicts of one annotation, built as the build builds them (make_records)."""
    records, findings = make_records(doc_id, data, raw, annotation, parsed, file)
    if records is None:
        return None, findings
    out = records_dict(records)
    out["documents"] = records.documents
    return out, findings


def load_gold(corpus: Path) -> tuple[list[GoldDoc], list[Finding]]:
    """Every document of ``corpus`` whose annotation is gold (levels 1-3; the record-schema check is
    not repeated here: scoring reads the records only)."""
    folders, findings = corpus_io.discover([corpus])
    docs = []
    for folder in folders:
        source, text, found = corpus_io.read_parts(folder)
        file = corpus_io.display(folder.annotation)
        if source is None or text is None:
            findings += found
            continue
        parsed, problems = level1.parse(text, file)
        if parsed is None:
            findings += problems
            continue
        problems = level2.findings(parsed, file)
        if problems:
            findings += problems
            continue
        if (parsed.data["document"].get("annotation") or {}).get("status") != "gold" or not parsed.data["entities"]:
            continue
        records, problems = records_of(folder.doc_id, source[0], source[1], parsed.data, parsed, file)
        if records is None:
            findings += [f for f in problems if f.is_error]
            continue
        docs.append(GoldDoc(folder.doc_id, source[1], parsed.data["document"], records))
    return docs, findings


def folds(doc_ids: list[str], k: int) -> dict[str, int]:
    """Fold of each document: its rank in sha256 order, modulo k (stable, balanced, id-only)."""
    ranked = sorted(doc_ids, key=lambda d: hashlib.sha256(d.encode()).hexdigest())
    return {d: i % k for i, d in enumerate(ranked)}


def predict(doc: GoldDoc, lexicon: Lexicon) -> dict[str, Any]:
    """Code a gold document's source and return the draft's scored records."""
    draft = code(Article(doc.doc_id, doc.raw, doc.document), lexicon)
    parsed = parse_yaml(to_yaml(draft, doc.doc_id))  # through the file format, as a written draft is read
    data = doc.raw.encode("utf-8")
    records, findings = records_of(doc.doc_id, data, doc.raw, parsed.data, parsed, f"{doc.doc_id} (draft)")
    if records is None:
        raise ValueError(f"the coder's draft of {doc.doc_id} does not resolve: {findings[:3]}")
    return records


def cross_validate(docs: list[GoldDoc], k: int = 5) -> dict[str, dict[str, Any]]:
    """{'baseline': report, 'full': report}: builders.score reports over all held-out documents."""
    if len(docs) < 2:
        raise ValueError(f"cross-validation needs at least 2 gold documents, got {len(docs)}")
    k = max(2, min(k, len(docs)))
    fold = folds([d.doc_id for d in docs], k)
    pairs: dict[str, list] = {"baseline": [], "full": []}
    base = Lexicon()
    for f in range(k):
        train = [d.records for d in docs if fold[d.doc_id] != f]
        learned = fit(train)
        for d in docs:
            if fold[d.doc_id] != f:
                continue
            gold = view(d.doc_id, d.records)
            pairs["baseline"].append((view(d.doc_id, predict(d, base)), gold))
            pairs["full"].append((view(d.doc_id, predict(d, learned)), gold))
    return {name: report(score(p), mode="evaluate", prediction=f"coder ({name}, {k}-fold)", reference="gold")
            for name, p in pairs.items()}


def summary_rows(result: dict[str, Any]) -> list[tuple[str, float | None, float | None, float | None, int]]:
    rows = []
    for label, layer, match in SUMMARY:
        entry = result["layers"].get(layer, {})
        s = entry.get(match) if isinstance(entry, dict) else None
        if not s:
            rows.append((label, None, None, None, 0))
        else:
            rows.append((label, s["precision"], s["recall"], s["f1"], s["support"]))
    return rows


def to_markdown(results: dict[str, dict[str, Any]], k: int) -> str:
    def num(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.3f}"

    out = []
    for name, title in (("baseline", "Dictionary-only baseline"), ("full", "Full coder (dictionaries + gold-learned lexicon)")):
        r = results[name]
        out.append(f"**{title}** ({len(r['documents'])} gold documents, {k}-fold document-level cross-validation, "
                   "overlap match unless said)\n")
        out.append("| layer | P | R | F1 | support |\n|---|---:|---:|---:|---:|")
        out += [f"| {lbl} | {num(p)} | {num(rc)} | {num(f1)} | {sup} |" for lbl, p, rc, f1, sup in summary_rows(r)]
        acc = r["accuracy"]
        out.append(f"| realis accuracy (aligned triggers) | | | {num(acc['realis'].get('accuracy'))} | {acc['realis'].get('items', '')} |")
        out.append("")
    return "\n".join(out)
