"""The dashboard's warehouse queries against the hand-checkable fixture marts.

Every expected number below can be counted from the rows listed in tests/fixtures_warehouse.py.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import unicodedata
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from koe.settings import reload as reload_settings
from tests.support.warehouse_rows import APP, EAR, WATCH, build_fixture_warehouse
from warehouse import queries

FIRST, LAST = date(2026, 8, 3), date(2026, 8, 16)


def AUG(day: int) -> date:  # upper case: reads like a date literal in the tables below
    return date(2026, 8, day)


@pytest.fixture(scope="session")
def fixture_snapshot(tmp_path_factory):
    return build_fixture_warehouse(tmp_path_factory.mktemp("app") / "fixture.snapshot.duckdb")


@pytest.fixture(scope="session")
def reader(fixture_snapshot):
    reader = queries.SnapshotReader(fixture_snapshot)
    yield reader
    reader.close()


@pytest.fixture
def con(reader):
    cursor = reader.cursor()
    yield cursor
    cursor.close()


def counts(frame: pd.DataFrame, key: str = "issue_id") -> dict[str, int]:
    return dict(zip(frame[key], frame["feedback_count"].astype(int), strict=True))


# --- snapshot location and connection -------------------------------------------------------


def test_koe_snapshot_overrides_the_snapshot_beside_the_warehouse(monkeypatch, tmp_path):
    monkeypatch.setenv("KOE_WAREHOUSE", str(tmp_path / "koe.duckdb"))
    monkeypatch.delenv("KOE_SNAPSHOT", raising=False)
    reload_settings()
    assert queries.snapshot_file() == tmp_path / "koe.snapshot.duckdb"
    monkeypatch.setenv("KOE_SNAPSHOT", str(tmp_path / "elsewhere.duckdb"))
    reload_settings()
    assert queries.snapshot_file() == tmp_path / "elsewhere.duckdb"


def test_missing_snapshot_has_no_version_and_cannot_be_opened(monkeypatch, tmp_path):
    monkeypatch.setenv("KOE_SNAPSHOT", str(tmp_path / "absent.duckdb"))
    reload_settings()
    assert queries.app_snapshot_version() is None
    with pytest.raises(FileNotFoundError, match="make pipeline"):
        queries.SnapshotReader()


def test_republishing_changes_the_snapshot_version(monkeypatch, tmp_path):
    target = tmp_path / "koe.snapshot.duckdb"
    monkeypatch.setenv("KOE_SNAPSHOT", str(target))
    reload_settings()
    build_fixture_warehouse(target)
    first = queries.app_snapshot_version()
    build_fixture_warehouse(tmp_path / "next.duckdb")
    os.replace(tmp_path / "next.duckdb", target)
    assert first is not None
    assert queries.app_snapshot_version() not in (None, first)


def test_cursors_read_the_snapshot_in_tokyo_time_from_several_threads(reader):
    results: list[int] = []

    def count_feedback() -> None:
        cursor = reader.cursor()
        try:
            results.append(int(queries.issue_catalogue(cursor)["feedback_count"].sum()))
        finally:
            cursor.close()

    threads = [threading.Thread(target=count_feedback) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [48, 48, 48, 48]
    examples = queries.issue_examples(reader.cursor(), "iss-login", 1)
    assert str(examples["created_at"].dt.tz) == "Asia/Tokyo"
    assert examples["created_at"].iloc[0].strftime("%m-%d %H:%M") == "08-10 18:40"


def test_a_missing_mart_fails_instead_of_reading_a_python_variable(con):
    kpi_daily = pd.DataFrame({"day": [FIRST]})  # noqa: F841 - what a replacement scan would find
    with pytest.raises(duckdb.CatalogException):
        con.execute("SELECT * FROM kpi_daily").fetchall()


# --- period and filters ---------------------------------------------------------------------


def test_data_period_spans_the_two_fixture_weeks(con):
    assert queries.data_period(con) == (FIRST, LAST)


def test_filter_values_list_every_channel_and_product(con):
    assert queries.filter_values(con) == {
        "channel": ["call", "email", "form", "sns"],
        "product": sorted([EAR, WATCH, APP]),
    }


# --- KPIs -----------------------------------------------------------------------------------


def test_kpis_over_the_whole_period_against_their_targets(con):
    kpis = queries.kpi_period(con, FIRST, LAST).set_index("kpi")
    # 56 calls, 5 abandoned; 6 of the 51 answered unresolved; 8 of 14 holds ≤ 45 s;
    # 16 of 21 emails/forms answered within 24 h (5 late or never answered).
    assert kpis.loc["answer_rate", "value"] == pytest.approx(51 / 56)
    assert kpis.loc["first_contact_resolution_rate", "value"] == pytest.approx(45 / 51)
    assert kpis.loc["holds_within_45s_share", "value"] == pytest.approx(8 / 14)
    assert kpis.loc["written_responded_within_24h_share", "value"] == pytest.approx(16 / 21)
    # 30 voices about issues with a known customer; two battery contacts came again within 7 days.
    assert kpis.loc["repeat_contact_rate", "value"] == pytest.approx(2 / 30)
    assert kpis["base"].to_dict() == {
        "answer_rate": 56,
        "first_contact_resolution_rate": 51,
        "repeat_contact_rate": 30,
        "holds_within_45s_share": 14,
        "written_responded_within_24h_share": 21,
    }
    assert kpis["met"].to_dict() == {
        "answer_rate": True,
        "first_contact_resolution_rate": False,
        "repeat_contact_rate": True,
        "holds_within_45s_share": False,
        "written_responded_within_24h_share": False,
    }
    assert kpis.loc["answer_rate", "label_ja"] == "応答率"
    assert not kpis["informational"].any()  # the fixture's targets predate that column


def test_period_kpis_weight_each_day_by_its_own_denominator(con):
    # 08-03: 2 of 3 answered calls resolved; 08-04: 4 of 4. Pooled 6/7, not the mean of days.
    kpis = queries.kpi_period(con, AUG(3), AUG(4)).set_index("kpi")
    assert kpis.loc["first_contact_resolution_rate", "value"] == pytest.approx(6 / 7)
    assert kpis.loc["answer_rate", "value"] == pytest.approx(7 / 8)
    assert kpis.loc["written_responded_within_24h_share", "value"] == pytest.approx(1.0)
    assert bool(kpis.loc["written_responded_within_24h_share", "met"]) is True


def test_kpis_of_a_period_without_data_have_no_value_and_no_status(con):
    kpis = queries.kpi_period(con, date(2025, 1, 1), date(2025, 1, 31))
    assert len(kpis) == 5
    assert kpis["value"].isna().all()
    assert kpis["met"].isna().all()
    assert (kpis["base"] == 0).all()


def test_lower_is_better_kpis_and_the_informational_flag(tmp_path):
    path = build_fixture_warehouse(tmp_path / "targets.duckdb")
    with duckdb.connect(str(path)) as writer:
        writer.execute("ALTER TABLE marts.kpi_targets ADD COLUMN informational BOOLEAN")
        writer.execute("UPDATE marts.kpi_targets SET informational = false")
        writer.execute(
            "INSERT INTO marts.kpi_targets VALUES ('abandon_rate', '放棄呼率', 0.10, '<=', true)"
        )
    reader = queries.SnapshotReader(path)
    try:
        kpis = queries.kpi_period(reader.cursor(), FIRST, LAST).set_index("kpi")
    finally:
        reader.close()
    assert kpis.loc["abandon_rate", "value"] == pytest.approx(5 / 56)
    assert bool(kpis.loc["abandon_rate", "met"]) is True  # 8.9 % ≤ 10 %
    assert kpis["informational"].to_dict()["abandon_rate"] is True
    assert not kpis.drop(index="abandon_rate")["informational"].any()
    assert list(kpis.index) == [  # the targets table's own order
        "answer_rate",
        "first_contact_resolution_rate",
        "repeat_contact_rate",
        "holds_within_45s_share",
        "written_responded_within_24h_share",
        "abandon_rate",
    ]


def test_repeat_contacts_of_an_issue_count_the_same_customer_again_within_the_window(con):
    [row] = queries.issue_repeat_contacts(con, "iss-battery").to_dict("records")
    # 10 battery voices with a customer, from 7 customers; one came back twice within 7 days,
    # another after 10 days (not a repeat).
    assert row == {
        "linked_contacts": 10,
        "customers": 7,
        "repeat_contacts": 2,
        "repeat_customers": 1,
        "repeat_contact_rate": pytest.approx(0.2),
        "repeat_window_days": 7,
    }
    [none] = queries.issue_repeat_contacts(con, "iss-login").to_dict("records")
    assert (none["linked_contacts"], none["repeat_contacts"]) == (6, 0)


def test_repeat_customers_and_the_journey_of_one_in_time_order(con):
    customers = queries.repeat_customers(con, "iss-battery")
    assert len(customers) == 1
    [customer] = customers.to_dict("records")
    assert (customer["contacts"], customer["repeat_contacts"]) == (3, 2)
    assert list(customer["channels"]) == ["call", "form"]
    journey = queries.customer_journey(con, customer["customer_key"], "iss-battery")
    assert journey["contact_number"].tolist() == [1, 2, 3]
    assert journey["channel"].tolist() == ["call", "form", "call"]
    assert journey["is_repeat_contact"].tolist() == [False, True, True]
    assert journey["days_since_previous"].round(1).tolist()[1:] == [5.0, 5.2]
    assert journey["on_issue"].all() and journey["created_at"].is_monotonic_increasing
    assert queries.repeat_customers(con, "iss-login").empty


def test_kpi_daily_is_bounded_by_the_period(con):
    daily = queries.kpi_daily(con, AUG(3), AUG(5))
    assert [d.date() for d in daily["day"]] == [AUG(3), AUG(4), AUG(5)]
    assert daily["calls_offered"].tolist() == [4, 4, 4]
    assert daily["calls_answered"].tolist() == [3, 4, 3]


# --- issues over a period -------------------------------------------------------------------


def test_issue_totals_put_the_largest_issue_first_and_unclassified_last(con):
    totals = queries.issue_totals(con, FIRST, LAST)
    assert totals["issue_id"].tolist() == [
        "iss-battery",
        "iss-login",
        "iss-delivery",
        "iss-refund",
        "iss-thanks",
        "__unclassified__",
    ]
    assert totals["feedback_count"].tolist() == [14, 10, 8, 6, 5, 5]
    assert totals["negative_count"].tolist() == [12, 9, 6, 3, 0, 2]
    assert totals["not_an_issue"].tolist() == [False] * 5 + [True]
    battery = totals.iloc[0]
    assert battery["label"] == "バッテリーの減りが早い"
    assert battery["negative_share"] == pytest.approx(12 / 14)
    assert totals.iloc[-1]["label"] == "未分類"


def test_issue_totals_filter_by_date(con):
    one_day = queries.issue_totals(con, AUG(10), AUG(10))
    assert counts(one_day) == {"iss-login": 3, "iss-battery": 1}


def test_issue_totals_filter_by_channel(con):
    calls = queries.issue_totals(con, FIRST, LAST, channels=["call"])
    assert counts(calls) == {
        "iss-battery": 4,
        "iss-login": 2,
        "iss-delivery": 2,
        "iss-refund": 2,
        "iss-thanks": 1,
        "__unclassified__": 1,
    }


def test_issue_totals_filter_by_product(con):
    app = queries.issue_totals(con, FIRST, LAST, products=[APP])
    assert counts(app) == {"iss-login": 10, "iss-thanks": 2, "iss-refund": 1, "__unclassified__": 1}


def test_issue_totals_combine_channel_product_and_date_filters(con):
    watch_on_sns = queries.issue_totals(con, FIRST, LAST, channels=["sns"], products=[WATCH])
    assert counts(watch_on_sns) == {"iss-battery": 4, "iss-thanks": 1}
    second_week = queries.issue_totals(
        con, AUG(10), LAST, channels=["sns", "form"], products=[WATCH]
    )
    # battery: sns 08-11, 08-14, form 08-12; thanks: sns 08-15; delivery: form 08-15;
    # refund: form 08-16 15:15; unclassified: form 08-16 17:05. (battery form 08-16 is E2.)
    assert counts(second_week) == {
        "iss-battery": 3,
        "iss-thanks": 1,
        "iss-delivery": 1,
        "iss-refund": 1,
        "__unclassified__": 1,
    }


def test_injection_looking_filter_values_match_nothing(con):
    hostile = ["call' OR '1'='1", "'); DROP TABLE marts.issue_daily; --"]
    assert queries.issue_totals(con, FIRST, LAST, channels=hostile).empty
    assert queries.issue_trend(con, FIRST, LAST, products=hostile).empty
    assert queries.qa_findings(con, FIRST, LAST, teams=hostile).empty
    assert int(queries.issue_totals(con, FIRST, LAST)["feedback_count"].sum()) == 48


def test_volume_daily_counts_feedback_per_channel_and_day(con):
    volume = queries.volume_daily(con, FIRST, LAST)
    assert int(volume["feedback_count"].sum()) == 48
    aug10 = volume[volume["day"].dt.date == AUG(10)]
    assert counts(aug10, key="channel") == {"call": 1, "email": 2, "sns": 1}
    from tests.support.warehouse_rows import feedback_frame

    feedback = feedback_frame()
    assert int(volume["negative_count"].sum()) == int((feedback["sentiment"] == "negative").sum())
    assert int(volume["complaint_count"].sum()) == int(
        (feedback["issue_id"].fillna("") != "__not_complaint__").sum()
    )


def test_issue_trend_counts_feedback_per_issue_and_day(con):
    trend = queries.issue_trend(con, FIRST, LAST)
    assert int(trend["feedback_count"].sum()) == 48
    login = trend[trend["issue_id"] == "iss-login"]
    login = login.set_index(login["day"].dt.date)
    assert login["feedback_count"].to_dict() == {
        AUG(4): 1,
        AUG(10): 3,
        AUG(11): 2,
        AUG(12): 1,
        AUG(13): 1,
        AUG(14): 1,
        AUG(15): 1,
    }
    # 08-10: sns −0.7, call −0.6, email −0.8, all negative.
    assert login.loc[AUG(10), "negative_count"] == 3
    assert login.loc[AUG(10), "avg_sentiment"] == pytest.approx(-0.7)
    assert login.loc[AUG(10), "label"] == "アプリにログインできない"


def test_issue_trend_filters_by_channel(con):
    trend = queries.issue_trend(con, FIRST, LAST, channels=["email"])
    assert int(trend["feedback_count"].sum()) == 10
    assert set(trend["issue_id"]) == {
        "iss-battery",
        "iss-login",
        "iss-delivery",
        "iss-refund",
        "iss-thanks",
        "__unclassified__",
    }


# --- one issue ------------------------------------------------------------------------------


def test_issue_catalogue_lists_every_issue_with_unclassified_last(con):
    catalogue = queries.issue_catalogue(con)
    assert counts(catalogue) == {
        "iss-battery": 14,
        "iss-login": 10,
        "iss-delivery": 8,
        "iss-refund": 6,
        "iss-thanks": 5,
        "__unclassified__": 5,
    }
    assert catalogue["issue_id"].iloc[-1] == "__unclassified__"


def test_issue_detail_of_the_battery_issue(con):
    detail = queries.issue_detail(con, "iss-battery")
    assert len(detail) == 1
    issue = detail.iloc[0]
    assert issue["label"] == "バッテリーの減りが早い"
    assert list(issue["keywords"]) == ["バッテリー", "充電", "減り", "アップデート"]
    assert issue["feedback_count"] == 14
    assert issue["negative_share"] == pytest.approx(12 / 14)
    assert issue["top_product"] == WATCH
    assert issue["first_seen"].date() == AUG(3)
    assert issue["last_seen"].date() == AUG(16)
    assert not issue["not_an_issue"]


def test_issue_detail_of_an_unknown_or_hostile_id_is_empty(con):
    assert queries.issue_detail(con, "iss-nope").empty
    assert queries.issue_detail(con, "iss-battery' OR '1'='1").empty
    assert queries.issue_examples(con, "x'; DROP TABLE marts.issues; --").empty
    assert len(queries.issue_catalogue(con)) == 6


def test_issue_examples_show_representatives_first_then_the_newest(con):
    examples = queries.issue_examples(con, "iss-battery", limit=5)
    assert len(examples) == 5
    assert examples["representative"].tolist() == [True, True, True, False, False]
    stamps = examples["created_at"].dt.strftime("%m-%d %H:%M").tolist()
    assert stamps == ["08-10 16:05", "08-08 11:20", "08-08 08:55", "08-16 13:30", "08-16 10:48"]
    assert "［注文番号］" in examples["text_masked"].iloc[0]


def test_issue_examples_of_unclassified_feedback(con):
    examples = queries.issue_examples(con, "__unclassified__", limit=10)
    assert len(examples) == 5
    assert "新色のベルトっていつ発売されるんだろう" in examples["text_masked"].tolist()


def test_issue_timeline_and_breakdown_of_the_login_issue(con):
    timeline = queries.issue_timeline(con, "iss-login")
    assert int(timeline["feedback_count"].sum()) == 10
    assert int(timeline["negative_count"].sum()) == 9
    assert timeline["day"].dt.date.tolist()[0] == AUG(4)
    breakdown = queries.issue_breakdown(con, "iss-login")
    assert counts(breakdown, key="channel") == {"sns": 4, "call": 2, "email": 2, "form": 2}
    assert set(breakdown["product"]) == {APP}
    # 08-10 and 08-11 only: sns, call, email; sns, form.
    two_days = queries.issue_breakdown(con, "iss-login", AUG(10), AUG(11))
    assert counts(two_days, key="channel") == {"sns": 2, "call": 1, "email": 1, "form": 1}


def test_related_issues_share_customers_or_keywords(tmp_path):
    snapshot = build_fixture_warehouse(tmp_path / "related.duckdb")
    with duckdb.connect(str(snapshot)) as con:
        assert queries.related_issues(con, "iss-battery").empty  # nothing shared in the fixture
        # One customer reports a login problem too, and the refund issue learns a battery word.
        [(customer,)] = con.execute(
            "SELECT customer_id FROM marts.feedback WHERE issue_id = 'iss-battery'"
            " AND customer_id IS NOT NULL ORDER BY feedback_id LIMIT 1"
        ).fetchall()
        con.execute(
            "UPDATE marts.feedback SET customer_id = ? WHERE feedback_id = (SELECT min(feedback_id)"
            " FROM marts.feedback WHERE issue_id = 'iss-login')",
            [customer],
        )
        con.execute(
            "UPDATE marts.issues SET keywords = list_append(keywords, '充電')"
            " WHERE issue_id = 'iss-refund'"
        )
        related = queries.related_issues(con, "iss-battery")
    assert related["issue_id"].tolist() == ["iss-login", "iss-refund"]
    assert related["shared_customers"].tolist() == [1, 0]
    assert list(related["shared_keywords"].iloc[1]) == ["充電"]


# --- agent QA -------------------------------------------------------------------------------


def test_qa_findings_over_the_period_newest_first(con):
    findings = queries.qa_findings(con, FIRST, LAST)
    assert len(findings) == 11
    newest = findings.iloc[0]
    assert newest["started_at"].strftime("%m-%d %H:%M") == "08-15 12:35"
    assert findings["turn"].iloc[:2].tolist() == [5, 11]  # same call: turn order
    assert "［電話番号］" in " ".join(findings["text_masked"])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"checks": ["long_hold_without_report"]}, 4),
        ({"checks": ["forbidden_phrase", "internal_contact"]}, 5),
        ({"teams": ["大阪チーム"]}, 1),
        ({"agents": ["A101"]}, 4),
        ({"teams": ["東京第1チーム"], "checks": ["escalation_request"]}, 2),
    ],
)
def test_qa_findings_filters(con, filters, expected):
    assert len(queries.qa_findings(con, FIRST, LAST, **filters)) == expected


def test_qa_findings_filter_by_date(con):
    findings = queries.qa_findings(con, AUG(10), AUG(10))
    assert sorted(findings["check_name"]) == ["escalation_request", "long_hold_without_report"]
    assert set(findings["agent_id"]) == {"A101"}


def test_qa_agents_count_calls_and_findings_per_check(con):
    agents = queries.qa_agents(con, FIRST, LAST).set_index("agent_id")
    assert agents["calls_answered"].to_dict() == {"A101": 14, "A102": 11, "A201": 13, "B301": 13}
    assert agents["findings"].to_dict() == {"A101": 4, "A102": 4, "A201": 2, "B301": 1}
    a101 = agents.loc["A101"]
    assert (a101["forbidden_phrase"], a101["escalation_request"]) == (1, 1)
    assert (a101["long_hold_without_report"], a101["internal_contact"]) == (2, 0)
    assert a101["findings_per_100_calls"] == pytest.approx(400 / 14)
    assert agents.loc["B301", "team"] == "大阪チーム"


def test_qa_weekly_splits_each_agents_calls_and_findings_by_monday(con):
    weekly = queries.qa_weekly(con, FIRST, LAST)
    assert set(weekly["week"].dt.date) == {AUG(3), AUG(10)}  # both Mondays
    totals = weekly.groupby("agent_id")[["calls_answered", "findings"]].sum()
    agents = queries.qa_agents(con, FIRST, LAST).set_index("agent_id")
    assert totals["calls_answered"].to_dict() == agents["calls_answered"].to_dict()
    assert totals["findings"].to_dict() == agents["findings"].to_dict()
    # A101's two findings of 08-10 (escalation request, long hold) fall in the second week.
    second = weekly[(weekly["agent_id"] == "A101") & (weekly["week"].dt.date == AUG(10))]
    assert int(second["findings"].iloc[0]) >= 2


def test_a_call_transcript_marks_the_turn_of_its_finding(con):
    [call_id] = queries.qa_findings(con, AUG(3), AUG(3), ["forbidden_phrase"])["call_id"]
    turns = queries.call_transcript(con, call_id)
    assert turns["turn"].tolist() == list(range(7))
    flagged = turns[turns["checks"].map(len) > 0]
    assert flagged["turn"].tolist() == [5]
    assert list(flagged["checks"].iloc[0]) == ["forbidden_phrase"]
    assert flagged["speaker"].iloc[0] == "agent"
    assert "わかりかねます" in flagged["text_masked"].iloc[0]


def test_feedback_examples_follow_issue_day_and_channel_filters(con):
    examples = queries.feedback_examples(con, AUG(10), AUG(11), [], [], ["iss-login"])
    # The login issue has 5 reports on 08-10 and 08-11 (sns, call, email; sns, form).
    assert sorted(examples["channel"]) == ["call", "email", "form", "sns", "sns"]
    assert examples["created_date"].is_monotonic_decreasing
    only_sns = queries.feedback_examples(con, AUG(10), AUG(11), ["sns"], [], ["iss-login"])
    assert len(only_sns) == 2
    assert len(queries.feedback_examples(con, FIRST, LAST, [], [], [], 3)) == 3


def test_concordance_lists_every_occurrence_with_its_context():
    from tests.support.warehouse_rows import build_fixture_warehouse, feedback_frame

    texts = [
        re.sub(r"\s+", " ", unicodedata.normalize("NFKC", t)).casefold()
        for t in feedback_frame()["text_masked"]
    ]
    expected = sum(text.count("ログイン") for text in texts)
    assert expected > 0
    snapshot = build_fixture_warehouse(Path(tempfile.mkdtemp()) / "kwic.duckdb")
    with duckdb.connect(str(snapshot), read_only=True) as con:
        lines = queries.concordance(con, "ログイン", FIRST, LAST, width=8)
        # Half-width kana and full-width letters find the same words after NFKC.
        assert len(queries.concordance(con, "ﾛｸﾞｲﾝ", FIRST, LAST)) == expected
        assert len(queries.concordance(con, "   ", FIRST, LAST)) == 0
    assert len(lines) == expected
    assert set(lines["keyword"]) == {"ログイン"}
    assert (lines["left"].str.len() <= 8).all() and (lines["right"].str.len() <= 8).all()
    assert all(
        any((row.left + row.keyword + row.right).casefold() in text for text in texts)
        for row in lines.itertuples()
    )


def test_case_examples_alternate_channels_representatives_first(con):
    cases = queries.case_examples(con, ["iss-login", "iss-battery"], FIRST, LAST, 3)
    assert cases["issue_id"].tolist() == ["iss-login"] * 3 + ["iss-battery"] * 3
    for _, group in cases.groupby("issue_id"):
        assert group["channel"].is_unique  # three different channels before any repeats
    login = queries.issue_detail(con, "iss-login")["representative_ids"].iloc[0]
    first = cases[cases["issue_id"] == "iss-login"].iloc[0]
    assert first["representative"] and first["feedback_id"] in list(login)
    assert (cases["text_masked"].str.len() >= 20).all()


def test_kpi_weekly_values_combine_to_the_period_value(con):
    weekly = queries.kpi_weekly(con, FIRST, LAST)
    assert set(weekly["week"].dt.date) == {AUG(3), AUG(10)}
    daily = queries.kpi_daily(con, FIRST, LAST)
    daily["week"] = pd.to_datetime(daily["day"]).dt.to_period("W-SUN").dt.start_time
    offered = daily.groupby("week")["calls_offered"].sum()
    answer = weekly[weekly["kpi"] == "answer_rate"].set_index("week")["value"]
    combined = (answer * offered).sum() / offered.sum()
    period = queries.kpi_period(con, FIRST, LAST).set_index("kpi").loc["answer_rate", "value"]
    assert combined == pytest.approx(period)
    assert len(weekly[weekly["kpi"] == "abandon_rate"]) == 2


def test_qa_filter_values(con):
    values = queries.qa_filter_values(con)
    assert values["check"] == [
        "escalation_request",
        "forbidden_phrase",
        "internal_contact",
        "long_hold_without_report",
    ]
    assert values["team"] == ["大阪チーム", "東京第1チーム", "東京第2チーム"]
    assert values["agent"] == ["A101", "A102", "A201", "B301"]


# --- quarantine -----------------------------------------------------------------------------


def test_quarantine_lists_every_record_with_its_reason(con):
    rows = queries.quarantine(con)
    assert len(rows) == 5
    assert rows["source_file"].nunique() == 4
    assert "created_at が空です" in rows["reason"].tolist()
    whole_file = rows[rows["source_line"].isna()]
    assert whole_file["source_file"].tolist() == ["calls/calls_0812.jsonl"]


# --- the real marts schema ------------------------------------------------------------------


@pytest.fixture(scope="session")
def empty_real_snapshot(tmp_path_factory):
    """Marts built by the real `warehouse.marts` SQL over empty raw tables, then published."""
    from warehouse.db import connect
    from warehouse.marts import build_marts
    from warehouse.snapshot import publish_snapshot

    path = tmp_path_factory.mktemp("real") / "koe.duckdb"
    writer = connect(path)
    try:
        build_marts(writer)
    finally:
        writer.close()
    return publish_snapshot(path)


def test_every_query_runs_on_the_marts_the_pipeline_builds(empty_real_snapshot):
    reader = queries.SnapshotReader(empty_real_snapshot)
    con = reader.cursor()
    try:
        assert queries.data_period(con) is None
        kpis = queries.kpi_period(con, FIRST, LAST).set_index("kpi")
        assert kpis["informational"].to_dict() == {
            "answer_rate": False,
            "first_contact_resolution_rate": False,
            "repeat_contact_rate": False,
            "holds_within_45s_share": False,
            "written_responded_within_24h_share": False,
            "abandon_rate": True,
            "avg_speed_of_answer_s": True,
        }
        assert kpis["value"].isna().all()
        # Only the two rows that are not issues (未分類, 苦情以外), with no feedback yet.
        catalogue = queries.issue_catalogue(con)
        assert catalogue["kind"].tolist() == ["not_complaint", "unclassified"]
        assert catalogue["feedback_count"].tolist() == [0, 0]
        assert queries.filter_values(con) == {"channel": [], "product": []}
        assert queries.qa_filter_values(con) == {"check": [], "team": [], "agent": []}
        empty = [
            queries.kpi_daily(con, FIRST, LAST),
            queries.volume_daily(con, FIRST, LAST),
            queries.issue_totals(con, FIRST, LAST, ["call"], [WATCH]),
            queries.issue_trend(con, FIRST, LAST),
            queries.issue_detail(con, "iss-battery"),
            queries.issue_examples(con, "__unclassified__"),
            queries.issue_timeline(con, "__unclassified__"),
            queries.issue_breakdown(con, "__unclassified__"),
            queries.related_issues(con, "iss-battery"),
            queries.repeat_customers(con, "iss-battery"),
            queries.customer_journey(con, "customer-000000000000", "iss-battery"),
            queries.qa_findings(con, FIRST, LAST, ["forbidden_phrase"]),
            queries.qa_agents(con, FIRST, LAST),
            queries.qa_weekly(con, FIRST, LAST),
            queries.kpi_weekly(con, FIRST, LAST),
            queries.feedback_examples(con, FIRST, LAST),
            queries.concordance(con, "電源", FIRST, LAST),
            queries.case_examples(con, ["iss-battery"], FIRST, LAST),
            queries.call_transcript(con, "CL-none"),
            queries.weekly_reports(con),
            queries.quarantine(con),
        ]
        assert [len(frame) for frame in empty] == [0] * len(empty)
    finally:
        con.close()
        reader.close()


def test_alerts_in_the_period_newest_first_with_their_issue(con):
    every = queries.alerts(con, FIRST, LAST)
    assert list(every["kind"]) == ["safety", "volume_spike"]
    spike = every[every["kind"] == "volume_spike"].iloc[0]
    assert (spike["issue_label"], spike["product"], spike["day"].date()) == (
        "アプリにログインできない",
        APP,
        AUG(10),
    )
    safety = every[every["kind"] == "safety"].iloc[0]
    assert (safety["route"], safety["product"], safety["day"].date()) == (
        "お客様相談室",
        EAR,
        AUG(13),
    )
    assert '"channel"' in safety["evidence"]
    assert list(queries.alerts(con, AUG(11), AUG(12))["kind"]) == []


def test_root_causes_of_an_issue_come_ranked_with_phrases_last(con):
    causes = queries.issue_root_causes(con, "iss-battery")
    top = causes.iloc[0]
    # 13 of the 14 battery reports name the watch; 9 of the other 32 complaints do.
    assert (top["attribute"], top["value"], top["rank"]) == ("product", WATCH, 1)
    assert (top["count"], top["issue_docs"], top["reference_count"], top["reference_docs"]) == (
        13,
        14,
        9,
        32,
    )
    assert top["lift"] == pytest.approx((13 / 14) / (9 / 32))
    assert queries.issue_root_causes(con, "no-such-issue").empty


def test_lineage_of_an_issue_names_both_sides_newest_first(con):
    lineage = queries.issue_lineage(con, "iss-login")
    assert list(lineage["event"]) == ["merged", "created"]
    assert list(lineage["source_issue_id"].fillna("")) == ["iss-2fa-code", ""]
    # Seen from the retired side, the merge is found through source_issue_id.
    assert list(queries.issue_lineage(con, "iss-2fa-code")["issue_id"]) == ["iss-login"]
    assert queries.issue_lineage(con, "iss-battery").empty


def test_publishing_writes_where_the_app_reads_koe_snapshot(monkeypatch, tmp_path):
    import duckdb

    from warehouse.snapshot import publish_snapshot

    warehouse = tmp_path / "koe.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    target = tmp_path / "served" / "app.duckdb"
    target.parent.mkdir()
    monkeypatch.setenv("KOE_SNAPSHOT", str(target))
    reload_settings()
    assert publish_snapshot(warehouse) == target
    assert queries.snapshot_file() == target
    assert queries.app_snapshot_version() is not None


def test_delivery_counts_cover_every_notice_and_the_table_its_first_rows(con):
    # The fixture's notices (its two incidents and its one episode) were never delivered.
    assert queries.alert_delivery_counts(con) == {"pending": 3}
    state = queries.alert_delivery_state(con, limit=1)
    assert len(state) == 1 and state["state"].tolist() == ["pending"]
    assert state["day"].iloc[0].date() == AUG(13)  # the newest of them: the safety incident
    assert len(queries.alert_delivery_state(con)) == 3


def test_incidents_of_a_period_and_every_case_with_their_voices(con):
    # The fixture flags one call safety (13 Aug) and one SNS post a legal threat (12 Aug).
    found = queries.incidents(con, AUG(1), AUG(31))
    assert found["flag"].tolist() == ["safety", "legal_threat"]  # newest voice first
    assert found["voices"].tolist() == [1, 1]
    assert [list(c) for c in found["channels"]] == [["call"], ["sns"]]
    assert queries.incidents(con, AUG(13), AUG(31))["flag"].tolist() == ["safety"]
    cases = queries.case_incidents(con)
    assert sorted(cases["incident_id"]) == sorted(found["incident_id"])
    [safety] = found[found["flag"] == "safety"]["incident_id"]
    voices = queries.incident_voices(con, safety)
    assert len(voices) == 1 and voices["channel"].tolist() == ["call"]
    assert queries.incident_voices(con, "inc_none").empty


def test_episodes_of_a_period_name_their_issue(con):
    [episode] = queries.episodes(con, AUG(1), AUG(31)).itertuples()
    assert (episode.kind, episode.issue_label, episode.alerts) == (
        "rise",
        "アプリにログインできない",
        1,
    )
