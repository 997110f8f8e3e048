"""The impact ranking: impact as the change of an overall figure without an issue's voices, its
bootstrap interval, and the order by the interval's lower end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from insights.impact import CELL_COLUMNS, MIN_BAD, rank_issues
from koe.formats import interval_text


def voices(
    issue, n, negative=0, churn=0, refund=0, fcr_known=0, fcr_miss=0, repeat_base=0, repeats=0
):
    """``n`` voices of ``issue``: the first ``negative`` negative, the first ``churn`` with the
    churn flag, and so on (so the outcomes overlap, as they do in real voices)."""
    return [
        {
            "issue_id": issue,
            "is_voice": True,
            "negative": k < negative,
            "churn": k < churn,
            "refund": k < refund,
            "repeat_base": k < repeat_base,
            "repeat_contact": k < repeats,
            "fcr_known": k < fcr_known,
            "fcr_miss": k < fcr_miss,
            "n": 1,
        }
        for k in range(n)
    ]


def cells(*groups) -> pd.DataFrame:
    rows = [row for group in groups for row in group]
    return (
        pd.DataFrame(rows).groupby(list(CELL_COLUMNS[:-1]), as_index=False, dropna=False)["n"].sum()
    )


REST = ("__not_complaint__", 3000, 900, 60, 60, 900, 100, 1000, 50)


def test_impact_is_the_change_of_the_figure_without_the_issues_voices():
    ranked = rank_issues(
        cells(voices(*REST), voices("a", 100, negative=80), voices(None, 50, negative=10))
    )
    row = ranked.set_index("issue_id").loc["a"]
    overall = (900 + 80 + 10) / 3150
    without = (900 + 10) / 3050
    assert row["negative_share"] == pytest.approx(overall - without)
    assert row["overall_negative_share"] == pytest.approx(overall)
    assert row["negative_share_low"] < row["negative_share"] < row["negative_share_high"]
    assert row["voices"] == 100
    # The rows that are not issues (unclassified, not a complaint) are counted, never ranked.
    assert list(ranked["issue_id"]) == ["a"]


def test_an_issue_no_worse_than_the_rest_has_no_impact_however_large():
    ranked = rank_issues(cells(voices(*REST), voices("big", 3000, 900, 60, 60, 900, 100, 1000, 50)))
    row = ranked.iloc[0]
    for code in (
        "negative_share",
        "churn_share",
        "refund_share",
        "first_contact_miss_rate",
        "repeat_contact_rate",
    ):
        assert row[code] == pytest.approx(0.0, abs=1e-12)
        assert row[f"{code}_low"] < 0 < row[f"{code}_high"]


def test_a_small_issue_with_extreme_voices_does_not_top_a_driver():
    driver = voices("driver", 150, 90, 15, 15, 45, 15, 100, 30)
    small = voices("small", 8, 8, 3, 3, 3, 3, 8, 4)
    ranked = rank_issues(cells(voices(*REST), driver, small))
    assert list(ranked["issue_id"]) == ["driver", "small"]
    small_row = ranked.iloc[1]
    # Its interval reaches down to (almost) nothing; the driver's does not.
    assert small_row["impact_low"] < 0.01 < ranked.iloc[0]["impact_low"]


def test_the_order_is_by_the_lower_end_of_the_interval():
    groups = [voices(*REST)] + [voices(f"i{k}", 20 + 30 * k, 10 + 20 * k, k, k) for k in range(6)]
    ranked = rank_issues(cells(*groups))
    assert list(ranked["impact_low"]) == sorted(ranked["impact_low"], reverse=True)


def test_a_rare_figure_does_not_decide_the_combined_impact():
    # Three churn voices in all, every one in "rare": it holds all of churn, yet churn has fewer
    # than MIN_BAD bad outcomes, so only the other figures combine.
    rest = ("__not_complaint__", 3000, 900, 0, 60, 900, 100, 1000, 50)
    ranked = rank_issues(cells(voices(*rest), voices("rare", 10, 3, 3), voices("plain", 10, 3)))
    rows = ranked.set_index("issue_id")
    assert rows.loc["rare", "churn_share"] > 0
    assert rows.loc["rare", "impact"] == pytest.approx(rows.loc["plain", "impact"])
    assert MIN_BAD > 3


def test_silent_calls_count_in_first_contact_resolution_but_are_not_ranked():
    silent = [
        {**row, "issue_id": None, "is_voice": False, "negative": False}
        for row in voices(None, 200, 0, 0, 0, 200, 100)
    ]
    with_silent = rank_issues(cells(voices(*REST), voices("a", 100, 50, 5, 5, 40, 30), silent))
    without = rank_issues(cells(voices(*REST), voices("a", 100, 50, 5, 5, 40, 30)))
    assert list(with_silent["issue_id"]) == ["a"]
    assert with_silent["overall_first_contact_miss_rate"][0] == pytest.approx(230 / 1140)
    assert with_silent["overall_negative_share"][0] == pytest.approx(
        without["overall_negative_share"][0]
    )


def test_the_same_counts_give_the_same_interval_and_a_seed_changes_it():
    data = cells(voices(*REST), voices("a", 100, 60, 10, 10, 30, 10, 50, 10))
    first, again = rank_issues(data), rank_issues(data)
    pd.testing.assert_frame_equal(first, again)
    other = rank_issues(data, seed=1)
    assert other["impact"][0] == first["impact"][0]
    assert other["impact_low"][0] != first["impact_low"][0]


def test_no_issue_gives_an_empty_ranking_and_missing_columns_an_error():
    assert rank_issues(cells(voices(*REST))).empty
    with pytest.raises(ValueError, match="fcr_miss"):
        rank_issues(cells(voices(*REST)).drop(columns=["fcr_miss"]))


def test_interval_text():
    assert interval_text(0.1234, 0.05, 0.2) == "12.3%（5.0〜20.0%）"
    assert interval_text(0.012, 0.001, 0.03, "pt") == "1.2pt（0.1〜3.0pt）"
    assert interval_text(np.nan, np.nan, np.nan) == "—"
    assert interval_text(-0.0004, -0.001, -0.0001, "pt") == "0.0pt（-0.1〜0.0pt）"
