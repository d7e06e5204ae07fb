"""builders.score on constructed pairs whose scores are computed by hand in the comments.

Sides are (prediction, reference): P = matched / predicted, R = matched / reference. Offsets are
made up: the scorer compares records, it never reads text.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from builders.score import report, score, view
from builders.score.align import align_spans, max_matching
from builders.score.layers import Time
from builders.score.metrics import cohen_kappa, krippendorff_alpha


def ent(eid, type, *mentions, kb=None):
    return {"entity_id": eid, "type": type, "kb_id": kb,
            "mentions": [{"start": m[0], "end": m[1], "kind": m[2] if len(m) > 2 else "NAM"} for m in mentions]}


def ev(eid, type, span, realis="actual", cameo=None, modality=None, args=(), links=()):
    return {"event_id": eid, "type": type, "cameo": cameo, "realis": realis, "modality": modality,
            "trigger": {"start": span[0], "end": span[1], "text": "x"},
            "arguments": [{"role": r, "entity_id": e, "start": s[0] if s else None, "end": s[1] if s else None}
                          for r, e, s in args],
            "links": [{"type": t, "event_id": target} for t, target in links]}


def st(sid, holder, target, polarity, kind="entity"):
    return {"stance_id": sid, "holder": holder, "target": target, "target_kind": kind, "polarity": polarity}


def run(*docs):
    """docs: (prediction records, reference records) per document -> the JSON report."""
    pairs = [(view(f"d{i}", p), view(f"d{i}", r)) for i, (p, r) in enumerate(docs)]
    return report(score(pairs), mode="test", prediction="P", reference="R")


def approx(value):
    return pytest.approx(float(value)) if value is not None else None


def assert_prf(scores, p, r, f1, tp=None):
    assert (scores["precision"], scores["recall"], scores["f1"]) == (approx(p), approx(r), approx(f1))
    if tp is not None:
        assert scores["tp"] == tp


F = Fraction

# ---- one document with every layer; the expected figures are worked out beside each item ----
REF = {
    "entities": [ent("e1", "GPE", (0, 5), (30, 33, "PRO"), kb="Q30"), ent("e2", "ORG", (10, 20))],
    "events": [
        ev("r1", "ASSAULT", (50, 56), cameo="190",
           args=[("actor", "e1", None), ("place", None, (100, 105)), ("recipient", "e2", None)],
           links=[("refers_to", "otherdoc#ev9")]),
        ev("r2", "THREATEN", (60, 70), realis="other", modality="warned_of", args=[("actor", "e2", None)],
           links=[("response_to", "r1")]),
        ev("r3", "AID", (80, 85), links=[("part_of", "r1")]),
    ],
    "stances": [st("s1", "e1", "e2", "oppose"), st("s2", "e2", "r1", "support", "event"),
                st("s3", "e1", "r3", "neutral", "event")],
}
PRED = {
    "entities": [
        ent("x1", "GPE", (0, 5), kb="Q30"),   # = e1's first mention
        ent("x2", "GPE", (10, 15), kb="Q17"),  # overlaps e2's (10, 20); type and kb_id differ
        ent("x3", "PER", (40, 45)),           # matches nothing
    ],
    "events": [
        ev("p1", "ASSAULT", (50, 56), cameo="193",  # = r1's trigger, CAMEO differs
           args=[("actor", "x1", None),            # x1 ~ e1: match
                 ("place", None, (101, 104)),       # spans overlap: match
                 ("recipient", "x3", None)],        # x3 aligns with nothing: no match
           links=[("refers_to", "otherdoc#ev9")]),  # the same cross-document target: match
        ev("p2", "COERCE", (62, 68), args=[("actor", "x2", None)],  # overlaps r2, other type; x2 ~ e2: match
           links=[("response_to", "p1"), ("causes", "p1")]),       # first matches r2's link; second: type
        ev("p4", "PROTEST", (90, 95), args=[("actor", "x1", None)],  # no trigger there: nothing matches
           links=[("response_to", "p1")]),
    ],
    "stances": [st("t1", "x1", "x2", "oppose"),           # ~ s1, same polarity
                st("t2", "x2", "p1", "oppose", "event"),  # ~ s2 (p1 ~ r1), polarity differs
                st("t3", "x3", "x1", "support")],         # holder aligns with nothing
}


@pytest.fixture(scope="module")
def full():
    return run((PRED, REF))


def test_mentions_exact_and_overlap_untyped(full):
    m = full["layers"]["mentions"]
    assert_prf(m["exact"], F(1, 3), F(1, 3), F(1, 3), tp=1)     # (0,5) only; 3 predicted, 3 reference
    assert_prf(m["overlap"], F(2, 3), F(2, 3), F(2, 3), tp=2)   # + (10,15)~(10,20)


def test_typed_mentions_count_a_type_mismatch_as_an_error_on_both_sides(full):
    typed = full["layers"]["mentions_typed"]
    assert_prf(typed["overlap"], F(1, 3), F(1, 3), F(1, 3), tp=1)  # GPE vs ORG at (10,..) does not count
    labels = typed["overlap"]["labels"]
    assert_prf(labels["GPE"], F(1, 2), F(1, 2), F(1, 2), tp=1)     # predicted x1, x2; reference e1's two
    assert_prf(labels["ORG"], None, 0, 0, tp=0)                      # nothing predicted ORG: P is n/a
    assert_prf(labels["PER"], 0, None, 0, tp=0)                      # no reference PER: R is n/a
    assert labels["ORG"]["support"] == 1 and labels["PER"]["predicted"] == 1


def test_mention_kind(full):
    kind = full["layers"]["mention_kind"]["overlap"]
    assert_prf(kind, F(2, 3), F(2, 3), F(2, 3), tp=2)
    assert kind["labels"]["PRO"] == {"precision": None, "recall": 0.0, "f1": 0.0, "tp": 0, "predicted": 0, "support": 1}


def test_entity_linking(full):
    # aligned mention pairs: (0,5) Q30=Q30, (10,15)/(10,20) Q17 vs null -> 1 of 2
    assert full["accuracy"]["entity_linking"]["accuracy"] == 0.5
    assert full["accuracy"]["entity_linking"]["items"] == 2
    # linked mentions: predicted x1 Q30, x2 Q17; reference e1's two (Q30); matched: (0,5) only
    assert_prf(full["layers"]["entity_linking"]["linked"], F(1, 2), F(1, 2), F(1, 2), tp=1)


def test_triggers_typed_and_untyped(full):
    t = full["layers"]["triggers"]
    assert_prf(t["exact"], F(1, 3), F(1, 3), F(1, 3), tp=1)
    assert_prf(t["overlap"], F(2, 3), F(2, 3), F(2, 3), tp=2)
    typed = full["layers"]["triggers_typed"]["overlap"]
    assert_prf(typed, F(1, 3), F(1, 3), F(1, 3), tp=1)
    assert_prf(typed["labels"]["ASSAULT"], 1, 1, 1)
    assert_prf(typed["labels"]["THREATEN"], None, 0, 0)
    assert_prf(typed["labels"]["COERCE"], 0, None, 0)


def test_attribute_agreement_over_aligned_triggers(full):
    acc = full["accuracy"]
    assert (acc["cameo"]["agree"], acc["cameo"]["items"]) == (0, 1)        # 193 vs 190; p2/r2 have no code
    assert (acc["realis"]["agree"], acc["realis"]["items"]) == (1, 2)      # actual=actual, actual vs other
    assert (acc["modality"]["agree"], acc["modality"]["items"]) == (0, 1)  # null vs warned_of


def test_arguments_match_through_trigger_and_entity_alignment(full):
    a = full["layers"]["arguments"]["overlap"]
    # predicted 5 (3 of p1, p2's actor, p4's actor), reference 4; matched: p1 actor, p1 place, p2 actor
    assert_prf(a, F(3, 5), F(3, 4), F(2, 3), tp=3)
    assert a["labels"]["actor"]["tp"] == 2 and a["labels"]["actor"]["predicted"] == 3
    assert_prf(a["labels"]["recipient"], 0, 0, 0)


def test_links_via_trigger_alignment_and_cross_document_targets(full):
    links = full["layers"]["links"]["overlap"]
    assert_prf(links, F(2, 4), F(2, 3), F(4, 7), tp=2)
    assert links["labels"]["refers_to"]["tp"] == 1 and links["labels"]["causes"]["tp"] == 0


def test_stances_holder_target_polarity(full):
    assert_prf(full["layers"]["stances"]["overlap"], F(2, 3), F(2, 3), F(2, 3), tp=2)
    typed = full["layers"]["stances_typed"]["overlap"]
    assert_prf(typed, F(1, 3), F(1, 3), F(1, 3), tp=1)
    assert (typed["labels"]["oppose"]["predicted"], typed["labels"]["oppose"]["support"]) == (2, 1)
    polarity = full["agreement"]["polarity"]
    assert (polarity["items"], polarity["observed"]) == (2, 0.5)


def test_label_decisions_on_aligned_items(full):
    et = full["agreement"]["entity_type"]
    # pairs (GPE, GPE), (GPE, ORG): p_o = 1/2, p_e = (2*1 + 0*1)/4 = 1/2 -> kappa 0
    # alpha: n_GPE = 3, n_ORG = 1, n = 4, o(GPE,ORG) + o(ORG,GPE) = 2 -> 1 - 3*2/(3+3) = 0
    assert (et["items"], et["observed"]) == (2, 0.5)
    assert et["kappa"] == pytest.approx(0) and et["alpha"] == pytest.approx(0)
    assert full["agreement"]["event_type"]["items"] == 2


def test_missing_times_layer_is_reported_as_not_available(full):
    assert full["layers"]["times"]["status"] == "n/a"
    assert full["layers"]["times_value"]["status"] == "n/a"
    assert full["accuracy"]["times_value"]["status"] == "n/a"
    assert "d0" in full["layers"]["times"]["reason"]


def test_times_spans_and_values():
    ref = {"times": [{"start": 120, "end": 130, "value": "2024-01-11"}, {"start": 140, "end": 145, "value": "2024-01"}]}
    pred = {"times": [{"start": 120, "end": 130, "value": "2024-01-11"}, {"start": 141, "end": 150, "value": "2024-02"}]}
    one_sided = ({"times": [{"start": 1, "end": 2, "value": "2020"}]}, {})  # a second document, times on one side only
    out = run((pred, ref), one_sided)
    assert_prf(out["layers"]["times"]["exact"], F(1, 2), F(1, 2), F(1, 2), tp=1)
    assert_prf(out["layers"]["times"]["overlap"], 1, 1, 1, tp=2)
    assert (out["accuracy"]["times_value"]["agree"], out["accuracy"]["times_value"]["items"]) == (1, 2)
    assert_prf(out["layers"]["times_value"]["overlap"], F(1, 2), F(1, 2), F(1, 2))
    assert "d1" in out["layers"]["times"]["note"]  # scored over d0 only, and said so


def test_times_records_with_a_nested_span_are_read():
    doc = view("d", {"times": [{"time_id": "t1", "span": {"start": 3, "end": 9, "text": "Monday"}, "value": "2024-01-15"}]})
    assert doc.times == [Time(3, 9, "2024-01-15")]


def test_empty_sides():
    both_empty = run(({}, {}))
    assert_prf(both_empty["layers"]["mentions"]["exact"], None, None, None, tp=0)
    assert both_empty["agreement"]["entity_type"] == {"items": 0, "observed": None, "kappa": None, "alpha": None, "labels": []}
    nothing_predicted = run(({}, REF))
    assert_prf(nothing_predicted["layers"]["mentions"]["overlap"], None, 0, 0)
    assert nothing_predicted["layers"]["mentions"]["overlap"]["support"] == 3
    nothing_in_reference = run((PRED, {}))
    assert_prf(nothing_in_reference["layers"]["stances"]["overlap"], 0, None, 0)


def test_no_overlap_at_all():
    out = run(({"entities": [ent("a", "GPE", (0, 3))]}, {"entities": [ent("b", "GPE", (3, 6))]}))  # adjacent, not overlapping
    assert_prf(out["layers"]["mentions"]["overlap"], 0, 0, 0, tp=0)
    assert out["accuracy"]["entity_linking"]["items"] == 0


def test_micro_average_sums_counts_over_documents():
    d0 = ({"entities": [ent("a", "GPE", (0, 3))]}, {"entities": [ent("b", "GPE", (0, 3), (5, 8))]})
    d1 = ({"entities": [ent("a", "GPE", (0, 3), (5, 8), (10, 12))]}, {"entities": [ent("b", "GPE", (20, 25))]})
    # tp 1+0, predicted 1+3, reference 2+1: P 1/4, R 1/3, F1 2/7 (the mean of per-document F1s would be 1/3)
    assert_prf(run(d0, d1)["layers"]["mentions"]["exact"], F(1, 4), F(1, 3), F(2, 7), tp=1)


def test_same_annotation_on_both_sides_agrees_perfectly():
    out = run((REF, REF))
    for layer, entry in out["layers"].items():
        if "status" not in entry:
            for match, s in entry.items():
                if isinstance(s, dict):
                    assert s["f1"] == 1.0, (layer, match)
    assert all(a["kappa"] == 1.0 for a in out["agreement"].values() if a["items"] and len(a["labels"]) > 1)


# ---- alignment ------------------------------------------------------------------------------

class S:
    def __init__(self, start, end, label=None):
        self.start, self.end, self.label = start, end, label


def test_overlap_alignment_is_one_to_one_and_prefers_the_largest_overlap():
    pred = [S(0, 10)]
    ref = [S(0, 4), S(5, 10), S(6, 10)]
    assert align_spans(pred, ref, overlap=True) == [(0, 1)]  # 5 characters shared beat 4
    assert align_spans(pred, ref, overlap=False) == []
    two = [S(0, 10), S(2, 3)]
    assert align_spans(two, [S(0, 10)], overlap=True) == [(0, 0)]  # the exact pair first


def test_typed_alignment_pairs_equal_labels_only():
    assert align_spans([S(0, 5, "GPE")], [S(0, 5, "ORG")], False, lambda s: s.label) == []
    assert align_spans([S(0, 5, "GPE")], [S(1, 4, "GPE")], True, lambda s: s.label) == [(0, 0)]


def test_maximum_matching_does_not_depend_on_order():
    # p0 may pair with r0 or r1, p1 with r0 only: a greedy pass in order would give p0-r0 and stop at 1
    ok = {("p0", "r0"), ("p0", "r1"), ("p1", "r0")}
    assert max_matching(["p0", "p1"], ["r0", "r1"], lambda p, r: (p, r) in ok) == [(0, 1), (1, 0)]


# ---- chance-corrected agreement: textbook examples --------------------------------------------

def test_cohen_kappa_on_the_textbook_table():
    # 50 items: both yes 20, A yes B no 5, A no B yes 10, both no 15.
    # p_o = 35/50 = 0.7; A yes 25/50, B yes 30/50: p_e = .5*.6 + .5*.4 = 0.5; kappa = 0.2/0.5 = 0.4
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    from sklearn.metrics import cohen_kappa_score  # an independent implementation agrees

    assert cohen_kappa(pairs) == pytest.approx(cohen_kappa_score([a for a, _ in pairs], [b for _, b in pairs]))


def test_cohen_kappa_is_undefined_when_chance_agreement_is_certain():
    assert cohen_kappa([("GPE", "GPE")] * 5) is None
    assert cohen_kappa([]) is None


def test_krippendorff_alpha_on_the_textbook_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal data, 4 observers,
    # 12 units, missing values: alpha = 0.743
    a = [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None]
    b = [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3]
    c = [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None]
    d = [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]
    assert round(krippendorff_alpha(zip(a, b, c, d)), 3) == 0.743


def test_krippendorff_alpha_two_coders_by_hand():
    # units (a,a) (a,b) (b,b) (b,b): o_aa 2, o_ab = o_ba = 1, o_bb 4; n_a 3, n_b 5, n 8
    # alpha = 1 - (n-1) * (o_ab + o_ba) / (n_a n_b + n_b n_a) = 1 - 7*2/30 = 8/15
    assert krippendorff_alpha([("a", "a"), ("a", "b"), ("b", "b"), ("b", "b")]) == pytest.approx(8 / 15)
    assert krippendorff_alpha([("a", "a")]) is None  # one value only: no expected disagreement
