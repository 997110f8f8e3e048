"""raw-layer loads: one file = one partition, replaced in one transaction, idempotent."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from ingest.records import (
    Call,
    Feedback,
    HoldSegment,
    Quarantined,
    ReadResult,
    ThreadLink,
    Turn,
    content_hash,
    stable_id,
)
from tests.support.loading import load_source
from warehouse import load as load_module
from warehouse.db import apply_schema, connect
from warehouse.load import loaded_versions

JST = timezone(timedelta(hours=9))
MBOX = "email/2026-08.mbox"
EML = "email/2026-08-03_0915.eml"
CALLS = "calls/2026-08-03.jsonl"


def email(message_id: str, text: str, source_file: str = MBOX, line: int | None = 1, **extra):
    fields = {
        "created_at": datetime(2026, 8, 3, 9, 15, tzinfo=JST),
        "product": "スマートロック S2",
        "customer_id": "CUST-00412",
        "author": "［氏名］",
        "subject": "解錠できない件について",
    }
    fields.update(extra)
    return Feedback(
        feedback_id=stable_id("email", message_id),
        channel="email",
        source_key=message_id,
        source_file=source_file,
        source_line=line,
        text=text,
        **fields,
    )


MAILBOX = ReadResult(
    feedback=[
        email(
            "<a1@mail.example.jp>",
            "昨日からアプリで解錠できません。［電話番号］までご連絡いただけますか。",
            line=1,
            pii_types=("phone",),
            attributes={"app_version": "4.2.0"},
        ),
        email(
            "<a2@mail.example.jp>",
            "注文した商品（［注文番号］）がまだ届いておりません。至急確認をお願いします。",
            line=2,
            customer_id="CUST-01877",
            subject="配送状況の確認",
            pii_types=("order_id",),
        ),
        email(
            "<a3@mail.example.jp>",
            "先日はご対応ありがとうございました。おかげさまで無事に使えています！",
            line=3,
            customer_id=None,
            subject="お礼",
            first_response_at=datetime(2026, 8, 3, 13, 0, tzinfo=JST),
        ),
    ],
    quarantine=[
        Quarantined(
            "email", MBOX, 4, "no Date header", "From: ［氏名］ <［メール］>\nSubject: 返品"
        ),
    ],
)


def count(con, table: str, source_file: str | None = None) -> int:
    query = f"SELECT count(*) FROM {table}"
    if source_file is None:
        return con.execute(query).fetchall()[0][0]
    return con.execute(query + " WHERE source_file = ?", [source_file]).fetchall()[0][0]


def test_masked_fields_land_in_the_masked_columns(con):
    load_source(con, MBOX, "email", "sha-1", 4096, MAILBOX)

    first = MAILBOX.feedback[0]
    row = con.execute(
        "SELECT text_masked, author_masked, subject_masked, content_hash, attributes ->> 'app_version',"
        " pii_types, strftime(created_at AT TIME ZONE 'Asia/Tokyo', '%Y-%m-%d %H:%M')"
        " FROM raw.feedback WHERE feedback_id = ?",
        [first.feedback_id],
    ).fetchall()[0]
    assert row == (
        "昨日からアプリで解錠できません。［電話番号］までご連絡いただけますか。",
        "［氏名］",
        "解錠できない件について",
        content_hash(first.text),
        "4.2.0",
        ["phone"],
        "2026-08-03 09:15",
    )


def test_quarantine_rows_are_kept_with_reason(con):
    load_source(con, MBOX, "email", "sha-1", 4096, MAILBOX)

    rows = con.execute(
        "SELECT quarantine_id, channel, source_line, reason, excerpt_masked FROM raw.quarantine"
    ).fetchall()
    bad = MAILBOX.quarantine[0]
    assert rows == [(bad.quarantine_id, "email", 4, "no Date header", bad.excerpt)]


def test_manifest_records_the_file_and_its_counts(con):
    load_source(con, MBOX, "email", "sha-1", 4096, MAILBOX)

    rows = con.execute(
        "SELECT source_file, channel, sha256, size_bytes, records, quarantined FROM raw.source_files"
    ).fetchall()
    assert rows == [(MBOX, "email", "sha-1", 4096, 3, 1)]


def test_loading_the_same_file_twice_changes_nothing(con):
    load_source(con, MBOX, "email", "sha-1", 4096, MAILBOX)
    before = con.execute(
        "SELECT feedback_id, text_masked, content_hash FROM raw.feedback ORDER BY 1"
    ).fetchall()

    load_source(con, MBOX, "email", "sha-1", 4096, MAILBOX)

    after = con.execute(
        "SELECT feedback_id, text_masked, content_hash FROM raw.feedback ORDER BY 1"
    ).fetchall()
    assert after == before
    assert (count(con, "raw.feedback"), count(con, "raw.quarantine")) == (3, 1)
    assert count(con, "raw.source_files") == 1


def test_the_manifest_records_the_version_loaded(con):
    assert loaded_versions(con).get(MBOX) != "sha-1"
    load_source(con, MBOX, "email", "sha-1", 4096, MAILBOX)

    assert loaded_versions(con).get(MBOX) == "sha-1"
    assert loaded_versions(con).get(MBOX) != "sha-2"
    assert loaded_versions(con).get(EML) != "sha-1"


def test_a_changed_file_replaces_its_partition_only(con):
    load_source(con, MBOX, "email", "sha-1", 4096, MAILBOX)
    other = ReadResult(
        feedback=[email("<b1@mail.example.jp>", "領収書を再発行してほしいです。", EML)]
    )
    load_source(con, EML, "email", "sha-e", 900, other)

    edited = email(
        "<a2@mail.example.jp>",
        "注文した商品（［注文番号］）は本日届きました。お騒がせしました。",
        line=1,
        customer_id="CUST-01877",
    )
    load_source(con, MBOX, "email", "sha-2", 2048, ReadResult(feedback=[edited]))

    rows = con.execute(
        "SELECT source_file, text_masked FROM raw.feedback ORDER BY source_file"
    ).fetchall()
    assert rows == [
        (EML, "領収書を再発行してほしいです。"),
        (MBOX, "注文した商品（［注文番号］）は本日届きました。お騒がせしました。"),
    ]
    assert count(con, "raw.quarantine") == 0, "the fixed file no longer has a bad record"
    assert con.execute(
        "SELECT sha256, records, quarantined FROM raw.source_files WHERE source_file = ?", [MBOX]
    ).fetchall() == [("sha-2", 1, 0)]


def test_the_same_email_in_an_eml_and_an_mbox_is_stored_once(con):
    text = "パスワード再設定のメールが届きません。迷惑メールフォルダも確認済みです。"
    in_mbox = email("<same@mail.example.jp>", text, MBOX, line=7)
    # The .eml export of the thread also carries support's reply.
    in_eml = email(
        "<same@mail.example.jp>",
        text,
        EML,
        line=None,
        first_response_at=datetime(2026, 8, 3, 10, 2, tzinfo=JST),
    )
    load_source(con, EML, "email", "sha-e", 900, ReadResult(feedback=[in_eml]))
    load_source(con, MBOX, "email", "sha-m", 4096, ReadResult(feedback=[in_mbox]))
    load_source(con, EML, "email", "sha-e", 900, ReadResult(feedback=[in_eml]))
    load_source(con, MBOX, "email", "sha-m", 4096, ReadResult(feedback=[in_mbox]))

    rows = con.execute(
        "SELECT feedback_id, source_file, first_response_at IS NOT NULL FROM raw.feedback"
    ).fetchall()
    assert rows == [(in_mbox.feedback_id, MBOX, True)], "one row; the known reply is kept"


def test_an_id_repeated_inside_one_file_keeps_its_last_occurrence(con):
    first = email("<dup@mail.example.jp>", "初回の問い合わせです。", line=1)
    resent = email("<dup@mail.example.jp>", "再送します。初回の問い合わせです。", line=2)

    load_source(con, MBOX, "email", "sha-1", 100, ReadResult(feedback=[first, resent]))

    assert con.execute("SELECT text_masked, source_line FROM raw.feedback").fetchall() == [
        ("再送します。初回の問い合わせです。", 2)
    ]
    assert con.execute("SELECT records FROM raw.source_files").fetchall() == [(1,)]


def test_calls_keep_holds_and_masked_turns_as_json(con):
    call = Call(
        call_id="CL-20260803-0001",
        source_file=CALLS,
        source_line=1,
        started_at=datetime(2026, 8, 3, 10, 0, tzinfo=JST),
        product="スマートロック S2",
        answered_after_s=18.5,
        abandoned=False,
        resolved_first_contact=True,
        hold_segments=(HoldSegment(start_s=95.0, duration_s=52.0, intermediate_report=True),),
        turns=(
            Turn("agent", 0.0, "お電話ありがとうございます。サポート窓口の［氏名］でございます。"),
            Turn("customer", 4.2, "鍵が開かなくて困ってるんですけど。"),
        ),
        customer_id="CUST-00412",
        agent_id="AG-017",
        team="東京第2",
    )
    load_source(con, CALLS, "call", "sha-c", 2048, ReadResult(calls=[call]))

    holds, turns = con.execute(
        "SELECT hold_segments::VARCHAR, turns_masked::VARCHAR FROM raw.calls"
    ).fetchall()[0]
    assert json.loads(holds) == [{"start_s": 95.0, "duration_s": 52.0, "intermediate_report": True}]
    assert json.loads(turns)[1] == {
        "speaker": "customer",
        "t": 4.2,
        "text": "鍵が開かなくて困ってるんですけど。",
    }


def test_a_failure_mid_load_leaves_nothing_of_a_new_file(con, monkeypatch):
    real_insert = load_module._insert_batch

    def fail_on_quarantine(con, view_name, batch, statement):
        if view_name == "quarantine_batch":
            raise RuntimeError("disk full (injected)")
        real_insert(con, view_name, batch, statement)

    monkeypatch.setattr(load_module, "_insert_batch", fail_on_quarantine)
    with pytest.raises(RuntimeError, match="injected"):
        load_source(con, MBOX, "email", "sha-1", 4096, MAILBOX)

    assert count(con, "raw.feedback") == 0, "feedback was inserted before the failure"
    assert count(con, "raw.quarantine") == 0
    assert count(con, "raw.source_files") == 0
    assert loaded_versions(con).get(MBOX) != "sha-1"


def test_a_failed_reload_keeps_the_previous_partition(con, monkeypatch):
    load_source(con, MBOX, "email", "sha-1", 4096, MAILBOX)

    def fail(*args):
        raise RuntimeError("killed (injected)")

    monkeypatch.setattr(load_module, "_insert_batch", fail)
    replacement = ReadResult(feedback=[email("<new@mail.example.jp>", "新しい問い合わせ")])
    with pytest.raises(RuntimeError, match="injected"):
        load_source(con, MBOX, "email", "sha-2", 100, replacement)

    assert count(con, "raw.feedback", MBOX) == 3
    assert count(con, "raw.quarantine", MBOX) == 1
    assert loaded_versions(con).get(MBOX) == "sha-1"


def test_a_record_filed_under_another_file_is_refused(con):
    stray = email("<x@mail.example.jp>", "別ファイルのレコード", EML)

    with pytest.raises(ValueError, match="email/2026-08.mbox"):
        load_source(con, MBOX, "email", "sha-1", 10, ReadResult(feedback=[stray]))
    assert count(con, "raw.feedback") == 0


def test_an_empty_file_is_recorded_so_it_is_not_read_again(con):
    load_source(con, "forms/2026-08-04.csv", "form", "sha-empty", 0, ReadResult())

    assert loaded_versions(con).get("forms/2026-08-04.csv") == "sha-empty"
    assert count(con, "raw.feedback") == 0


def _tables(con) -> dict[str, list]:
    # loaded_at differs between two loads by design; everything else must match. Values are
    # compared as text (timestamps with time zone need pytz to reach Python).
    def rows(table: str, exclude: str, key: str) -> list:
        query = (
            f"SELECT CAST(COLUMNS(*) AS VARCHAR) FROM (SELECT * EXCLUDE ({exclude}) FROM {table})"
        )
        return con.execute(f"{query} ORDER BY {key}").fetchall()

    return {
        "feedback": rows("raw.feedback", "loaded_at", "feedback_id"),
        "quarantine": rows("raw.quarantine", "quarantined_at", "quarantine_id"),
        "manifest": rows("raw.source_files", "loaded_at", "source_file"),
    }


def test_a_batch_of_files_loads_as_if_one_after_the_other(tmp_path):
    text = "パスワード再設定のメールが届きません。"
    replied = datetime(2026, 8, 3, 10, 2, tzinfo=JST)
    # The same mail in two files: the .eml knows support's reply, the later .mbox does not.
    eml = ReadResult(
        feedback=[email("<same@mail.example.jp>", text, EML, first_response_at=replied)]
    )
    mbox = ReadResult(
        feedback=[*MAILBOX.feedback, email("<same@mail.example.jp>", text, MBOX, line=9)],
        quarantine=MAILBOX.quarantine,
    )
    loads = [
        load_module.SourceLoad(EML, "email", "sha-e", 900, eml),
        load_module.SourceLoad(MBOX, "email", "sha-m", 4096, mbox),
    ]
    one_by_one = connect(tmp_path / "one.duckdb")
    batched = connect(tmp_path / "batch.duckdb")
    for con in (one_by_one, batched):
        apply_schema(con)
    for load in loads:
        load_module.load_sources(one_by_one, [load])
    load_module.load_sources(batched, loads)

    expected = _tables(one_by_one)
    assert _tables(batched) == expected
    same = stable_id("email", "<same@mail.example.jp>")
    owner = (
        "SELECT source_file, first_response_at IS NOT NULL FROM raw.feedback WHERE feedback_id = ?"
    )
    assert batched.execute(owner, [same]).fetchall() == [(MBOX, True)], (
        "owned by the later file, the reply kept"
    )

    load_module.load_sources(batched, loads)  # again: nothing moves
    assert _tables(batched) == expected
    one_by_one.close()
    batched.close()


def test_a_failure_in_a_batch_leaves_every_file_as_it_was(con, monkeypatch):
    load_source(con, MBOX, "email", "sha-1", 4096, MAILBOX)
    before = _tables(con)

    def fail(*args):
        raise RuntimeError("killed (injected)")

    monkeypatch.setattr(load_module, "_insert_batch", fail)
    other = ReadResult(feedback=[email("<new@mail.example.jp>", "新しい問い合わせ", EML)])
    with pytest.raises(RuntimeError, match="injected"):
        load_module.load_sources(
            con,
            [
                load_module.SourceLoad(EML, "email", "sha-e", 100, other),
                load_module.SourceLoad(MBOX, "email", "sha-2", 100, ReadResult()),
            ],
        )

    assert _tables(con) == before
    assert load_module.loaded_versions(con) == {MBOX: "sha-1"}


def test_a_file_twice_in_one_batch_is_refused(con):
    load = load_module.SourceLoad(MBOX, "email", "sha-1", 4096, MAILBOX)
    with pytest.raises(ValueError, match="once"):
        load_module.load_sources(con, [load, load])
    assert count(con, "raw.feedback") == 0


def test_batches_hold_whole_files_of_about_the_given_size(con, monkeypatch):
    sizes = []
    real = load_module.load_sources
    monkeypatch.setattr(
        load_module, "load_sources", lambda c, loads: (sizes.append(len(loads)), real(c, loads))
    )
    files = [
        load_module.SourceLoad(
            f"forms/2026-08-{day:02d}.csv",
            "form",
            f"sha-{day}",
            10,
            ReadResult(
                feedback=[
                    email(f"<{day}-{i}@x>", "届きません", f"forms/2026-08-{day:02d}.csv", line=i)
                    for i in range(3)
                ]
            ),
        )
        for day in range(1, 8)
    ]

    load_module.load_in_batches(con, iter(files), records=6)

    assert sizes == [2, 2, 2, 1]  # three records a file: a batch closes at six
    assert count(con, "raw.feedback") == 21
    assert len(load_module.loaded_versions(con)) == 7


# --- mail thread links ---------------------------------------------------------------------------


def link(source_file: str, line: int, message: str, parent: str | None, support: bool = False):
    return ThreadLink(
        source_file,
        line,
        stable_id("email", message),
        None if parent is None else stable_id("email", parent),
        support,
        datetime(2026, 8, 3, 9, line, tzinfo=JST),
    )


def _keys(links) -> list[str]:
    return sorted(item.message_key for item in links)


def test_stored_thread_links_give_back_whole_threads_and_end_on_a_cycle(con):
    asked, follow_up, other = (
        link(MBOX, 1, "q1", None),
        link(MBOX, 2, "q2", "q1"),
        link(MBOX, 3, "o", None),
    )
    answer = link(EML, 1, "r1", "q2", support=True)
    # A broken mailer's loop: two messages that answer each other.
    loop = [link(EML, 2, "x", "y"), link(EML, 3, "y", "x")]
    load_source(con, MBOX, "email", "sha-1", 0, ReadResult(links=[asked, follow_up, other]))
    load_source(con, EML, "email", "sha-2", 0, ReadResult(links=[answer, *loop]))

    # Up from the reply and down from the first message alike: the whole thread, no other.
    thread = _keys([asked, follow_up, answer])
    assert _keys(load_module.thread_links(con, [answer.message_key], [])) == thread
    assert _keys(load_module.thread_links(con, [asked.message_key], [])) == thread
    assert _keys(load_module.thread_links(con, [stable_id("email", "x")], [])) == _keys(loop)
    # A file's own links seed the threads it takes part in (a changed or deleted file).
    assert _keys(load_module.thread_links(con, [], [EML])) == sorted(thread + _keys(loop))
    assert load_module.thread_links(con, [stable_id("email", "unknown")], []) == []


def test_a_reload_or_removal_replaces_the_files_thread_links(con):
    load_source(con, MBOX, "email", "sha-1", 0, ReadResult(links=[link(MBOX, 1, "q1", None)]))
    load_source(con, MBOX, "email", "sha-2", 0, ReadResult(links=[link(MBOX, 1, "q2", None)]))
    assert _keys(load_module.thread_links(con, [], [MBOX])) == [stable_id("email", "q2")]
    load_module.forget_sources(con, [MBOX])
    assert count(con, "raw.mail_links") == 0
