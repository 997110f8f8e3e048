"""Reads and writes of the weekly product-team reports: the marts and insights a report is made
of, which reports exist, and storing a written report in insights.weekly_reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import duckdb
import pandas as pd

from warehouse.db import sql, transaction


def products(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every product with feedback."""
    return [p for (p,) in con.execute(sql("reports/products")).fetchall()]


def weeks(con: duckdb.DuckDBPyConnection) -> tuple[list[date], date | None]:
    """The Monday of every week (JST) with feedback, and the last day with data."""
    [(mondays, last_day)] = con.execute(sql("reports/weeks")).fetchall()
    return list(mondays or []), last_day


def rendered(con: duckdb.DuckDBPyConnection) -> dict[tuple[date, str], date]:
    """(week, team) → the last day of data the written report covered."""
    return {
        (week, team): through
        for week, team, through in con.execute(sql("reports/rendered")).fetchall()
    }


def team_counts(
    con: duckdb.DuckDBPyConnection, products: Sequence[str], first_day: date, last_day: date
) -> pd.DataFrame:
    """The feedback about ``products`` from ``first_day`` to ``last_day`` counted per day, issue,
    complaint and sentiment, with its week and its issue's label and first day."""
    frame = con.execute(sql("reports/team_counts"), _team(products, first_day, last_day)).df()
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame


def team_flags(
    con: duckdb.DuckDBPyConnection, products: Sequence[str], first_day: date, last_day: date
) -> dict[str, int]:
    """Risk flag → pieces of feedback about ``products`` in those days that carry it."""
    rows = con.execute(sql("reports/team_flags"), _team(products, first_day, last_day)).fetchall()
    return {flag: int(n) for flag, n in rows}


def example_candidates(
    con: duckdb.DuckDBPyConnection, products: Sequence[str], first_day: date, last_day: date
) -> pd.DataFrame:
    """The complaints about ``products`` in those days a report may quote: the two most negative
    of each issue and channel, with their masked text."""
    frame = con.execute(
        sql("reports/example_candidates"), _team(products, first_day, last_day)
    ).df()
    frame["week_start"] = pd.to_datetime(frame["week_start"]).dt.date
    return frame


def team_alerts(
    con: duckdb.DuckDBPyConnection, products: Sequence[str], first_day: date, last_day: date
) -> pd.DataFrame:
    """The rise, new-issue and sentiment-drop alerts about ``products`` in those days."""
    return con.execute(sql("reports/team_alerts"), _team(products, first_day, last_day)).df()


def root_causes(
    con: duckdb.DuckDBPyConnection, issue_ids: Iterable[str], per_issue: int
) -> pd.DataFrame:
    """The ``per_issue`` best root-cause candidates and key phrases of each issue."""
    return con.execute(
        sql("reports/root_causes"), {"issue_ids": list(issue_ids), "per_issue": per_issue}
    ).df()


def impact_cells(con: duckdb.DuckDBPyConnection, first_day: date, last_day: date) -> pd.DataFrame:
    """Voices of every product per issue and outcome pattern over the days, for the impact
    ranking (`insights.impact`): an issue's impact is on the company's figures, not a team's."""
    return con.execute(sql("insights/impact_cells"), {"start": first_day, "end": last_day}).df()


def save_reports(con: duckdb.DuckDBPyConnection, rows: Sequence[dict]) -> None:
    """Store written reports (see `reports.weekly.report_row`), in one transaction."""
    with transaction(con):
        for row in rows:
            con.execute(sql("reports/save_report"), row)


def _team(products: Sequence[str], first_day: date, last_day: date) -> dict:
    """The parameters of a query about one team's products over some days."""
    return {"products": list(products), "first_day": first_day, "last_day": last_day}
