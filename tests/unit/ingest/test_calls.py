"""Call-log reader: one Call per line, the customer's turns as feedback, bad lines quarantined."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from ingest.calls import read_calls
from ingest.records import HoldSegment, Turn, stable_id

JST = timezone(timedelta(hours=9))

ANSWERED = {
    "call_id": "C-20260803-0001",
    "product": "スマートロック KL-200",
    "started_at": "2026-08-03T09:12:44+09:00",
    "answered_after_s": 38.5,
    "abandoned": False,
    "hold_segments": [
        {"start_s": 95.0, "duration_s": 62.0, "intermediate_report": False},
        {"start_s": 240.0, "duration_s": 20.0, "intermediate_report": True},
    ],
    "resolved_first_contact": True,
    "customer_id": "CU-88213",
    "agent_id": "A-017",
    "team": "住宅設備",
    "turns": [
        {
            "speaker": "agent",
            "t": 0.0,
            "text": "お電話ありがとうございます。サポートセンターの佐藤でございます。",
        },
        {
            "speaker": "customer",
            "t": 4.2,
            "text": "あの、昨日取り付けた鍵なんですけど、アプリから開かなくて。",
        },
        {
            "speaker": "agent",
            "t": 9.8,
            "text": "ご不便をおかけしております。お調べしますので少々お待ちください。",
        },
        {"speaker": "customer", "t": 160.1, "text": "電池は新品に替えたばかりです。"},
        {"speaker": "customer", "t": 171.0, "text": ""},
    ],
}
ABANDONED = {
    "call_id": "C-20260803-0002",
    "product": "空気清浄機 AP-30",
    "started_at": "2026-08-03 09:15:02",
    "answered_after_s": None,
    "abandoned": True,
    "hold_segments": [],
    "resolved_first_contact": False,
}


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def call_log(tmp_path):
    return write_lines(
        tmp_path / "2026-08-03.jsonl",
        [json.dumps(ANSWERED, ensure_ascii=False), json.dumps(ABANDONED, ensure_ascii=False)],
    )


def test_an_answered_call_keeps_its_kpi_fields_holds_and_turns(call_log):
    call = read_calls(call_log, "calls/2026-08-03.jsonl").calls[0]

    assert call.call_id == "C-20260803-0001"
    assert call.source_file == "calls/2026-08-03.jsonl"
    assert call.source_line == 1
    assert call.started_at == datetime(2026, 8, 3, 9, 12, 44, tzinfo=JST)
    assert call.answered_after_s == 38.5
    assert call.abandoned is False
    assert call.resolved_first_contact is True
    assert call.hold_segments == (
        HoldSegment(start_s=95.0, duration_s=62.0, intermediate_report=False),
        HoldSegment(start_s=240.0, duration_s=20.0, intermediate_report=True),
    )
    assert call.turns[1] == Turn(
        "customer", 4.2, "あの、昨日取り付けた鍵なんですけど、アプリから開かなくて。"
    )
    assert (call.customer_id, call.agent_id, call.team) == ("CU-88213", "A-017", "住宅設備")


def test_the_customers_turns_become_one_feedback_joined_by_newlines(call_log):
    [voice] = read_calls(call_log, "calls/2026-08-03.jsonl").feedback

    assert voice.channel == "call"
    assert voice.source_key == "C-20260803-0001"
    assert voice.feedback_id == stable_id("call", "C-20260803-0001")
    assert (
        voice.text
        == "あの、昨日取り付けた鍵なんですけど、アプリから開かなくて。\n電池は新品に替えたばかりです。"
    )
    assert voice.created_at == datetime(2026, 8, 3, 9, 12, 44, tzinfo=JST)
    assert voice.product == "スマートロック KL-200"
    assert voice.customer_id == "CU-88213"
    assert voice.source_line == 1


def test_an_abandoned_call_has_no_speed_of_answer_and_no_feedback(call_log):
    result = read_calls(call_log, "calls/2026-08-03.jsonl")
    abandoned = result.calls[1]

    assert abandoned.abandoned is True
    assert abandoned.answered_after_s is None
    assert abandoned.turns == ()
    assert abandoned.started_at == datetime(2026, 8, 3, 9, 15, 2, tzinfo=JST)  # naive → JST
    assert [f.source_key for f in result.feedback] == ["C-20260803-0001"]


def test_ids_are_the_same_on_every_read(call_log):
    first = read_calls(call_log, "calls/2026-08-03.jsonl")
    again = read_calls(call_log, "calls/2026-08-03.jsonl")

    assert first == again


def test_malformed_lines_are_quarantined_with_line_and_reason_and_the_rest_is_read(tmp_path):
    missing_start = {k: v for k, v in ANSWERED.items() if k != "started_at"} | {"call_id": "C-3"}
    bad_date = ANSWERED | {"call_id": "C-4", "started_at": "8月3日の朝"}
    unanswered = ANSWERED | {"call_id": "C-5", "answered_after_s": None}
    stranger = ANSWERED | {
        "call_id": "C-6",
        "turns": [{"speaker": "supervisor", "t": 3.0, "text": "代わりました。"}],
    }
    log = write_lines(
        tmp_path / "calls.jsonl",
        [
            json.dumps(ANSWERED, ensure_ascii=False),
            '{"call_id": "C-2", "started_at": ',
            json.dumps(missing_start, ensure_ascii=False),
            json.dumps(bad_date, ensure_ascii=False),
            "",
            json.dumps(unanswered, ensure_ascii=False),
            json.dumps(stranger, ensure_ascii=False),
            json.dumps(ABANDONED, ensure_ascii=False),
        ],
    )

    result = read_calls(log, "calls/calls.jsonl")

    assert [c.call_id for c in result.calls] == ["C-20260803-0001", "C-20260803-0002"]
    assert [c.source_line for c in result.calls] == [1, 8]
    reasons = {q.source_line: q.reason for q in result.quarantine}
    assert reasons[2].startswith("broken JSON")
    assert reasons[3] == "missing required field 'started_at'"
    assert reasons[4] == "unparseable date in 'started_at' (text of 6 characters)"
    assert reasons[6] == "answered call (abandoned=false) has no 'answered_after_s'"
    assert (
        reasons[7] == "turn 1: unknown speaker (text of 10 characters; expected agent or customer)"
    )
    assert set(reasons) == {2, 3, 4, 6, 7}
    assert all(
        q.channel == "call" and q.source_file == "calls/calls.jsonl" for q in result.quarantine
    )
    assert result.quarantine[0].excerpt == '{"call_id": "C-2", "started_at":'


def test_a_line_that_is_not_utf8_costs_only_that_line(tmp_path):
    log = tmp_path / "calls.jsonl"
    log.write_bytes(
        json.dumps(ANSWERED, ensure_ascii=False).encode("utf-8")
        + b"\n"
        + json.dumps(ABANDONED, ensure_ascii=False).encode("cp932")
        + b"\n"
    )

    result = read_calls(log, "calls/calls.jsonl")

    assert [c.source_line for c in result.calls] == [1]
    assert [(q.source_line, q.reason.split(" (")[0]) for q in result.quarantine] == [
        (2, "line is not valid UTF-8")
    ]


def test_hold_segments_must_be_complete(tmp_path):
    broken = ANSWERED | {"hold_segments": [{"start_s": 10, "intermediate_report": True}]}
    log = write_lines(tmp_path / "calls.jsonl", [json.dumps(broken, ensure_ascii=False)])

    [row] = read_calls(log, "calls/calls.jsonl").quarantine

    assert row.reason == "hold segment 1: missing required field 'duration_s'"


def test_an_unreadable_file_is_one_quarantine_row(tmp_path):
    result = read_calls(tmp_path / "gone.jsonl", "calls/gone.jsonl")

    [row] = result.quarantine
    assert row.source_line is None
    assert row.reason.startswith("cannot read file")
