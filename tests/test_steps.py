"""The pipeline steps on a real DuckDB file, without Airflow (the DAG tests cover the wiring)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from test_ingest_email import SUPPORT, mail, write_eml

from warehouse.db import connect
from warehouse.steps import ingest_channel

JST = timezone(timedelta(hours=9))


def _first_responses(path):
    """(source_file, first response as epoch seconds) of every loaded mail."""
    with connect(path, read_only=True) as con:
        return con.execute(
            "SELECT source_file, epoch(first_response_at) FROM raw.feedback ORDER BY source_file"
        ).fetchall()


def test_a_support_reply_in_a_later_file_reloads_the_customers_file(tmp_path, monkeypatch):
    monkeypatch.delenv("KOE_SUPPORT_ADDRESSES", raising=False)
    inbox, warehouse = tmp_path / "inbox", tmp_path / "koe.duckdb"
    (inbox / "email").mkdir(parents=True)
    asked = datetime(2026, 8, 3, 9, 15, tzinfo=JST)
    write_eml(
        inbox / "email",
        "2026-08-03.eml",
        mail("加湿器の電源が入らなくなりました。修理は可能でしょうか。", date=asked),
    )
    first = ingest_channel("email", inbox, warehouse)
    assert first["files"] == 1
    assert _first_responses(warehouse) == [("email/2026-08-03.eml", None)]

    reply = mail(
        "お問い合わせありがとうございます。修理のご案内をお送りいたします。",
        sender=SUPPORT,
        subject="Re: 加湿器について",
        message_id="<r1@koe-shop.example>",
        in_reply_to="<m1@example.jp>",
        date=asked + timedelta(hours=26),
    )
    write_eml(inbox / "email", "2026-08-04.eml", reply)
    second = ingest_channel("email", inbox, warehouse)
    # The reply's own file holds no customer words; the earlier file loads again for its reply.
    assert second["files"] == 2 and second["skipped"] == 0
    [(source_file, responded)] = _first_responses(warehouse)
    assert source_file == "email/2026-08-03.eml"
    assert responded == (asked + timedelta(hours=26)).timestamp()

    third = ingest_channel("email", inbox, warehouse)
    assert third == {**third, "files": 0, "skipped": 2}
