"""Weekly recurring-issue reports for product teams, as HTML and CSV.

A product team owns one or more products. Each week (Monday to Sunday, JST) every team gets a
report on the complaints about its products: the top recurring issues with their eight-week
trend, new and emerging issues, masked examples, root-cause candidates and the change since the
week before.

Reports are idempotent per week and team: a week is rendered once it has data, and rendered
again only while it is partial (its Sunday not yet in the data) and new days have arrived. A
finished week's report is never rewritten, so what a team received stays what the app shows.

Teams come from a CSV file with the columns `product,team` (`$KOE_PRODUCT_TEAMS`); without one,
or for a product the file does not name, each product is its own team.

This module shapes a report from frames the pipeline reads (`warehouse.reports`);
`reports.html` renders it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from koe.teams import ProductTeam
from koe.vocabulary import IMMEDIATE_FLAGS, ROOT_CAUSE_ATTRIBUTES, name_of

TREND_WEEKS = 8
TOP_ISSUES = 10  # rows of the issue table in the HTML; the CSV lists every issue of the weeks
DETAILED_ISSUES = 5  # issues that get root-cause candidates and examples
EXAMPLES_PER_ISSUE = 2
CAUSES_PER_ISSUE = 3
EXAMPLE_CHARS = 220
# The priority ranking looks at four weeks: one week of a small team's voices is too few for
# an interval that separates anything.
IMPACT_WEEKS = 4
PRIORITIES = 5

CSV_COLUMNS = {
    "week_start": "週（月曜）",
    "team": "製品チーム",
    "issue_id": "課題ID",
    "label": "課題",
    "this_week": "今週の件数",
    "last_week": "前週の件数",
    "change": "増減",
    "negative_share": "ネガティブ比率",
    "trend": "週次推移（8週、古い順）",
    "status": "状態",
    "top_cause": "原因の第1候補",
}


@dataclass
class WeeklyReport:
    """Everything one product team's report shows for one week."""

    team: ProductTeam
    week_start: date
    data_through: date
    weeks: list[date]  # the trend's week starts, oldest first, ending with week_start
    weekly_complaints: list[int]
    previous: int  # complaints the week before, over the same weekdays as this week's data
    issues: pd.DataFrame  # one row per issue with complaints this or last week
    unclassified: int
    alerts: pd.DataFrame
    causes: pd.DataFrame
    examples: pd.DataFrame
    risks: dict[str, int] = field(default_factory=dict)
    # The team's issues by impact on the company's figures over `impact_days` (insights.impact).
    priorities: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def week_end(self) -> date:
        return sunday(self.week_start)

    @property
    def partial(self) -> bool:
        return self.data_through < self.week_end

    @property
    def complaints(self) -> int:
        return self.weekly_complaints[-1]

    @property
    def new_issues(self) -> pd.DataFrame:
        return self.issues[self.issues["status"].str.contains("新規")]

    @property
    def file_stem(self) -> str:
        return f"{self.week_start:%G-W%V}/{_file_name(self.team.name)}"


def weeks_to_render(
    weeks: Sequence[date],
    last_day: date | None,
    rendered: Mapping[tuple[date, str], date],
    teams: list[ProductTeam],
) -> list[tuple[date, ProductTeam]]:
    """(week, team) pairs without a report yet, or whose partial report has new days to add.

    ``weeks`` are the Mondays with data, ``last_day`` the last day of data, and ``rendered`` maps
    (week, team name) to the last day of data each written report covered.
    """
    if not weeks:
        return []
    pending = []
    for week in weeks:
        through = min(sunday(week), last_day)
        for team in teams:
            earlier = rendered.get((week, team.name))
            if earlier is None or earlier < through:
                pending.append((week, team))
    return pending


def sunday(week_start: date) -> date:
    """The last day of the week that starts on the Monday ``week_start``."""
    return week_start + timedelta(days=6)


def impact_days(week_start: date) -> tuple[date, date]:
    """First and last day of the priority ranking's window: `IMPACT_WEEKS` weeks to Sunday."""
    return week_start - timedelta(weeks=IMPACT_WEEKS - 1), sunday(week_start)


def trend_weeks(week_start: date) -> list[date]:
    """The Mondays of a report's trend, oldest first, ending with ``week_start``."""
    return [week_start - timedelta(weeks=n) for n in range(TREND_WEEKS - 1, -1, -1)]


def assemble(
    team: ProductTeam,
    week_start: date,
    last_day: date,
    counts: pd.DataFrame,
    flags: Mapping[str, int],
    examples: pd.DataFrame,
    alerts: pd.DataFrame,
    causes: pd.DataFrame,
    impact: pd.DataFrame | None = None,
) -> WeeklyReport:
    """Shape one team's report for the week starting on ``week_start`` (a Monday).

    ``counts`` holds the team's feedback over `trend_weeks` counted per day, issue, complaint and
    sentiment (`warehouse.reports.team_counts`), ``flags`` how many of the week's documents carry
    each risk flag, ``examples`` the week's complaints that may be quoted
    (`warehouse.reports.example_candidates`), ``alerts`` the week's alerts about its products and
    ``causes`` the best root-cause candidates of its issues (`warehouse.reports.root_causes`),
    ``impact`` every issue's impact over `impact_days` (`insights.impact.rank_issues`), of which
    the team's issues are kept.
    """
    weeks = trend_weeks(week_start)
    week_end = sunday(week_start)
    complaints = counts[counts["is_complaint"].fillna(False).astype(bool)]
    weekly = complaints.groupby("week_start")["documents"].sum()
    this_week = complaints[complaints["week_start"] == week_start]

    # A week still in progress is compared with the same weekdays of the week before.
    data_through = min(week_end, last_day)
    compared = complaints[
        (complaints["week_start"] != weeks[-2])
        | (pd.to_datetime(complaints["created_date"]).dt.date <= data_through - timedelta(weeks=1))
    ]
    previous = int(compared.loc[compared["week_start"] == weeks[-2], "documents"].sum())

    issues = _issue_table(complaints, compared, weeks, week_start, alerts)
    detailed = issues["issue_id"].head(DETAILED_ISSUES).tolist()
    causes = causes[causes["issue_id"].isin(detailed)].reset_index(drop=True)
    first_causes = causes[causes["attribute"] != "phrase"].drop_duplicates("issue_id")
    issues["top_cause"] = issues["issue_id"].map(
        {row.issue_id: _cause_text(row) for row in first_causes.itertuples()}
    )
    return WeeklyReport(
        team=team,
        week_start=week_start,
        data_through=data_through,
        weeks=weeks,
        weekly_complaints=[int(weekly.get(w, 0)) for w in weeks],
        previous=previous,
        issues=issues,
        unclassified=int(this_week.loc[this_week["issue_id"].isna(), "documents"].sum()),
        alerts=alerts,
        causes=causes,
        examples=_examples(examples, detailed),
        risks={flag: int(flags.get(flag, 0)) for flag in IMMEDIATE_FLAGS},
        priorities=_priorities(impact, complaints),
    )


def _priorities(impact: pd.DataFrame | None, complaints: pd.DataFrame) -> pd.DataFrame:
    """The team's issues (those of its complaints) in the company-wide impact order, labelled."""
    if impact is None or impact.empty:
        return pd.DataFrame()
    names = complaints.dropna(subset=["issue_id"]).drop_duplicates("issue_id")
    labels = dict(zip(names["issue_id"], names["label"], strict=True))
    ours = impact[impact["issue_id"].isin(labels)].head(PRIORITIES)
    return ours.assign(label=ours["issue_id"].map(labels)).reset_index(drop=True)


def _issue_table(
    complaints: pd.DataFrame,
    compared: pd.DataFrame,
    weeks: list[date],
    week_start: date,
    alerts: pd.DataFrame,
) -> pd.DataFrame:
    """One row per issue with complaints this week or last: counts, trend and status. The
    week-before count comes from `compared` (the same weekdays as this week's data)."""
    columns = [
        "issue_id",
        "label",
        "this_week",
        "last_week",
        "change",
        "negative_share",
        "trend",
        "status",
    ]
    classified = complaints[complaints["issue_id"].notna()]
    if classified.empty:
        return pd.DataFrame(columns=columns)
    counts = classified.pivot_table(
        index="issue_id", columns="week_start", values="documents", aggfunc="sum", fill_value=0
    ).reindex(columns=weeks, fill_value=0)
    counts = counts[(counts[weeks[-1]] > 0) | (counts[weeks[-2]] > 0)]
    current = classified[classified["week_start"] == week_start]
    sentiment = (
        current.assign(negative=current["documents"].where(current["sentiment"] == "negative", 0))
        .groupby("issue_id")[["negative", "documents"]]
        .sum()
    )
    negative = sentiment["negative"] / sentiment["documents"]
    before = compared[compared["week_start"] == weeks[-2]].groupby("issue_id")["documents"].sum()
    labels = classified.drop_duplicates("issue_id").set_index("issue_id")
    rising = set(alerts.loc[alerts["kind"] == "volume_spike", "issue_id"].dropna())
    week_end = sunday(week_start)

    rows = []
    for issue_id, trend in counts.iterrows():
        first_seen = labels.at[issue_id, "issue_first_seen"]
        status = []
        if pd.notna(first_seen) and week_start <= pd.Timestamp(first_seen).date() <= week_end:
            status.append("新規")
        if issue_id in rising:
            status.append("急増")
        this, last = int(trend[weeks[-1]]), int(before.get(issue_id, 0))
        if this == last == 0:
            continue
        rows.append(
            {
                "issue_id": issue_id,
                "label": labels.at[issue_id, "label"],
                "this_week": this,
                "last_week": last,
                "change": this - last,
                "negative_share": negative.get(issue_id),
                "trend": [int(v) for v in trend.tolist()],
                "status": "・".join(status),
            }
        )
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(
        ["this_week", "last_week", "issue_id"], ascending=[False, False, True]
    ).reset_index(drop=True)


def _examples(this_week: pd.DataFrame, issue_ids: list[str]) -> pd.DataFrame:
    """The most negative masked texts of the week for each detailed issue, one per channel first.
    ``this_week`` holds the week's complaints, or at least the two most negative of each issue
    and channel (`warehouse.reports.example_candidates`)."""
    chosen = this_week[this_week["issue_id"].isin(issue_ids)].sort_values(
        ["sentiment_score", "created_date", "feedback_id"], na_position="last"
    )
    picked = []
    for issue_id in issue_ids:
        rows = chosen[chosen["issue_id"] == issue_id]
        # Different channels first: a call and a post say more together than two posts.
        varied = pd.concat([rows.drop_duplicates("channel"), rows]).drop_duplicates("feedback_id")
        picked.append(varied.head(EXAMPLES_PER_ISSUE))
    if not picked:
        return this_week.head(0)
    examples = pd.concat(picked)
    examples["text_masked"] = examples["text_masked"].map(_shorten)
    return examples


def _shorten(text: str | None) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"


def _cause_text(row) -> str:
    # No lift when none of the other complaints has the value (stored as NULL, read as NaN).
    lift = "他の苦情にはなし" if pd.isna(row.lift) else f"{row.lift:.1f}倍"
    return f"{name_of(ROOT_CAUSE_ATTRIBUTES, row.attribute)}: {row.value}（{lift}）"


def issue_csv(report: WeeklyReport) -> str:
    """The report's issue table as CSV text with Japanese headers (one row per issue)."""
    table = report.issues.assign(
        week_start=report.week_start.isoformat(),
        team=report.team.name,
        trend=report.issues["trend"].map(lambda t: " ".join(map(str, t))),
        negative_share=report.issues["negative_share"].map(
            lambda v: "" if pd.isna(v) else f"{v:.2f}"
        ),
    )
    table = table.reindex(columns=list(CSV_COLUMNS)).rename(columns=CSV_COLUMNS)
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def report_row(report: WeeklyReport, html: str, table: str) -> dict:
    """The row of insights.weekly_reports that records a written report."""
    return {
        "week_start": report.week_start,
        "team": report.team.name,
        "products": list(report.team.products),
        "data_through": report.data_through,
        "complaints": report.complaints,
        "previous": report.previous,
        "new_issues": len(report.new_issues),
        "alerts": len(report.alerts),
        "file_stem": report.file_stem,
        "html": html,
        "csv": table,
    }


def _file_name(team: str) -> str:
    """A team name as a file name: characters that paths or shells trip on become _."""
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", team).strip("_") or "team"
