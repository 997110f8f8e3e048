"""Incidents: voices about the same hazard grouped by flag, issue and product within a window
(warehouse/sql/insights/save_incidents.sql), on a small warehouse of hand-written voices."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from koe.vocabulary import CASE_FLAGS
from warehouse import insights
from warehouse.db import apply_schema, connect

JST = timezone(timedelta(hours=9))
START = datetime(2026, 9, 1, 10, 0, tzinfo=JST)
HEATER = "セラミックヒーター CH-30"
KETTLE = "電気ケトル EK-12"


def voice(
    n: int, hours: float, flags=("safety",), issue="iss-smell", product=HEATER, channel="call"
):
    at = START + timedelta(hours=hours)
    return (f"fb{n:03d}", issue, product, channel, at, list(flags), "焦げ臭いにおいがします")


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    apply_schema(connection)
    connection.execute("CREATE SCHEMA IF NOT EXISTS marts")
    connection.execute(
        "CREATE TABLE marts.feedback (feedback_id VARCHAR, issue_id VARCHAR, product VARCHAR,"
        " channel VARCHAR, created_at TIMESTAMPTZ, flags VARCHAR[], text_masked VARCHAR)"
    )
    connection.execute(
        "CREATE TABLE marts.issues (issue_id VARCHAR, top_product VARCHAR);"
        f" INSERT INTO marts.issues VALUES ('iss-smell', '{HEATER}'), ('iss-app', NULL)"
    )
    yield connection
    connection.close()


def incidents(con, voices, window_days: int = 7) -> list[dict]:
    """Store ``voices`` as the feedback mart, group them, and read the incidents back."""
    con.execute("DELETE FROM marts.feedback")
    if voices:
        con.executemany("INSERT INTO marts.feedback VALUES (?, ?, ?, ?, ?, ?, ?)", voices)
    insights.save(con, [], [], grouping=insights.Grouping([], CASE_FLAGS, window_days))
    frame = con.execute(
        "SELECT incident_id, flag, issue_id, product, voices, first_at, latest_at, channels,"
        " feedback_ids, detected_at FROM insights.incidents ORDER BY first_at, flag"
    ).df()
    return frame.to_dict("records")


def test_voices_of_one_flag_issue_and_product_within_the_window_are_one_incident(con):
    found = incidents(
        con,
        [voice(1, 0), voice(2, 30, channel="sns"), voice(3, 24 * 6.5, channel="email")],
    )
    assert len(found) == 1
    [incident] = found
    assert incident["voices"] == 3
    assert incident["feedback_ids"].tolist() == ["fb001", "fb002", "fb003"]
    assert list(incident["channels"]) == ["call", "email", "sns"]
    assert incident["first_at"] == START
    assert incident["latest_at"] == START + timedelta(hours=24 * 6.5)
    assert incident["flag"] == "safety" and incident["product"] == HEATER


def test_a_voice_joins_while_each_comes_within_the_window_of_the_latest(con):
    # Each voice is 6 days after the one before: 18 days in all, still one open incident.
    found = incidents(con, [voice(n, 24 * 6 * n) for n in range(4)])
    assert [i["voices"] for i in found] == [4]


def test_a_voice_beyond_the_window_opens_a_second_incident(con):
    found = incidents(con, [voice(1, 0), voice(2, 24), voice(3, 24 * 9)])
    assert [i["feedback_ids"].tolist() for i in found] == [["fb001", "fb002"], ["fb003"]]
    assert found[0]["incident_id"] != found[1]["incident_id"]


def test_the_window_is_a_setting(con):
    spread = [voice(1, 0), voice(2, 24 * 3)]
    assert len(incidents(con, spread, window_days=7)) == 1
    assert len(incidents(con, spread, window_days=2)) == 2


def test_another_flag_issue_or_product_is_another_incident(con):
    found = incidents(
        con,
        [
            voice(1, 0),
            voice(2, 1, flags=("sns_threat",)),
            voice(3, 2, flags=("sns_threat",), issue="iss-app"),
            voice(4, 3, product=KETTLE),
            voice(5, 4, flags=("churn",)),  # not a flag that opens a case
        ],
    )
    keys = sorted((i["flag"], i["issue_id"], i["product"]) for i in found)
    assert keys == [
        ("safety", "iss-smell", HEATER),
        ("safety", "iss-smell", KETTLE),
        ("sns_threat", "iss-app", HEATER),
        ("sns_threat", "iss-smell", HEATER),
    ]


def test_a_products_hazard_is_one_incident_whichever_issues_its_voices_are_in(con):
    """The clustering may tell a hot plug from a burning smell; the product is still what is
    stopped and collected, so its safety voices are one incident, named by its commonest issue."""
    found = incidents(
        con,
        [
            voice(1, 0, issue="iss-app"),
            voice(2, 1),
            voice(3, 2),
            voice(4, 3, issue="__unclassified__"),
            voice(5, 4, product=None, issue="iss-app"),  # no product known: keyed by its issue
        ],
    )
    keys = sorted(
        (
            i["flag"],
            i["issue_id"],
            i["product"] if isinstance(i["product"], str) else "",
            i["voices"],
        )
        for i in found
    )
    assert keys == [("safety", "iss-app", "", 1), ("safety", "iss-smell", HEATER, 4)]


def test_a_voice_with_two_case_flags_is_in_an_incident_of_each(con):
    found = incidents(con, [voice(1, 0, flags=("safety", "legal_threat", "refund_request"))])
    assert sorted(i["flag"] for i in found) == ["legal_threat", "safety"]


def test_a_voice_without_a_product_takes_its_issues_and_one_in_no_issue_has_none(con):
    found = incidents(
        con, [voice(1, 0, product=None), voice(2, 1, issue="__unclassified__", product=None)]
    )
    keys = sorted(
        tuple(v if isinstance(v, str) else "" for v in (i["issue_id"], i["product"])) for i in found
    )
    assert keys == [("", ""), ("iss-smell", HEATER)]


def test_computing_again_gives_the_same_ids_and_keeps_when_each_was_found(con):
    voices = [voice(1, 0), voice(2, 5), voice(3, 24 * 20)]
    first = incidents(con, voices)
    # A later run with one more voice: the open incident takes it, keeping its id.
    again = incidents(con, [*voices, voice(4, 24 * 21)])
    assert [i["incident_id"] for i in again] == [i["incident_id"] for i in first]
    assert [i["detected_at"] for i in again] == [i["detected_at"] for i in first]
    assert [i["voices"] for i in again] == [2, 2]


def test_an_incident_whose_voices_are_gone_is_gone(con):
    incidents(con, [voice(1, 0)])
    assert incidents(con, []) == []
