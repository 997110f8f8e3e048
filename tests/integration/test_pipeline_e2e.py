"""End to end: a generated inbox through the real Airflow DAGs into a real DuckDB file.

The sample generator plants ground truth (issues, duplicates, malformed records, PII, agent-QA
events) and saves it beside the inbox; these tests check the marts find what was planted.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sklearn.metrics import normalized_mutual_info_score

from koe.settings import for_warehouse
from tests.support.airflow import run_pipeline
from warehouse.__main__ import describe
from warehouse.db import connect

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def truth(sample_inbox) -> dict:
    return json.loads((sample_inbox / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def con(pipeline_warehouse):
    with connect(pipeline_warehouse, read_only=True) as connection:
        yield connection


def _feedback_ids(con) -> dict[tuple[str, str], str]:
    rows = con.execute("SELECT channel, source_key, feedback_id FROM raw.feedback").fetchall()
    return {(channel, key): fid for channel, key, fid in rows}


def test_every_planted_item_reaches_the_feedback_mart_once(con, truth):
    ids = _feedback_ids(con)
    duplicates = {(d["channel"], d["source_key"]) for d in truth["duplicates"]}
    originals = [
        (i["channel"], i["source_key"])
        for i in truth["items"]
        if (i["channel"], i["source_key"]) not in duplicates
    ]
    missing = [key for key in originals if key not in ids]
    assert not missing, f"{len(missing)} planted items never loaded, e.g. {missing[:3]}"
    in_mart = {fid for (fid,) in con.execute("SELECT feedback_id FROM marts.feedback").fetchall()}
    assert {ids[key] for key in originals} <= in_mart
    [(rows, distinct)] = con.execute(
        "SELECT count(*), count(DISTINCT feedback_id) FROM marts.feedback"
    ).fetchall()
    assert rows == distinct


def test_exact_duplicates_are_not_counted_twice(con, truth):
    assert truth["duplicates"], "the generator planted no duplicates"
    ids = _feedback_ids(con)
    in_mart = {fid for (fid,) in con.execute("SELECT feedback_id FROM marts.feedback").fetchall()}
    for duplicate in truth["duplicates"]:
        copy = ids[(duplicate["channel"], duplicate["source_key"])]
        original = ids[(duplicate["channel"], duplicate["duplicate_of"])]
        assert copy not in in_mart, f"duplicate {duplicate} counted in marts.feedback"
        assert original in in_mart
    [(issue_total,)] = con.execute("SELECT sum(feedback_count) FROM marts.issues").fetchall()
    [(feedback_total,)] = con.execute("SELECT count(*) FROM marts.feedback").fetchall()
    assert issue_total == feedback_total


def test_planted_issues_come_out_as_separate_issues(con, truth):
    ids = _feedback_ids(con)
    found = dict(con.execute("SELECT feedback_id, issue_id FROM marts.feedback").fetchall())
    planted, assigned = [], []
    members: dict[str, Counter] = defaultdict(Counter)
    for item in truth["items"]:
        fid = ids.get((item["channel"], item["source_key"]))
        if item["issue"] is None or fid not in found:
            continue
        planted.append(item["issue"])
        assigned.append(found[fid] or "unclassified")
        members[item["issue"]][found[fid]] += 1

    assert normalized_mutual_info_score(planted, assigned) >= 0.65
    # Separated: each issue koe found is mostly one planted issue (weighted purity), and every
    # planted issue has its own dominant issue. An issue may still be split in several (a known
    # weakness the evaluation work tracks), but two planted issues never share their main issue.
    by_found: dict[str, Counter] = defaultdict(Counter)
    for issue, found_id in zip(planted, assigned, strict=True):
        if found_id != "unclassified":
            by_found[found_id][issue] += 1
    pure = sum(c.most_common(1)[0][1] for c in by_found.values())
    assert pure / sum(sum(c.values()) for c in by_found.values()) >= 0.75
    dominant = {}
    for issue, counts in members.items():
        classified = [(k, v) for k, v in counts.most_common() if k is not None]
        assert classified, f"planted issue {issue} left entirely unclassified"
        dominant[issue] = classified[0][0]
    assert len(set(dominant.values())) == len(dominant), f"planted issues merged: {dominant}"

    labels = dict(con.execute("SELECT issue_id, label FROM marts.issues").fetchall())
    for issue_id in dominant.values():
        label = labels[issue_id]
        assert 2 <= len(label) <= 30 and label != "未分類", label


def test_malformed_records_are_quarantined_with_file_line_and_reason(con, truth):
    assert truth["malformed"], "the generator planted no malformed records"
    rows = con.execute("SELECT source_file, source_line, reason FROM marts.quarantine").fetchall()
    by_place = {(f, line): reason for f, line, reason in rows}
    for bad in truth["malformed"]:
        reason = by_place.get((bad["source_file"], bad["line"]))
        assert reason, f"{bad} not in marts.quarantine"


def test_agent_qa_finds_the_planted_long_holds_and_disclosures(con, truth):
    findings = con.execute("SELECT call_id, check_name FROM marts.agent_qa_findings").fetchall()
    by_check = defaultdict(set)
    for call_id, check in findings:
        by_check[check].add(call_id)
    planted = truth["calls"]
    assert set(planted["long_hold_without_report"]) <= by_check["long_hold_without_report"]
    assert not set(planted["long_hold_with_report"]) & by_check["long_hold_without_report"]
    assert set(planted["internal_contact"]) <= by_check["internal_contact"]
    assert set(planted["escalation_request"]) <= by_check["escalation_request"]
    assert set(planted["forbidden_phrase"]) <= by_check["forbidden_phrase"]


def test_abandoned_calls_lower_the_answer_rate(con, truth):
    [(calls, abandoned)] = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE abandoned) FROM marts.calls"
    ).fetchall()
    assert abandoned == len(truth["calls"]["abandoned"]) > 0
    assert calls > abandoned


def test_no_planted_personal_data_anywhere_in_the_warehouse(pipeline_warehouse, con, truth):
    secrets = [
        value
        for kind in ("phone", "email", "card", "postal_code", "order_id")
        for value in truth["pii"].get(kind, [])
    ]
    assert secrets, "the generator planted no PII"
    # Byte-level, as `grep` would see it, in the warehouse and the published snapshot …
    reports = sorted((Path(pipeline_warehouse).parent / "reports").rglob("*.*"))
    assert reports, "koe_reports wrote no report files"
    for path in (Path(pipeline_warehouse), for_warehouse(pipeline_warehouse).snapshot, *reports):
        blob = path.read_bytes()
        leaked = [s for s in secrets if s.encode("utf-8") in blob]
        assert not leaked, f"{path.name} holds raw PII: {leaked[:5]}"
    # … and value-level, since DuckDB may compress strings on disk.
    leaked = []
    for relation, _, _ in describe(con):
        text = con.sql(f"SELECT * FROM {relation}").df().to_csv()
        leaked += [(relation, s) for s in secrets if s in text]
    assert not leaked, f"raw PII in tables: {leaked[:5]}"


def test_the_snapshot_holds_what_the_app_reads_and_nothing_else(pipeline_warehouse):
    from warehouse.snapshot import PUBLISHED, open_snapshot

    snapshot = for_warehouse(pipeline_warehouse).snapshot
    with connect(pipeline_warehouse, read_only=True) as con, open_snapshot(snapshot) as snap:
        published = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE schema_name IN ('marts', 'insights')"
        ).fetchall()
        assert {schema for schema, _ in published} == set(PUBLISHED)
        copied = {
            (schema, table)
            for schema, table in snap.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() "
                "WHERE database_name = 'snapshot'"
            ).fetchall()
        }
        assert not snap.execute(
            "SELECT * FROM duckdb_views() WHERE database_name = 'snapshot' AND NOT internal"
        ).fetchall()
        assert copied == set(published)
        for schema, table in published:
            [(rows,)] = snap.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchall()
            [(source_rows,)] = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchall()
            assert rows == source_rows, f"{schema}.{table}: {rows} rows, warehouse {source_rows}"
    # The raw texts and the embedding cache stay behind: most of the warehouse.
    assert snapshot.stat().st_size < Path(pipeline_warehouse).stat().st_size / 2


def test_rerunning_the_pipeline_changes_no_row_count(dagbag, sample_inbox, pipeline_warehouse, con):
    before = describe(con)
    con.close()
    run_pipeline(dagbag, sample_inbox, pipeline_warehouse)
    with connect(pipeline_warehouse, read_only=True) as again:
        assert describe(again) == before


def test_agent_qa_in_small_batches_finds_what_one_batch_finds(
    pipeline_warehouse, tmp_path, monkeypatch
):
    """Agent QA reviews pending calls a batch at a time (memory); the findings do not depend on
    where the batches cut."""
    import shutil

    import pipeline.analysis

    copy = tmp_path / "w.duckdb"
    shutil.copy(pipeline_warehouse, copy)
    query = """
        SELECT q.call_id, q.findings, f.check_name, f.turn, f.phrase
        FROM nlp.call_qa AS q LEFT JOIN nlp.call_qa_findings AS f USING (call_id)
        ORDER BY ALL"""
    with connect(copy) as connection:
        whole = connection.execute(query).fetchall()
        connection.execute("DELETE FROM nlp.call_qa")
        connection.execute("DELETE FROM nlp.call_qa_findings")
    monkeypatch.setattr(pipeline.analysis, "QA_BATCH", 7)
    summary = pipeline.analysis.review_calls(copy)
    with connect(copy, read_only=True) as connection:
        assert connection.execute(query).fetchall() == whole
    assert summary["reviewed"] == len({row[0] for row in whole}) > 7
    assert sum(1 for row in whole if row[2] is not None) > 0


def test_the_dags_group_the_planted_questions_into_recurring_questions(pipeline_warehouse, truth):
    """koe_analysis's update_questions ran and the marts carry its recurring questions; the
    planted questions' voices the classifier judged questions are mostly in one."""
    # Its own connection: the rerun test above closes the module's shared one.
    with connect(pipeline_warehouse, read_only=True) as con:
        _recurring_questions_hold_the_planted_ones(con, truth)


def _recurring_questions_hold_the_planted_ones(con, truth) -> None:
    [(mode, inquiries, found)] = con.execute(
        "SELECT mode, inquiries, questions FROM nlp.question_runs"
    ).fetchall()
    assert mode == "full" and inquiries > 0 and found > 0
    ids = _feedback_ids(con)
    placed = dict(
        con.execute("SELECT feedback_id, question_id FROM marts.question_feedback").fetchall()
    )
    asked = [ids.get((i["channel"], i["source_key"])) for i in truth["items"] if i.get("faq")]
    judged = [fid for fid in asked if fid in placed]
    assert len(judged) >= 0.6 * len(asked)
    assert sum(placed[fid] is not None for fid in judged) >= 0.5 * len(judged)
    total = con.execute("SELECT sum(voices) FROM marts.questions").fetchone()[0]
    assert total == sum(q is not None for q in placed.values())
