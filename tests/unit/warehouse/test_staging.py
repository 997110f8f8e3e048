"""staging views: JST dates, exact-duplicate detection, parsed call holds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from ingest.records import Call, Feedback, HoldSegment, ReadResult, stable_id
from tests.support.loading import load_source

JST = timezone(timedelta(hours=9))
T0 = datetime(2026, 8, 5, 10, 0, tzinfo=JST)
STOCK = "在庫切れの表示が出て注文できません。いつ入荷しますか？"


def submission(key: str, hours: float, text: str = STOCK, channel: str = "form", **extra):
    fields = {
        "created_at": T0 + timedelta(hours=hours),
        "customer_id": None,
        "author": "［氏名］",
        "product": "コードレス掃除機 V8",
    }
    fields.update(extra)
    return Feedback(
        feedback_id=stable_id(channel, key),
        channel=channel,
        source_key=key,
        source_file=f"{channel}/2026-08.jsonl",
        source_line=None,
        text=text,
        **fields,
    )


def load(con, *items: Feedback) -> None:
    by_file: dict[str, list[Feedback]] = {}
    for item in items:
        by_file.setdefault(item.source_file, []).append(item)
    for source_file, feedback in by_file.items():
        load_source(con, source_file, feedback[0].channel, "sha", 1, ReadResult(feedback=feedback))


def duplicates(con) -> dict[str, str | None]:
    return dict(con.execute("SELECT source_key, duplicate_of FROM staging.feedback").fetchall())


def test_a_resubmission_by_the_same_customer_within_24h_points_to_the_original(con):
    load(
        con,
        submission("F-1", 0, customer_id="CUST-7"),
        submission("F-2", 0.1, customer_id="CUST-7"),
        submission("F-3", 23.9, customer_id="CUST-7"),
    )

    original = stable_id("form", "F-1")
    assert duplicates(con) == {"F-1": None, "F-2": original, "F-3": original}


def test_the_window_is_24h_from_the_original_not_from_the_last_duplicate(con):
    load(
        con,
        submission("F-1", 0, customer_id="CUST-7"),
        submission("F-2", 20, customer_id="CUST-7"),
        submission("F-3", 40, customer_id="CUST-7"),
        submission("F-4", 50, customer_id="CUST-7"),
    )

    assert duplicates(con) == {
        "F-1": None,
        "F-2": stable_id("form", "F-1"),
        "F-3": None,
        "F-4": stable_id("form", "F-3"),
    }


def test_the_same_words_from_different_customers_are_both_originals(con):
    load(
        con, submission("F-1", 0, customer_id="CUST-7"), submission("F-2", 1, customer_id="CUST-8")
    )

    assert duplicates(con) == {"F-1": None, "F-2": None}


def test_different_text_or_channel_is_not_a_duplicate(con):
    load(
        con,
        submission("F-1", 0, customer_id="CUST-7"),
        submission(
            "F-2",
            1,
            text="在庫切れで注文できません。入荷予定を教えてください。",
            customer_id="CUST-7",
        ),
        submission("M-1", 1, channel="email", customer_id="CUST-7"),
    )

    assert duplicates(con) == {"F-1": None, "F-2": None, "M-1": None}


def test_without_customer_id_masked_names_do_not_tell_senders_apart(con):
    # Both authors were masked to ［氏名］: channel + text within 24 h decides.
    load(
        con, submission("F-1", 0), submission("F-2", 2, author="［氏名］ 様"), submission("F-3", 30)
    )

    assert duplicates(con) == {"F-1": None, "F-2": stable_id("form", "F-1"), "F-3": None}


def test_without_customer_id_a_surviving_handle_identifies_the_sender(con):
    post = "また配送遅延かよ…もう3日も待ってるんだけど"
    load(
        con,
        submission("P-1", 0, text=post, channel="sns", author="@kaden_suki"),
        submission("P-2", 1, text=post, channel="sns", author="@neko_mama22"),
        submission("P-3", 2, text=post, channel="sns", author="@kaden_suki"),
    )

    assert duplicates(con) == {"P-1": None, "P-2": None, "P-3": stable_id("sns", "P-1")}


def test_a_tie_on_created_at_makes_the_smaller_id_the_original(con):
    a, b = submission("F-a", 0, customer_id="CUST-7"), submission("F-b", 0, customer_id="CUST-7")
    load(con, a, b)

    first, second = sorted([a.feedback_id, b.feedback_id])
    rows = dict(con.execute("SELECT feedback_id, duplicate_of FROM staging.feedback").fetchall())
    assert rows == {first: None, second: first}


def test_created_date_is_the_tokyo_date(con):
    late_evening = submission("F-1", 0, created_at=datetime(2026, 8, 5, 23, 30, tzinfo=JST))
    utc_afternoon = submission(
        "F-2", 0, text="別件", created_at=datetime(2026, 8, 5, 16, 0, tzinfo=UTC)
    )
    load(con, late_evening, utc_afternoon)

    rows = dict(con.execute("SELECT source_key, created_date FROM staging.feedback").fetchall())
    assert rows == {"F-1": date(2026, 8, 5), "F-2": date(2026, 8, 6)}


def test_staging_calls_count_holds_and_long_holds_without_report(con):
    call = Call(
        call_id="CL-1",
        source_file="calls/2026-08-05.jsonl",
        source_line=1,
        started_at=datetime(2026, 8, 5, 0, 30, tzinfo=JST),
        product="コードレス掃除機 V8",
        answered_after_s=12.0,
        abandoned=False,
        resolved_first_contact=False,
        hold_segments=(
            HoldSegment(60, 45.0, False),  # exactly 45 s: within
            HoldSegment(200, 70.0, True),  # long, but the agent reported back
            HoldSegment(400, 46.0, False),  # long and silent
        ),
    )
    load_source(con, call.source_file, "call", "sha", 1, ReadResult(calls=[call]))

    row = con.execute(
        "SELECT day, answered, hold_count, max_hold_s, holds_within_45s, long_holds_without_report"
        " FROM staging.calls"
    ).fetchall()
    assert row == [(date(2026, 8, 5), True, 3, 70.0, 1, 1)]
