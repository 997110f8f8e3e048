"""The evaluation's measures on cases small enough to check by hand."""

from __future__ import annotations

import math

import pytest

from eval.metrics import UNCLASSIFIED, detections, issue_scores, macro_f1, per_issue, pii_scores


def test_perfect_clustering_scores_one_whatever_the_names():
    truth = ["a", "a", "b", "b", "c", "c"]
    found = [7, 7, 3, 3, 9, 9]
    s = issue_scores(truth, found, ["p"] * 6)
    assert s.nmi == pytest.approx(1.0)
    assert s.ari == pytest.approx(1.0)
    assert s.purity == 1.0
    assert s.unclassified == 0.0
    assert s.n_issues == 3


def test_unclassified_documents_form_one_group():
    # Two unclassified docs from different true issues land in the same (−1) group, so they
    # cost ARI exactly as a wrongly merged cluster would.
    truth = ["a", "a", "a", "b", "b", "b"]
    with_none = issue_scores(truth, [1, 1, None, 2, 2, None], ["p"] * 6)
    as_group = issue_scores(truth, [1, 1, "x", 2, 2, "x"], ["p"] * 6)
    assert with_none.ari == pytest.approx(as_group.ari)
    assert with_none.unclassified == pytest.approx(2 / 6)
    # Purity ignores the unclassified group: both found issues are pure.
    assert with_none.purity == 1.0


def test_within_product_nmi_is_size_weighted():
    # Product p: perfectly separated (NMI 1). Product q: everything in one found issue while the
    # truth has two issues (NMI 0). Weighted by 4 and 2 documents: 4/6.
    truth = ["a", "a", "b", "b", "c", "d"]
    found = [1, 1, 2, 2, 3, 3]
    products = ["p", "p", "p", "p", "q", "q"]
    assert issue_scores(truth, found, products).within_product_nmi == pytest.approx(4 / 6)


def test_per_issue_reports_dominant_found_issue_recall_and_purity():
    truth = ["a", "a", "a", "b", "b"]
    found = [1, 1, 2, 2, None]
    rows = {r.issue: r for r in per_issue(truth, found)}
    assert rows["a"].found == "1" and rows["a"].recall == pytest.approx(2 / 3)
    assert rows["a"].purity == 1.0
    # b's classified documents sit in issue 2, which it shares half with a.
    assert rows["b"].found == "2" and rows["b"].recall == 0.5 and rows["b"].purity == 0.5
    assert all(r.found != UNCLASSIFIED for r in rows.values())


def test_macro_f1_averages_classes_equally():
    truth = ["negative"] * 8 + ["positive"] * 2
    predicted = ["negative"] * 10
    # negative: P 0.8, R 1 → F1 8/9; positive: 0; neutral absent from both → 0.
    expected = (16 / 18 + 0 + 0) / 3
    assert macro_f1(truth, predicted, ["negative", "neutral", "positive"]) == pytest.approx(
        expected
    )


def test_detections_count_precision_recall_and_decoys():
    truth = [frozenset({"churn"}), frozenset(), frozenset(), frozenset({"churn"})]
    predicted = [{"churn"}, {"churn"}, set(), set()]
    decoys = [frozenset(), frozenset({"churn"}), frozenset({"churn"}), frozenset()]
    (row,) = detections(["churn"], truth, predicted, decoys)
    assert (row.support, row.predicted, row.true_positive) == (2, 2, 1)
    assert row.precision == 0.5 and row.recall == 0.5 and row.f1 == 0.5
    assert (row.decoys, row.decoys_flagged) == (2, 1)


def test_a_detections_intervals_hold_its_figures_and_narrow_with_more_items():
    from eval.metrics import Detection, proportion_interval

    # 52 of 53 flagged texts right: the Wilson interval (not the normal one, which would pass 1).
    low, high = proportion_interval(52, 53)
    assert low == pytest.approx(0.9004, abs=1e-3) and high == pytest.approx(0.9967, abs=1e-3)
    small = Detection(
        "safety", support=64, predicted=58, true_positive=49, decoys=0, decoys_flagged=0
    )
    for (lo, hi), value in ((small.precision_interval, small.precision),
                            (small.recall_interval, small.recall)):  # fmt: skip
        assert lo < value < hi
    large = Detection("safety", 640, 580, 490, 0, 0)
    assert large.recall_interval[1] - large.recall_interval[0] < (
        small.recall_interval[1] - small.recall_interval[0]
    )
    assert proportion_interval(0, 0) == (0.0, 1.0)


def test_pii_recall_needs_the_type_and_half_the_span():
    text = "山田です。090-1234-5678まで"
    gold = [[("person", 0, 2), ("phone", 5, 18)]]
    # The phone is found as an order id (masked, wrong type); the name only by one character.
    found = [[("person", 0, 1), ("order_id", 5, 18)]]
    s = pii_scores(["t1"], [text], gold, found, ["person", "phone"])
    assert s.recall == {"person": 1.0, "phone": 0.0}
    assert s.masked_recall == 1.0
    assert s.false_positive_texts == 0.0


def test_pii_false_positive_is_a_finding_touching_no_label():
    texts = ["型番はKX-200です", "田中です"]
    gold = [[], [("person", 0, 2)]]
    found = [[("order_id", 3, 9)], [("person", 0, 2)]]
    s = pii_scores(["a", "b"], texts, gold, found, ["person"])
    assert s.false_positive_texts == 0.5
    assert s.false_positive_examples == [("a", "KX-200")]
    assert math.isclose(s.recall["person"], 1.0)
