"""Recurring questions in the warehouse: stored beside the issues, counted in their own marts
(volume, trend, channels, first-contact resolution of calls, masked wordings), and no issue
figure moves."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd

from ingest.records import Call, Feedback, ReadResult, stable_id
from nlp.issues.identity import LineageEvent
from nlp.issues.model import Issue
from tests.support.loading import load_source
from warehouse import analysis, queries, questions
from warehouse.marts import build_marts

JST = timezone(timedelta(hours=9))
T0 = datetime(2026, 8, 3, 10, 0, tzinfo=JST)
ROBOT = "ロボット掃除機 RC-7"

# (key, channel, days after T0, text, inquiry, question, resolved at first contact)
VOICES = [
    (
        "c1",
        "call",
        0,
        "留守の間に掃除する予約ってどうやって入れるんですかね",
        "question",
        "a",
        False,
    ),
    ("c2", "call", 30, "曜日ごとに予約できますか", "question", "a", True),
    ("c3", "call", 31, "タイマー予約のやり方を教えてください", "question", "a", False),
    ("f1", "form", 32, "スケジュール掃除の設定方法", "question", "a", None),
    ("s1", "sns", 33, "RC-7って曜日ごとに予約できる？", "question", "a", None),
    ("f2", "form", 2, "水拭き機能を追加してほしい", "request", "b", None),
    ("f3", "form", 3, "交換用ブラシはどこで買えますか", "question", None, None),
    ("x1", "form", 4, "充電台に戻らなくなりました", None, None, None),  # a problem report
    ("p1", "sns", 5, "毎日きれいで最高", None, None, None),  # praise
]


def _load(con) -> dict[str, str]:
    ids = {}
    for key, channel, days, text, *_ in VOICES:
        at = T0 + timedelta(days=days)
        source = f"{channel}/{key}.jsonl"
        item = Feedback(
            feedback_id=stable_id(channel, key),
            channel=channel,
            source_key=key,
            source_file=source,
            source_line=None,
            text=text,
            created_at=at,
            product=ROBOT,
            customer_id=None,
            author=None,
        )
        calls = []
        if channel == "call":
            resolved = next(v[6] for v in VOICES if v[0] == key)
            calls.append(
                Call(
                    call_id=key,
                    source_file=source,
                    source_line=1,
                    started_at=at,
                    product=ROBOT,
                    answered_after_s=5.0,
                    abandoned=False,
                    resolved_first_contact=resolved,
                    hold_segments=(),
                )
            )
        load_source(con, source, channel, key, 1, ReadResult(feedback=[item], calls=calls))
        ids[key] = item.feedback_id
    return ids


def _analyse(con, ids: dict[str, str]) -> None:
    hashes = dict(con.execute("SELECT feedback_id, content_hash FROM raw.feedback").fetchall())
    rows = []
    for key, _, _, _, inquiry, _, _ in VOICES:
        rows.append(
            {
                "feedback_id": ids[key],
                "content_hash": hashes[ids[key]],
                "sentiment": "neutral",
                "sentiment_score": 0.0,
                "flags": [],
                "is_complaint": key == "x1",
                "inquiry": inquiry,
            }
        )
    analysis.save_feedback_analysis(con, pd.DataFrame(rows))


def _questions(ids: dict[str, str]) -> tuple[list[Issue], dict[str, str | None]]:
    centroid = np.eye(4)[0]
    catalogue = [
        Issue("faq_a", "予約（掃除・曜日）", ("予約", "掃除", "曜日"), 5, (ids["c2"], ids["f1"]),
              ROBOT, centroid, 0.5),
        Issue("faq_b", "水拭き（追加）", ("水拭き", "追加"), 1, (ids["f2"],), ROBOT, centroid, 0.5),
    ]  # fmt: skip
    assignment = {ids[v[0]]: (f"faq_{v[5]}" if v[5] else None) for v in VOICES}
    return catalogue, assignment


def _built(con) -> dict[str, str]:
    ids = _load(con)
    _analyse(con, ids)
    catalogue, assignment = _questions(ids)
    questions.replace_questions(
        con,
        catalogue,
        assignment,
        run={"mode": "full", "documents": 9, "inquiries": 7, "questions": 2, "unclassified": 1},
        events=[
            LineageEvent("created", "faq_a", None, 5),
            LineageEvent("created", "faq_b", None, 1),
        ],
    )
    build_marts(con)
    return ids


def test_a_recurring_question_counts_its_voices_channels_and_first_contact_resolution(con):
    _built(con)
    row = con.execute(
        "SELECT voices, call_voices, form_voices, sns_voices, calls_recorded,"
        " calls_resolved_first, round(first_contact_resolution, 3), inquiry, label"
        " FROM marts.questions WHERE question_id = 'faq_a'"
    ).fetchone()
    assert row == (5, 3, 1, 1, 3, 1, 0.333, "question", "予約（掃除・曜日）")
    kind = con.execute("SELECT inquiry FROM marts.questions WHERE question_id = 'faq_b'").fetchone()
    assert kind == ("request",)


def test_every_question_or_request_is_kept_and_problem_reports_and_praise_are_not(con):
    ids = _built(con)
    rows = dict(
        con.execute("SELECT feedback_id, question_id FROM marts.question_feedback").fetchall()
    )
    assert set(rows) == {ids[k] for k in ("c1", "c2", "c3", "f1", "s1", "f2", "f3")}
    assert rows[ids["f3"]] is None  # a question in no recurring question
    # No issue figure moves: every voice is still counted once in the issue marts.
    total = con.execute("SELECT sum(feedback_count) FROM marts.issues").fetchone()[0]
    assert total == con.execute("SELECT count(*) FROM marts.feedback").fetchone()[0] == 9


def test_examples_are_the_representatives_first_then_a_voice_of_each_channel_they_leave_out(con):
    ids = _built(con)
    examples = con.execute(
        "SELECT feedback_id, channel, representative FROM marts.question_examples"
        " WHERE question_id = 'faq_a' ORDER BY example_rank"
    ).fetchall()
    assert examples[:2] == [(ids["c2"], "call", True), (ids["f1"], "form", True)]
    assert sorted(e[1] for e in examples[2:]) == ["sns"]  # calls and forms are shown already


def test_the_page_query_ranks_the_period_with_its_trend_and_resolution(con):
    _built(con)
    ranked = queries.faq_questions(con, date(2026, 8, 1), date(2026, 9, 5), trend_days=28)
    assert ranked["question_id"].tolist() == ["faq_a", "faq_b"]
    a = ranked.iloc[0]
    # Up to the period's end (5 September) the last 28 days hold four voices, the 28 before one.
    assert (a.voices, a.recent_voices, a.earlier_voices, a.trend) == (5, 4, 1, 3)
    assert (a.call_voices, a.calls_recorded, a.calls_resolved_first) == (3, 3, 1)
    only_august = queries.faq_questions(con, date(2026, 8, 1), date(2026, 8, 10))
    assert only_august.set_index("question_id")["voices"].to_dict() == {"faq_a": 1, "faq_b": 1}
    coverage = queries.faq_coverage(con, date(2026, 8, 1), date(2026, 9, 30))
    assert coverage == {"inquiries": 7, "in_questions": 6}
    examples = queries.faq_examples(con, ["faq_b", "faq_a"])
    assert examples["question_id"].iloc[0] == "faq_b"


def test_a_run_is_remembered_for_the_next_one(con):
    ids = _built(con)
    taken, history = questions.history(con)
    assert sorted(taken) == ["faq_a", "faq_b"] and history.last_full_complaints == 7
    assert {q.issue_id for q in history.known} == {"faq_a", "faq_b"}
    assert questions.current_assignment(con)[ids["c1"]] == "faq_a"
    lineage = con.execute("SELECT event, question_id, label FROM marts.question_lineage").fetchall()
    assert ("created", "faq_a", "予約（掃除・曜日）") in lineage
