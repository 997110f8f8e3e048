"""Insights and weekly reports read counts per day and issue, not documents.

The generated sample goes through every step (tests/support/planted.py); a copy of it then gets
every document three times (new ids and content hashes, so none is an exact duplicate; the same
days, issues, analysis and attributes). The marts' daily counts keep their row count, and so
does every read of the insights and weekly-report steps, row for row, except those that are per
document by design: the feedback raising an alert of its own (safety, SNS threats) and the few
complaints a report may quote. Rows are counted as DuckDB hands them to Python, through a
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
from koe.vocabulary import IMMEDIATE_FLAGS
from pipeline.marts import build_marts, find_insights
from pipeline.reports import write_weekly_reports
from warehouse import insights
from warehouse.db import connect, sql

pytestmark = pytest.mark.slow

COPIES = 3
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
            SELECT a.feedback_id || '~' || k, a.issue_id
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
    for copies in (1, COPIES):
        target = tmp_path_factory.mktemp(f"copies{copies}") / "koe.duckdb"
        shutil.copy(warehouse_path, target)
        with connect(target) as con:
            # Both copies test every day and render every report from scratch.
            con.execute("DELETE FROM insights.weekly_reports")
            con.execute("DELETE FROM insights.emerging_scan")
        if copies > 1:
            multiply(target, copies)
        out[copies] = (target, *run(target, monkeypatch))
    monkeypatch.undo()
    return out


def test_every_document_counts_as_many_times_as_it_was_copied(runs):
    (_, once, _, _), (_, thrice, _, _) = runs[1], runs[COPIES]
    assert thrice["feedback"] == COPIES * once["feedback"] > 0


def test_the_daily_counts_keep_their_rows_when_the_documents_multiply(runs):
    (one, _, _, _), (three, _, _, _) = runs[1], runs[COPIES]
    for mart in COUNTED_MARTS:
        query = f"SELECT count(*), sum(documents) FROM marts.{mart}"  # noqa: S608 - fixed names
        with connect(one, read_only=True) as a, connect(three, read_only=True) as b:
            [(rows_once, docs_once)] = a.execute(query).fetchall()
            [(rows_thrice, docs_thrice)] = b.execute(query).fetchall()
        assert rows_thrice == rows_once > 0, mart
        assert docs_thrice == COPIES * docs_once, mart


def test_insights_read_as_many_rows_whatever_the_documents_but_flagged_ones(runs):
    (_, _, once, _), (_, _, thrice, _) = runs[1], runs[COPIES]
    flagged = sql("insights/flagged_feedback")
    assert once[flagged] > 0  # the sample has safety and SNS items: the exception is exercised
    assert thrice[flagged] == COPIES * once[flagged]
    assert sum(thrice.values()) - thrice[flagged] == sum(once.values()) - once[flagged] > 0
    assert {q: n for q, n in thrice.items() if q != flagged} == {
        q: n for q, n in once.items() if q != flagged
    }


def test_weekly_reports_read_as_many_rows_whatever_the_documents_but_a_few_quotes(runs):
    (_, _, _, once), (_, _, _, thrice) = runs[1], runs[COPIES]
    quotes = sql("reports/example_candidates")
    assert {q: n for q, n in thrice.items() if q != quotes} == {
        q: n for q, n in once.items() if q != quotes
    }
    # At most two quotable complaints per issue and channel, however many there are.
    assert once[quotes] <= thrice[quotes] <= 2 * once[quotes]


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
