"""Root-cause candidates: lift, Fisher's exact test and Benjamini–Hochberg on hand-computed cases."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import pytest

from insights.root_causes import key_phrases, root_causes

START = date(2026, 8, 3)  # a Monday


def hypergeometric_upper_tail(a: int, issue: int, with_value: int, total: int) -> float:
    """P(A ≥ a): ``issue`` documents drawn from ``total``, of which ``with_value`` have it."""
    return sum(
        math.comb(with_value, k) * math.comb(total - with_value, issue - k)
        for k in range(a, min(issue, with_value) + 1)
    ) / math.comb(total, issue)


def rows(n: int, **fields) -> list[dict]:
    return [dict(fields) for _ in range(n)]


def frame(parts: list[list[dict]]) -> pd.DataFrame:
    base = {
        "issue_id": None,
        "product": "KX-200",
        "lot": None,
        "firmware": None,
        "app_version": None,
        "channel": "form",
        "region": None,
        "created_date": START,
        "is_complaint": True,
    }
    records = [{**base, **r} for part in parts for r in part]
    out = pd.DataFrame(records)
    # Spread the documents over two weeks so the week attribute says nothing.
    out["created_date"] = [START + timedelta(days=i % 14) for i in range(len(out))]
    return out


def leak_data(other_products: int = 0) -> pd.DataFrame:
    return frame(
        [
            rows(12, issue_id="iss_leak", lot="L2608B"),
            rows(8, issue_id="iss_leak", lot="L2607C"),
            rows(8, issue_id="iss_other", lot="L2608B"),
            rows(72, issue_id="iss_other", lot="L2607C"),
            rows(other_products, issue_id="iss_watch", product="W-1", firmware="1.5.0"),
        ]
    )


def test_an_over_represented_lot_ranks_first_with_its_lift_and_exact_p():
    found = [c for c in root_causes(leak_data()) if c.issue_id == "iss_leak"]

    top = found[0]
    assert (top.attribute, top.value, top.rank) == ("lot", "L2608B", 1)
    assert (top.count, top.issue_docs, top.reference_count, top.reference_docs) == (12, 20, 8, 80)
    assert top.lift == pytest.approx((12 / 20) / (8 / 80))  # 6.0
    assert top.p_value == pytest.approx(hypergeometric_upper_tail(12, 20, 20, 100), rel=1e-9)
    assert top.q_value <= 0.05
    assert top.onset == START


def test_other_products_do_not_dilute_the_reference():
    alone = [c for c in root_causes(leak_data()) if c.issue_id == "iss_leak"][0]
    crowded = [c for c in root_causes(leak_data(other_products=500)) if c.issue_id == "iss_leak"][0]
    assert (crowded.lift, crowded.p_value) == (alone.lift, alone.p_value)


def test_praise_and_questions_are_not_the_reference():
    data = leak_data()
    praise = frame([rows(300, issue_id="__not_complaint__", lot="L2607C", is_complaint=False)])
    alone = [c for c in root_causes(data) if c.issue_id == "iss_leak"][0]
    mixed = [
        c
        for c in root_causes(pd.concat([data, praise], ignore_index=True))
        if c.issue_id == "iss_leak"
    ][0]
    assert (mixed.reference_docs, mixed.lift) == (alone.reference_docs, alone.lift)


def test_values_as_common_in_the_issue_as_elsewhere_are_not_candidates():
    found = root_causes(leak_data())
    assert not any(c.value == "L2607C" and c.issue_id == "iss_leak" for c in found)
    # Every document is a form: the channel says nothing.
    assert not any(c.attribute == "channel" for c in found)


def test_benjamini_hochberg_over_one_issues_candidates():
    # Four tests for the issue (two lots, two regions); two share the smallest p, so BH
    # multiplies it by 4 / 2.
    data = frame(
        [
            rows(5, issue_id="iss", lot="A", region="北海道"),
            rows(5, issue_id="iss", lot="B", region="沖縄"),
            rows(5, issue_id="rest", lot="A", region="沖縄"),
            rows(45, issue_id="rest", lot="B", region="北海道"),
        ]
    )
    found = {
        (c.attribute, c.value): c
        for c in root_causes(data, attributes=("lot", "region"))
        if c.issue_id == "iss"
    }
    lot = found[("lot", "A")]
    assert lot.p_value == pytest.approx(hypergeometric_upper_tail(5, 10, 10, 60), rel=1e-9)
    ps = sorted(
        [
            hypergeometric_upper_tail(5, 10, 10, 60),  # lot A
            hypergeometric_upper_tail(5, 10, 50, 60),  # lot B: 5 of 10 vs 45 of 50, never small
            hypergeometric_upper_tail(5, 10, 50, 60),  # 北海道
            hypergeometric_upper_tail(5, 10, 10, 60),  # 沖縄
        ]
    )
    bh = [min(1.0, min(ps[j] * 4 / (j + 1) for j in range(i, 4))) for i in range(4)]
    assert lot.q_value == pytest.approx(bh[0], rel=1e-9)


def test_key_phrases_are_the_aspect_pairs_the_issue_says_more_often():
    data = frame(
        [
            rows(10, issue_id="iss_leak", terms=["水漏れ", "水|漏れる", "本体|濡れる"]),
            rows(30, issue_id="iss_other", terms=["音", "音|煩い", "本体|濡れる"]),
        ]
    )

    found = key_phrases(data)

    leak = [c.value for c in found if c.issue_id == "iss_leak"]
    assert leak == ["水|漏れる"]  # 本体|濡れる is as common elsewhere; 水漏れ is not a pair
    other = [c.value for c in found if c.issue_id == "iss_other"]
    assert other == ["音|煩い"]
