"""Render a `WeeklyReport` as one self-contained HTML page (Jinja2 template, inline SVG charts).

The page carries no scripts and no external files, so it can be mailed, archived or shown
inside the app as it is. Its styles are scoped under `.koe-report` for the same reason.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from koe.formats import interval_text
from koe.vocabulary import CHANNELS, IMPACT_FIGURES, ROOT_CAUSE_ATTRIBUTES, name_of
from reports.weekly import DETAILED_ISSUES, IMPACT_WEEKS, TOP_ISSUES, WeeklyReport, impact_days

TEMPLATES = Path(__file__).resolve().parent / "templates"
WEEKDAYS = "月火水木金土日"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        day=lambda d: f"{d:%Y/%m/%d}（{WEEKDAYS[d.weekday()]}）",
        short_day=lambda d: f"{d:%m/%d}",
        weekday=lambda d: WEEKDAYS[d.weekday()],
        signed=lambda n: f"{int(n):+d}",
        percent=lambda v: "—" if v is None or pd.isna(v) else f"{v:.0%}",
        channel=lambda c: name_of(CHANNELS, c),
        attribute=lambda a: name_of(ROOT_CAUSE_ATTRIBUTES, a),
        sparkline=sparkline,
        impact=lambda row, code, unit="%": interval_text(
            row[code], row[f"{code}_low"], row[f"{code}_high"], unit
        ),
    )
    return env


def render(report: WeeklyReport) -> str:
    """The report as an HTML document."""
    issues = report.issues
    return (
        _environment()
        .get_template("weekly_report.html.j2")
        .render(
            report=report,
            top=issues.head(TOP_ISSUES).to_dict("records"),
            grew=issues[issues["change"] > 0]
            .sort_values("change", ascending=False)
            .head(3)
            .to_dict("records"),
            fell=issues[issues["change"] < 0].sort_values("change").head(3).to_dict("records"),
            new=report.new_issues.to_dict("records"),
            alerts=report.alerts.to_dict("records"),
            causes=_by_issue(report.causes[report.causes["attribute"] != "phrase"]),
            phrases=_by_issue(report.causes[report.causes["attribute"] == "phrase"]),
            examples=_by_issue(report.examples),
            detailed=issues.head(DETAILED_ISSUES).to_dict("records"),
            weekly=bars(report.weeks, report.weekly_complaints),
            priorities=report.priorities.to_dict("records"),
            figures=IMPACT_FIGURES,
            impact_weeks=IMPACT_WEEKS,
            impact_first=impact_days(report.week_start)[0],
        )
    )


def _by_issue(frame: pd.DataFrame) -> dict[str, list[dict]]:
    return {key: rows.to_dict("records") for key, rows in frame.groupby("issue_id", sort=False)}


def sparkline(values: list[int], width: int = 96, height: int = 22) -> Markup:
    """A small line of weekly counts; the last point (this week) is marked."""
    top = max(max(values), 1)
    step = width / max(len(values) - 1, 1)
    points = [(i * step, height - 2 - (v / top) * (height - 4)) for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    x, y = points[-1]
    label = "、".join(map(str, values))
    return Markup(
        f'<svg class="spark" width="{width}" height="{height}" role="img" '
        f'aria-label="週次件数 {label}"><polyline points="{path}" fill="none" '
        f'stroke="#1f77b4" stroke-width="1.5"/><circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" '
        f'fill="#d62728"/></svg>'
    )


def bars(weeks: list, counts: list[int], width: int = 560, height: int = 140) -> Markup:
    """Weekly complaint counts as labelled bars, this week highlighted."""
    top = max(max(counts), 1)
    slot = width / len(counts)
    parts = []
    for i, (week, n) in enumerate(zip(weeks, counts, strict=True)):
        h = (n / top) * (height - 40)
        x, y = i * slot + 6, height - 20 - h
        colour = "#d62728" if i == len(counts) - 1 else "#9ecae1"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot - 12:.1f}" height="{h:.1f}" '
            f'fill="{colour}"/><text x="{x + (slot - 12) / 2:.1f}" y="{y - 4:.1f}" '
            f'text-anchor="middle">{n}</text><text x="{x + (slot - 12) / 2:.1f}" '
            f'y="{height - 5}" text-anchor="middle">{week:%m/%d}</text>'
        )
    return Markup(
        f'<svg class="bars" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="週ごとの苦情件数">{"".join(parts)}</svg>'
    )
