"""koe_reports's steps: the weekly product-team reports, then the snapshot again.

For every product team and every week with data that has no report yet (or whose partial report
has new days), the report is shaped (`reports.weekly`), rendered (`reports.html`), written as
HTML and CSV and recorded in insights.weekly_reports.
"""

from __future__ import annotations

import os
from pathlib import Path

from koe.settings import for_warehouse
from pipeline.marts import publish_snapshot

__all__ = ["publish_snapshot", "write_weekly_reports"]


def write_weekly_reports(
    path: str | os.PathLike[str] | None = None,
    reports_dir: str | os.PathLike[str] | None = None,
    mapping: str | os.PathLike[str] | None = None,
) -> dict:
    """Render every pending (week, team) report to ``reports_dir`` (default `$KOE_REPORTS_DIR`)
    with teams from ``mapping`` (default `$KOE_PRODUCT_TEAMS`)."""
    from insights.impact import rank_issues
    from koe.files import write_atomically
    from koe.teams import product_teams
    from reports import weekly
    from reports.html import render
    from warehouse import reports as store
    from warehouse.db import apply_schema, connect

    config = for_warehouse(path)
    out = Path(reports_dir) if reports_dir else config.reports_dir
    mapping = Path(mapping) if mapping else config.product_teams
    with connect(path) as con:
        apply_schema(con)
        teams = product_teams(store.products(con), mapping)
        weeks, last_day = store.weeks(con)
        pending = weekly.weeks_to_render(weeks, last_day, store.rendered(con), teams)
        rows = []
        impact: dict = {}  # per week: every issue's impact on the company's figures, once
        for week_start, team in pending:
            if week_start not in impact:
                cells = store.impact_cells(con, *weekly.impact_days(week_start))
                impact[week_start] = rank_issues(cells)
            days = weekly.trend_weeks(week_start)
            week_end = weekly.sunday(week_start)
            # Counts per day and issue, and a few quotable complaints: never every document.
            counts = store.team_counts(con, team.products, days[0], week_end)
            report = weekly.assemble(
                team,
                week_start,
                last_day,
                counts,
                store.team_flags(con, team.products, week_start, week_end),
                store.example_candidates(con, team.products, week_start, week_end),
                store.team_alerts(con, team.products, week_start, week_end),
                store.root_causes(
                    con, counts["issue_id"].dropna().unique(), weekly.CAUSES_PER_ISSUE
                ),
                impact[week_start],
            )
            html, table = render(report), weekly.issue_csv(report)
            # Files first, row second: a crash in between leaves a file without a row, which the
            # next run renders again; never a row pointing at a missing file.
            write_atomically(out / f"{report.file_stem}.html", html)
            write_atomically(out / f"{report.file_stem}.csv", table, "utf-8-sig")
            rows.append(weekly.report_row(report, html, table))
        store.save_reports(con, rows)
    if not rows:
        return {"teams": len(teams), "rendered": 0}
    return {
        "teams": len(teams),
        "rendered": len(rows),
        "weeks": len({r["week_start"] for r in rows}),
    }
