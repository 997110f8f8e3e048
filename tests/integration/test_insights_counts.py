"""Insights and weekly reports read counts per day and issue, not documents.

The generated sample goes through every step (tests/support/planted.py); two copies of it then
get every document five and ten times (new ids and content hashes, so none is an exact
duplicate; the same days, issues, analysis and attributes). Five copies already pass every
minimum count of the statistics (3 documents, 5 sentiment scores) wherever there is one
document, so from five to ten only the number of documents changes: the marts' daily counts keep
their row count, and so does every read of the insights and weekly-report steps, row for row,
except the one per document by design: the feedback raising an alert of its own (safety, SNS
threats), which doubles. Rows are counted as DuckDB hands them to Python, through a
connection that refuses any other way of reading, so a new per-document read cannot go unseen.
The counts give the same alerts and root causes as the documents they count.
"""

from __future__ import annotations

import shutil
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest

import warehouse.db
from insights.alerts import alerts_from, build_alerts, emerging_inputs_from_counts
from insights.emerging import window_samples
from insights.root_causes import causes_from_counts, key_phrases, phrases_from_counts, root_causes
from koe.vocabulary import ALERT_KINDS, IMMEDIATE_FLAGS
from pipeline.marts import build_marts, find_insights
from pipeline.reports import write_weekly_reports
from warehouse import insights
from warehouse.db import connect, sql

pytestmark = pytest.mark.slow

FEWER, MORE = 5, 10
COUNTED_MARTS = ("feedback_daily", "flag_daily", "issue_products", "root_cause_counts")


class CountingConnection:
    """A DuckDB connection that counts the rows each statement hands to Python. Reading any
    other way (relations, Arrow, NumPy) raises, so nothing is read past the count."""

    def __init__(self, con, rows: Counter):
        self._con, self._rows, self._last = con, rows, None

    def execute(self, query, parameters=None):
        self._con.execute(query, parameters) if parameters is not None else self._con.execute(query)
        self._last = query
        return self

    def df(self):
        frame = self._con.df()
        self._rows[self._last] += len(frame)
        return frame

    def fetchall(self):
        rows = self._con.fetchall()
        self._rows[self._last] += len(rows)
        return rows

    def register(self, name, data):
        self._con.register(name, data)
        return self

    def unregister(self, name):
        self._con.unregister(name)
        return self

    def close(self):
        self._con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._con.close()


@contextmanager
def counted(monkeypatch):
    """Every row the pipeline's connections hand to Python, by statement."""
    rows: Counter = Counter()
    opened = warehouse.db.connect
    monkeypatch.setattr(
        warehouse.db, "connect", lambda *a, **k: CountingConnection(opened(*a, **k), rows)
    )
    yield rows
    monkeypatch.setattr(warehouse.db, "connect", opened)


def multiply(path: Path, copies: int) -> None:
    """Every piece of feedback ``copies`` times: new ids and content hashes, all else the same."""
    with connect(path) as con:
        for table, key in (
            ("raw.feedback", "feedback_id"),
            ("nlp.feedback_analysis", "feedback_id"),
        ):
            con.execute(
                f"""
                INSERT INTO {table}
                SELECT t.* REPLACE (t.{key} || '~' || k AS {key},
                                    t.content_hash || '~' || k AS content_hash)
                FROM {table} AS t, range(1, {copies}) AS r(k)
                """  # noqa: S608 - fixed names
            )
        con.execute(
            f"""
            INSERT INTO nlp.issue_assignment
            SELECT a.feedback_id || '~' || k, a.issue_id, a.machine_issue_id
            FROM nlp.issue_assignment AS a, range(1, {copies}) AS r(k)
            """  # noqa: S608 - a fixed number
        )


def run(path: Path, monkeypatch) -> tuple[dict, Counter, Counter]:
    """Marts, then insights and weekly reports with their reads counted."""
    marts = build_marts(path)
    with counted(monkeypatch) as insight_rows:
        find_insights(path)
    with counted(monkeypatch) as report_rows:
        write_weekly_reports(path, path.parent / "reports")
    return marts, insight_rows, report_rows


@pytest.fixture(scope="module")
def runs(insights_sample, tmp_path_factory):
    warehouse_path, _ = insights_sample
    monkeypatch = pytest.MonkeyPatch()
    out = {}
    for copies in (FEWER, MORE):
        target = tmp_path_factory.mktemp(f"copies{copies}") / "koe.duckdb"
        shutil.copy(warehouse_path, target)
        with connect(target) as con:
            # Both copies test every day and render every report from scratch.
            con.execute("DELETE FROM insights.weekly_reports")
            con.execute("DELETE FROM insights.emerging_scan")
            con.execute("DELETE FROM insights.flagged_scan")
        multiply(target, copies)
        out[copies] = (target, *run(target, monkeypatch))
    monkeypatch.undo()
    return out


def test_every_document_counts_as_many_times_as_it_was_copied(runs):
    (_, fewer, _, _), (_, more, _, _) = runs[FEWER], runs[MORE]
    assert more["feedback"] * FEWER == fewer["feedback"] * MORE > 0


def test_the_daily_counts_keep_their_rows_when_the_documents_multiply(runs):
    (fewer, _, _, _), (more, _, _, _) = runs[FEWER], runs[MORE]
    for mart in COUNTED_MARTS:
        query = f"SELECT count(*), sum(documents) FROM marts.{mart}"  # noqa: S608 - fixed names
        with connect(fewer, read_only=True) as a, connect(more, read_only=True) as b:
            [(rows_fewer, docs_fewer)] = a.execute(query).fetchall()
            [(rows_more, docs_more)] = b.execute(query).fetchall()
        assert rows_more == rows_fewer > 0, mart
        assert docs_more * FEWER == docs_fewer * MORE, mart


def test_insights_read_as_many_rows_whatever_the_documents_but_flagged_ones(runs):
    (_, _, fewer, _), (_, _, more, _) = runs[FEWER], runs[MORE]
    flagged = sql("insights/flagged_feedback")
    assert fewer[flagged] > 0  # the sample has safety and SNS items: the exception is exercised
    assert more[flagged] * FEWER == fewer[flagged] * MORE
    assert fewer[sql("insights/sentiment_windows")] > 0  # windows were tested on scores
    # The stored-alerts summary reads one row per kind that fired: a test's power grows with the
    # documents, so a kind may fire only on the larger copy. Its bound is the vocabulary's kinds.
    kinds = sql("insights/alert_kinds")
    assert 0 < fewer[kinds] <= len(ALERT_KINDS) and 0 < more[kinds] <= len(ALERT_KINDS)
    assert {q: n for q, n in more.items() if q not in (flagged, kinds)} == {
        q: n for q, n in fewer.items() if q not in (flagged, kinds)
    }


def test_weekly_reports_read_as_many_rows_whatever_the_documents(runs):
    (_, _, _, fewer), (_, _, _, more) = runs[FEWER], runs[MORE]
    # What the insights step found is read as it is: more documents make more of it significant,
    # but it is bounded by issues and attribute values, not by documents.
    found = {sql("reports/team_alerts"), sql("reports/root_causes")}
    # Quotes too: at most two complaints per issue and channel, however many there are.
    assert fewer[sql("reports/team_counts")] > 0 and fewer[sql("reports/example_candidates")] > 0
    assert {q: n for q, n in more.items() if q not in found} == {
        q: n for q, n in fewer.items() if q not in found
    }


def test_the_counts_give_the_alerts_and_causes_the_documents_give(insights_sample):
    path, _ = insights_sample
    with connect(path, read_only=True) as con:
        documents = insights.feedback(con)
        labels = insights.issue_labels(con)
        flagged = insights.flagged_feedback(con, IMMEDIATE_FLAGS)
        counted_inputs = emerging_inputs_from_counts(
            insights.daily_counts(con),
            insights.issue_products(con),
            lambda pairs, w, b: window_samples(pairs, insights.sentiment_windows(con, pairs, w, b)),
        )
        counts, sizes = insights.cause_counts(con)
        from_counts = alerts_from(counted_inputs, flagged, labels)
    from_documents = build_alerts(documents, labels)
    assert from_counts == from_documents
    assert {a.kind for a in from_counts} >= {"volume_spike", "safety"}
    assert causes_from_counts(counts, sizes) == root_causes(documents)
    assert phrases_from_counts(counts, sizes) == key_phrases(documents)


def test_a_second_run_reads_no_document_and_keeps_every_alert(insights_sample, tmp_path):
    path = tmp_path / "koe.duckdb"
    shutil.copy(insights_sample[0], path)
    with connect(path) as con:
        con.execute("DELETE FROM insights.emerging_scan")
        con.execute("DELETE FROM insights.flagged_scan")
    query = "SELECT * EXCLUDE (detected_at) FROM insights.alerts ORDER BY alert_id"
    monkeypatch = pytest.MonkeyPatch()
    runs = []
    for _ in range(2):
        with counted(monkeypatch) as rows:
            found = find_insights(path)
        with connect(path, read_only=True) as con:
            runs.append((found, rows, con.execute(query).fetchall()))
    monkeypatch.undo()
    (first, first_rows, first_alerts), (second, second_rows, second_alerts) = runs

    assert first_rows[sql("insights/flagged_feedback")] > 0
    assert first["input_rows"]["days_tested"] > 0
    assert second_rows[sql("insights/flagged_feedback")] == 0
    assert second_rows[sql("insights/sentiment_windows")] == 0
    assert second["input_rows"]["days_tested"] == second["input_rows"]["flagged_days_read"] == 0
    assert second_alerts == first_alerts
    assert second["alerts"] == first["alerts"]


def test_a_changed_flagged_document_is_read_again_with_its_day_only(insights_sample, tmp_path):
    path = tmp_path / "koe.duckdb"
    shutil.copy(insights_sample[0], path)
    find_insights(path)
    with connect(path) as con:
        [(feedback_id,)] = con.execute(
            "SELECT feedback_id FROM marts.feedback"
            " WHERE list_contains(flags, 'safety') ORDER BY created_at, feedback_id LIMIT 1"
        ).fetchall()
        con.execute(
            "UPDATE marts.feedback SET text_masked = '【追記】' || text_masked WHERE feedback_id = ?",
            [feedback_id],
        )
    query = "SELECT * EXCLUDE (detected_at) FROM insights.alerts ORDER BY alert_id"

    again = find_insights(path)
    with connect(path) as con:
        kept = con.execute(query).fetchall()
        excerpt = con.execute(
            "SELECT evidence ->> 'excerpt' FROM insights.alerts WHERE feedback_id = ?",
            [feedback_id],
        ).fetchall()
        con.execute("DELETE FROM insights.flagged_scan")
        con.execute("DELETE FROM insights.emerging_scan")
    afresh = find_insights(path)
    with connect(path, read_only=True) as con:
        assert con.execute(query).fetchall() == kept

    assert again["input_rows"]["flagged_days_read"] == 1
    assert afresh["input_rows"]["flagged_days_read"] > 1
    assert {e for (e,) in excerpt} and all(e.startswith("【追記】") for (e,) in excerpt)
