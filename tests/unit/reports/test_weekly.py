"""Weekly product-team reports on the 60-day generated sample (tests/planted.py): one per team and
week, counts that match the marts, the planted spike and root cause in the reports, and
idempotence per week."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from koe.teams import product_teams
from pipeline.reports import write_weekly_reports
from reports import weekly
from tests.support.planted import planted_by_issue, product_name, spike_product
from warehouse import reports as store
from warehouse.db import connect

pytestmark = pytest.mark.slow

REPORT_QUERY = (
    "SELECT week_start, team, products, complaints, previous, file_stem, html, csv"
    " FROM insights.weekly_reports ORDER BY week_start, team"
)


def _rows(warehouse) -> list[dict]:
    with connect(warehouse, read_only=True) as con:
        frame = con.execute(REPORT_QUERY).df()
    return frame.to_dict("records")


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _report(rows, week: date, team: str) -> dict:
    [row] = [r for r in rows if r["week_start"].date() == week and r["team"] == team]
    return row


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@pytest.fixture
def copy(insights_sample, tmp_path):
    """A private copy of the sample warehouse and its reports, for tests that write."""
    warehouse, truth = insights_sample
    target = tmp_path / "koe.duckdb"
    shutil.copy(warehouse, target)
    shutil.copytree(warehouse.parent / "reports", tmp_path / "reports")
    return target, truth


def test_every_product_team_has_a_report_for_every_week_with_data(insights_sample):
    warehouse, truth = insights_sample
    with connect(warehouse, read_only=True) as con:
        weeks = {
            w
            for (w,) in con.execute(
                "SELECT DISTINCT CAST(date_trunc('week', created_date) AS DATE) FROM marts.feedback"
            ).fetchall()
        }
    rows = _rows(warehouse)
    teams = {p["name"] for p in truth["products"]}
    assert {(r["week_start"].date(), r["team"]) for r in rows} == {
        (w, t) for w in weeks for t in teams
    }
    for row in rows:
        html = warehouse.parent / "reports" / f"{row['file_stem']}.html"
        table = warehouse.parent / "reports" / f"{row['file_stem']}.csv"
        assert html.read_text(encoding="utf-8") == row["html"]
        assert table.read_text(encoding="utf-8-sig") == row["csv"]
        assert list(row["products"]) == [row["team"]]  # no mapping: one team per product


def test_report_counts_match_the_marts(insights_sample):
    warehouse, truth = insights_sample
    rows = _rows(warehouse)
    week = _monday(date.fromisoformat(truth["spike"]["start"]))
    team = spike_product(truth)
    report = _report(rows, week, team)
    with connect(warehouse, read_only=True) as con:
        per_issue = dict(
            con.execute(
                """
                SELECT f.issue_id, count(*)
                FROM marts.feedback AS f LEFT JOIN nlp.issues AS i USING (issue_id)
                WHERE f.is_complaint AND COALESCE(f.product, i.product) = ?
                  AND f.created_date BETWEEN ? AND ?
                GROUP BY ALL
                """,
                [team, week, week + timedelta(days=6)],
            ).fetchall()
        )
    assert report["complaints"] == sum(per_issue.values())
    listed = {row["課題ID"]: int(row["今週の件数"]) for row in _csv(report["csv"])}
    assert listed == {i: n for i, n in per_issue.items() if i is not None}


def test_the_spike_weeks_report_leads_with_the_spiking_issue(insights_sample):
    warehouse, truth = insights_sample
    start = date.fromisoformat(truth["spike"]["start"])
    week = _monday(start) + timedelta(weeks=1)  # the first whole week of the rise
    report = _report(_rows(warehouse), week, spike_product(truth))
    with connect(warehouse, read_only=True) as con:
        main = planted_by_issue(con, truth)
    top = _csv(report["csv"])[0]
    assert main[top["課題ID"]] == truth["spike"]["issue"]
    assert int(top["増減"]) > 0
    assert report["complaints"] > report["previous"]


def test_the_planted_lot_heads_the_leak_issues_causes_in_its_report(insights_sample):
    warehouse, truth = insights_sample
    planted = truth["root_cause"]
    team = product_name(truth, truth["issues"][planted["issue"]]["product"])
    with connect(warehouse, read_only=True) as con:
        main = planted_by_issue(con, truth)
    leak = {issue for issue, key in main.items() if key == planted["issue"]}
    found = [
        row["原因の第1候補"]
        for report in _rows(warehouse)
        if report["team"] == team
        for row in _csv(report["csv"])
        if row["課題ID"] in leak and row["原因の第1候補"]
    ]
    assert found, "the leak issue never had a cause in its team's reports"
    assert all(planted["value"] in cause for cause in found), found
    assert any(planted["value"] in r["html"] for r in _rows(warehouse) if r["team"] == team)


def test_rendering_again_changes_no_report(copy):
    warehouse, _ = copy
    out = warehouse.parent / "reports"
    digest = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*.*")}
    before = _rows(warehouse)
    assert write_weekly_reports(warehouse, out)["rendered"] == 0
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.rglob("*.*")} == digest
    assert _rows(warehouse) == before


def test_a_partial_week_is_rendered_again_when_days_arrive_and_a_finished_week_is_not(copy):
    warehouse, truth = copy
    with connect(warehouse) as con:
        [(latest,)] = con.execute("SELECT max(week_start) FROM insights.weekly_reports").fetchall()
        # As if the last run had seen one day less of the latest week.
        con.execute(
            "UPDATE insights.weekly_reports SET data_through = data_through - 1"
            " WHERE week_start = ?",
            [latest],
        )
        teams = product_teams(store.products(con))
        pending = _pending(con, teams)
    assert {(w, t.name) for w, t in pending} == {(latest, t.name) for t in teams}
    assert write_weekly_reports(warehouse, warehouse.parent / "reports")["rendered"] == len(teams)
    with connect(warehouse) as con:
        assert _pending(con, teams) == []


def _pending(con, teams):
    return weekly.weeks_to_render(*store.weeks(con), store.rendered(con), teams)


def test_a_mapping_file_groups_products_into_one_team(copy, tmp_path):
    warehouse, truth = copy
    names = sorted(p["name"] for p in truth["products"])
    mapping = tmp_path / "teams.csv"
    mapping.write_text(
        f"product,team\n{names[0]},第一製品チーム\n{names[1]},第一製品チーム\n", encoding="utf-8"
    )
    before = _rows(warehouse)
    with connect(warehouse) as con:
        products = store.products(con)
    teams = {t.name: t.products for t in product_teams(products, mapping)}
    assert teams["第一製品チーム"] == (names[0], names[1])
    assert all(teams[name] == (name,) for name in names[2:])
    write_weekly_reports(warehouse, tmp_path / "out", mapping)
    after = _rows(warehouse)
    for week in {r["week_start"].date() for r in before}:
        merged = _report(after, week, "第一製品チーム")
        parts = [_report(before, week, name) for name in names[:2]]
        assert merged["complaints"] == sum(p["complaints"] for p in parts)
        assert (tmp_path / "out" / f"{merged['file_stem']}.html").is_file()


@pytest.mark.parametrize(
    "text, message",
    [
        ("製品,チーム\nA,B\n", "needs the columns product,team"),
        ("product,team\nA,B\nA,C\n", "given to two teams"),
        ("product,team\nA,\n", "empty product or team"),
    ],
)
def test_a_bad_mapping_file_is_a_clear_error(tmp_path, text, message):
    mapping = tmp_path / "teams.csv"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        product_teams(["A", "B"], mapping)
    with pytest.raises(FileNotFoundError):
        product_teams(["A", "B"], Path(tmp_path / "missing.csv"))


def test_a_cause_absent_from_the_other_complaints_has_no_lift_to_print():
    from collections import namedtuple

    cause = namedtuple("Cause", "attribute value lift")
    assert weekly._cause_text(cause("lot", "L2608B", float("nan"))) == (
        "ロット: L2608B（他の苦情にはなし）"
    )
    assert weekly._cause_text(cause("app_version", "3.2.1", 1.94)) == (
        "アプリバージョン: 3.2.1（1.9倍）"
    )


def test_the_drivers_team_report_puts_the_planted_driver_first_among_its_priorities(
    insights_sample,
):
    warehouse, truth = insights_sample
    driver = truth["impact"]["driver"]
    team = product_name(truth, truth["issues"][driver]["product"])
    with connect(warehouse, read_only=True) as con:
        main = planted_by_issue(con, truth)
        labels = dict(con.execute("SELECT issue_id, label FROM nlp.issues").fetchall())
    # The last report of the team: four full weeks of voices behind its ranking.
    report = [r for r in _rows(warehouse) if r["team"] == team][-1]
    section = report["html"].split("<h2>優先して対応すべき課題</h2>", 1)[1].split("<h2>", 1)[0]
    first = re.search(r'<td class="n">1</td><td>(.*?)</td>', section)
    assert first, section[:500]
    found = [i for i, key in main.items() if key == driver]
    assert html.unescape(first.group(1)) in {labels[i] for i in found}
    assert "95%区間" in section
