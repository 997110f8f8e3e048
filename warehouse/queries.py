"""The dashboard's read queries over the published marts snapshot, one function per question.

Each function runs one `warehouse/sql/app/<name>.sql` with bound parameters on a cursor of a
`SnapshotReader` and returns a pandas DataFrame; the app never writes SQL of its own.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from koe.settings import settings
from koe.vocabulary import CASE_FLAGS, QA_CHECKS
from warehouse import search
from warehouse.db import sql
from warehouse.scope import ProductScope, open_scoped
from warehouse.snapshot import open_snapshot, snapshot_version


def snapshot_file() -> Path:
    """The snapshot the app reads: `$KOE_SNAPSHOT`, else the one beside the warehouse file."""
    return settings().snapshot


class SnapshotReader:
    """One read-only snapshot connection shared by threads, each query on its own cursor;
    with a ``scope``, only that product team's rows (see `warehouse.scope`).

    A DuckDB cursor is a fresh session: it starts in the in-memory catalog with the default
    time zone, so `cursor()` repeats what `open_snapshot()` set up on the parent connection.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, scope: ProductScope | None = None
    ) -> None:
        self.path = Path(path) if path is not None else snapshot_file()
        # A product team reads through row-level views (warehouse/scope.py); everyone else, all.
        self._con = open_snapshot(self.path) if scope is None else open_scoped(self.path, scope)
        self._database, self._time_zone = self._con.execute(sql("app/session")).fetchone()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self._con.cursor()
        # Names and settings cannot be bound; both values come from DuckDB itself above.
        cursor.execute(f'USE "{self._database.replace(chr(34), chr(34) * 2)}"')
        cursor.execute(f"SET TimeZone = '{self._time_zone.replace(chr(39), chr(39) * 2)}'")
        # A missing mart must fail loudly, not resolve to a Python variable of the same name.
        cursor.execute("SET python_enable_replacements = false")
        return cursor

    def close(self) -> None:
        self._con.close()


def app_snapshot_version() -> tuple[int, int] | None:
    """A key that changes whenever a new snapshot is published; None when there is none."""
    return snapshot_version(snapshot_file())


def _frame(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pd.DataFrame:
    return con.execute(sql(f"app/{name}"), params or None).df()


def _values(items: Sequence[str] | None) -> list[str]:
    """Filter lists are bound as VARCHAR[]; an empty list means "no restriction"."""
    return [str(item) for item in items or ()]


# --- period and filters ---------------------------------------------------------------------


def data_period(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    """First and last day with calls or feedback, or None when the marts are empty."""
    first, last = con.execute(sql("app/data_period")).fetchone()
    if first is None:
        return None
    return first, last


def filter_values(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """{"channel": [...], "product": [...]} occurring in the issue marts, sorted."""
    frame = _frame(con, "filter_values")
    return {
        dimension: frame.loc[frame["dimension"] == dimension, "value"].tolist()
        for dimension in ("channel", "product")
    }


# --- executive ------------------------------------------------------------------------------


def kpi_period(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """One row per KPI target: kpi, label_ja, target, direction, informational, value, base, met.

    `value` weights each day's rate by its denominator (`base` is that denominator summed over
    the period); `met` is NULL when the period has no data for the KPI.
    """
    frame = _frame(con, "kpi_period", start=start, end=end)
    if "informational" not in frame.columns:
        frame.insert(frame.columns.get_loc("direction") + 1, "informational", False)
    frame["informational"] = frame["informational"].fillna(False).astype(bool)
    return frame


def kpi_weekly(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Per week (Monday) and KPI: value, weighted like `kpi_period`; weeks without data absent."""
    return _frame(con, "kpi_weekly", start=start, end=end)


def kpi_daily(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """marts.kpi_daily rows from `start` to `end` inclusive, oldest first."""
    return _frame(con, "kpi_daily", start=start, end=end)


def volume_daily(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Per day and channel: feedback_count (all issues, 未分類 included), complaint_count (all but
    苦情以外) and negative_count."""
    return _frame(con, "volume_daily", start=start, end=end)


def issue_totals(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    channels: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per issue over the period: label, keywords, feedback_count, negative_count,
    negative_share, avg_sentiment, kind, not_an_issue; largest first, 未分類 and 苦情以外 last.

    Empty `channels` / `products` mean all of them.
    """
    return _frame(
        con,
        "issue_totals",
        start=start,
        end=end,
        channels=_values(channels),
        products=_values(products),
    )


def impact_cells(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """The impact ranking's input over the period: voices per issue and outcome pattern
    (`marts.impact_cells` summed over the days; `insights.impact.rank_issues` ranks them)."""
    return con.execute(sql("insights/impact_cells"), {"start": start, "end": end}).df()


# --- recurring questions (FAQ) ----------------------------------------------------------------

# The FAQ page's trend: the last this many days up to the period's end against the ones before.
FAQ_TREND_DAYS = 28


def faq_questions(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    products: Sequence[str] | None = None,
    trend_days: int = FAQ_TREND_DAYS,
) -> pd.DataFrame:
    """Per recurring question with voices in the period: label, product, inquiry (question or
    request), voices, recent_voices / earlier_voices (the last ``trend_days`` days up to ``end``
    against the ones before) and their difference ``trend``, voices per channel
    (call_voices, email_voices, form_voices, sns_voices), calls_recorded, calls_resolved_first,
    first_contact_resolution (NULL without calls) and keywords; largest first."""
    return _frame(
        con,
        "faq_questions",
        start=start,
        end=end,
        products=_values(products),
        trend_days=int(trend_days),
    )


def faq_examples(con: duckdb.DuckDBPyConnection, question_ids: Sequence[str]) -> pd.DataFrame:
    """Up to five masked wordings per recurring question (representatives first): question_id,
    label, example_rank, channel, created_date, text_masked, representative."""
    return _frame(con, "faq_examples", question_ids=_values(question_ids))


def faq_coverage(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    products: Sequence[str] | None = None,
) -> dict[str, int]:
    """{"inquiries": questions and requests of the period, "in_questions": those in a recurring
    question}."""
    frame = _frame(con, "faq_coverage", start=start, end=end, products=_values(products))
    return {k: int(frame.iloc[0][k]) for k in ("inquiries", "in_questions")}


# --- trends ---------------------------------------------------------------------------------


def issue_trend(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    channels: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per day and issue: label, feedback_count, negative_count, avg_sentiment."""
    return _frame(
        con,
        "issue_trend",
        start=start,
        end=end,
        channels=_values(channels),
        products=_values(products),
    )


def feedback_examples(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    channels: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
    issue_ids: Sequence[str] | None = None,
    limit: int = 200,
) -> pd.DataFrame:
    """Masked feedback of the period, newest first: the trend explorer's drill-down."""
    return _frame(
        con,
        "feedback_in_period",
        start=start,
        end=end,
        channels=_values(channels),
        products=_values(products),
        issue_ids=_values(issue_ids),
        limit=int(limit),
    )


CONCORDANCE_COLUMNS = [
    "feedback_id",
    "created_date",
    "channel",
    "product",
    "issue_label",
    "left",
    "keyword",
    "right",
]


def concordance(
    con: duckdb.DuckDBPyConnection,
    term: str,
    start: date,
    end: date,
    channels: Sequence[str] | None = None,
    products: Sequence[str] | None = None,
    width: int = 25,
) -> pd.DataFrame:
    """KWIC (keyword in context) lines of `term` in the period's masked feedback, as KH Coder
    shows them: left context, the keyword, right context, one line per occurrence.

    Texts and term are compared after NFKC (`warehouse.search.normalize`, stored per text in
    marts.feedback.text_normalized) and lower-casing, and the lines show the normalized text (so
    ［電話番号］ reads [電話番号]); DuckDB does the search. Columns: feedback_id, created_date,
    channel, product, issue_label, left, keyword, right.
    """
    needle = search.normalize(term).strip()
    if not needle:  # an empty term would match everywhere: it matches nothing
        return pd.DataFrame(columns=CONCORDANCE_COLUMNS)
    return _frame(
        con,
        "concordance",
        needle=needle,
        start=start,
        end=end,
        channels=_values(channels),
        products=_values(products),
        width=int(width),
    )


def case_examples(
    con: duckdb.DuckDBPyConnection,
    issue_ids: Sequence[str],
    start: date,
    end: date,
    per_issue: int = 5,
) -> pd.DataFrame:
    """Up to `per_issue` masked texts per issue for role-play training, channels alternating,
    representatives and keyword-rich texts first, in the order of `issue_ids`."""
    return _frame(
        con,
        "case_examples",
        issue_ids=_values(issue_ids),
        start=start,
        end=end,
        per_issue=int(per_issue),
    )


# --- issue detail ---------------------------------------------------------------------------


def issue_catalogue(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every issue (issue_id, label, feedback_count, negative_share, kind, not_an_issue); the rows
    that are not issues (未分類, 苦情以外) last."""
    return _frame(con, "issue_catalogue")


def issue_detail(con: duckdb.DuckDBPyConnection, issue_id: str) -> pd.DataFrame:
    """The marts.issues row of `issue_id` (empty frame when unknown)."""
    return _frame(con, "issue_detail", issue_id=str(issue_id))


def issue_examples(con: duckdb.DuckDBPyConnection, issue_id: str, limit: int = 10) -> pd.DataFrame:
    """Masked feedback of the issue: representatives first (`representative`), then newest."""
    return _frame(con, "issue_examples", issue_id=str(issue_id), limit=int(limit))


def issue_timeline(con: duckdb.DuckDBPyConnection, issue_id: str) -> pd.DataFrame:
    """Per day: feedback_count, negative_count, avg_sentiment of the issue."""
    return _frame(con, "issue_timeline", issue_id=str(issue_id))


def issue_breakdown(
    con: duckdb.DuckDBPyConnection,
    issue_id: str,
    start: date = date.min,
    end: date = date.max,
) -> pd.DataFrame:
    """Per channel and product: feedback_count, negative_count of the issue on start..end."""
    return _frame(con, "issue_breakdown", issue_id=str(issue_id), start=start, end=end)


def related_issues(con: duckdb.DuckDBPyConnection, issue_id: str, limit: int = 5) -> pd.DataFrame:
    """Issues the same customers also reported, or that share keywords with `issue_id`:
    issue_id, label, feedback_count, top_product, shared_customers, shared_keywords."""
    return _frame(con, "related_issues", issue_id=str(issue_id), limit=int(limit))


def issue_repeat_contacts(con: duckdb.DuckDBPyConnection, issue_id: str) -> pd.DataFrame:
    """One row for the issue: linked_contacts (voices whose customer is known), customers,
    repeat_contacts, repeat_customers, repeat_contact_rate, repeat_window_days."""
    return _frame(con, "issue_repeat_contacts", issue_id=str(issue_id))


def repeat_customers(
    con: duckdb.DuckDBPyConnection, issue_id: str, limit: int = 50
) -> pd.DataFrame:
    """The pseudonymous customers who came back about the issue within the window: customer_key,
    contacts, repeat_contacts, channels, first_at, last_at; most repeats first."""
    return _frame(con, "repeat_customers", issue_id=str(issue_id), limit=int(limit))


def customer_journey(
    con: duckdb.DuckDBPyConnection, customer_key: str, issue_id: str
) -> pd.DataFrame:
    """Every masked voice of one pseudonymous customer in time order: contact_number,
    created_at, channel, product, issue_id, issue_label, on_issue (about `issue_id`),
    is_repeat_contact, days_since_previous, sentiment, subject_masked, text_masked."""
    return _frame(con, "customer_journey", customer_key=str(customer_key), issue_id=str(issue_id))


# --- agent QA -------------------------------------------------------------------------------


def qa_filter_values(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """{"check": [...], "team": [...], "agent": [...]}, sorted."""
    frame = _frame(con, "qa_filter_values")
    return {
        dimension: frame.loc[frame["dimension"] == dimension, "value"].tolist()
        for dimension in ("check", "team", "agent")
    }


def qa_findings(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    checks: Sequence[str] | None = None,
    teams: Sequence[str] | None = None,
    agents: Sequence[str] | None = None,
) -> pd.DataFrame:
    """marts.agent_qa_findings rows in the period and filters, newest call first."""
    return _frame(
        con,
        "qa_findings",
        start=start,
        end=end,
        checks=_values(checks),
        teams=_values(teams),
        agents=_values(agents),
    )


def qa_agents(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Per team and agent: calls_answered, findings (in total and one column per QA check, in the
    vocabulary's order), findings_per_100_calls."""
    frame = _frame(con, "qa_agents", start=start, end=end)
    checks = [list(c) for c in frame.pop("checks")]
    at = frame.columns.get_loc("findings") + 1
    for offset, code in enumerate(QA_CHECKS):
        frame.insert(at + offset, code, [c.count(code) for c in checks])
    return frame


def qa_weekly(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Per week (Monday), team and agent: calls_answered and findings."""
    return _frame(con, "qa_weekly", start=start, end=end)


def call_transcript(con: duckdb.DuckDBPyConnection, call_id: str) -> pd.DataFrame:
    """One call's masked turns in order: turn, speaker, t_s, text_masked, checks (QA findings)."""
    return _frame(con, "call_transcript", call_id=call_id)


def issue_lineage(con: duckdb.DuckDBPyConnection, issue_id: str) -> pd.DataFrame:
    """What clustering runs and analysts did to the issue, newest first: run_at, mode, event,
    issue_id, label, source_issue_id, source_label, documents, actor (koe for the algorithm),
    decision_id."""
    return _frame(con, "issue_lineage", issue_id=issue_id)


def issue_subgroups(con: duckdb.DuckDBPyConnection, issue_id: str) -> pd.DataFrame:
    """koe's proposed sub-groups for splitting the issue: subgroup, label, keywords, share (of a
    sample of its members), centroid, examples (masked texts closest to the centre)."""
    return _frame(con, "issue_subgroups", issue_id=issue_id)


def applied_decisions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """decision_id, applied_at, not_applied of every analyst's decision the published catalogue
    reflects (the others wait for the next pipeline run)."""
    return _frame(con, "applied_decisions")


# --- insights -------------------------------------------------------------------------------


def alerts(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Alerts about days in [start, end], newest first: kind, day, route, title, issue and its
    label, product, feedback_id, observed, expected, p_value, evidence (JSON text)."""
    return _frame(con, "alerts", start=start, end=end)


def incidents(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Incidents with a voice in [start, end], newest voice first: flag, issue and its label,
    product, voices, first_at, latest_at, first_day, latest_day, channels."""
    return _frame(con, "incidents", start=start, end=end)


def case_incidents(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every incident of a flag that opens a case (koe.vocabulary.CASE_FLAGS), whatever its
    period, oldest first voice first; the columns of `incidents`."""
    return _frame(con, "case_incidents", flags=list(CASE_FLAGS))


def incident_voices(
    con: duckdb.DuckDBPyConnection, incident_id: str, limit: int = 200
) -> pd.DataFrame:
    """The masked voices an incident holds, oldest first (feedback_id, created_at, channel,
    product, sentiment, text_masked); at most `limit`."""
    return _frame(con, "incident_voices", incident_id=incident_id, limit=int(limit))


def episodes(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """Episodes of emerging alerts with a day in [start, end], latest first: kind, issue and its
    label, product, first_day, last_day, days, alerts, route, title, peak_ratio."""
    return _frame(con, "episodes", start=start, end=end)


def issue_root_causes(con: duckdb.DuckDBPyConnection, issue_id: str) -> pd.DataFrame:
    """The issue's root-cause candidates (attribute, value, count, lift, q_value, onset, ...),
    then its key phrases (attribute = 'phrase'), each by rank."""
    return _frame(con, "issue_root_causes", issue_id=issue_id)


def weekly_reports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The weekly product-team reports, newest week first: week_start, team, products,
    data_through, complete, complaints, previous, new_issues, alerts, file_stem."""
    return _frame(con, "weekly_reports")


def weekly_report(
    con: duckdb.DuckDBPyConnection, week_start: date, team: str
) -> tuple[str, str] | None:
    """One report's (html, csv) text, or None when there is no such report."""
    row = con.execute(sql("app/weekly_report"), {"week_start": week_start, "team": team}).fetchone()
    return (row[0], row[1]) if row else None


# --- quarantine -----------------------------------------------------------------------------


def alert_delivery_state(con: duckdb.DuckDBPyConnection, limit: int = 1_000) -> pd.DataFrame:
    """Alerts delivered (where, when), failed (why, how often) or pending; failed and pending
    first, then newest; at most `limit` rows (one per alert and target)."""
    return _frame(con, "alert_delivery_state", limit=int(limit))


def alert_delivery_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """{state: number of alerts} over every alert: delivered, failed, pending."""
    return dict(con.execute(sql("app/alert_delivery_counts")).fetchall())


def quarantine(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every quarantined record with its reason and masked excerpt, newest first."""
    return _frame(con, "quarantine")
