"""週次レポート: the weekly recurring-issue reports the koe_reports DAG writes for each product
team, listed by week, shown as they were sent, and downloadable as HTML and CSV.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from app import components, data, filters, labels
from warehouse import queries


def page() -> st.Page:
    return st.Page(render, title="週次レポート", icon=":material/summarize:", url_path="reports")


def render() -> None:
    st.title("週次レポート（製品チーム向け）")
    start, end = filters.require_period()
    reports = data.load(queries.weekly_reports)
    if reports.empty:
        st.info(
            "週次レポートはまだありません。毎週月曜 6:00 に `koe_reports` DAG が作成します。"
            "すぐに作るには `make dags` を実行してください。"
        )
        return
    reports["week_start"] = pd.to_datetime(reports["week_start"]).dt.date
    week_end = reports["week_start"] + timedelta(days=6)
    shown = reports[(reports["week_start"] <= end) & (week_end >= start)]
    st.caption(filters.period_caption(start, end) + "・この期間にかかる週のレポートを表示します。")
    if shown.empty:
        st.info("選んだ期間にかかる週のレポートはありません。期間を広げてください。")
        return

    week = _week_picker(shown)
    teams = shown[shown["week_start"] == week]
    _overview(teams, week)
    _team_report(teams, week)


def _week_picker(shown: pd.DataFrame) -> date:
    """The week to show, newest first; weeks still being collected say so."""
    weeks = sorted(shown["week_start"].unique(), reverse=True)
    complete = dict(zip(shown["week_start"], shown["complete"], strict=False))
    return st.selectbox(
        "週 (week)",
        weeks,
        format_func=lambda w: _week_name(w, complete.get(w, True)),
        key="report-week",
        width=360,
    )


def _overview(teams: pd.DataFrame, week: date) -> None:
    """One row per product team for the week: complaints, change, new issues, alerts; as CSV."""
    st.subheader("製品チームごとの概要")
    overview = teams.assign(
        products=teams["products"].map(labels.words),
        change=teams["complaints"] - teams["previous"],
    )[["team", "products", "complaints", "previous", "change", "new_issues", "alerts"]]
    st.dataframe(
        overview,
        hide_index=True,
        column_config={
            "team": "製品チーム",
            "products": "製品",
            "complaints": st.column_config.NumberColumn("苦情件数", format="%d件"),
            "previous": st.column_config.NumberColumn("前週", format="%d件"),
            "change": st.column_config.NumberColumn("増減", format="%+d"),
            "new_issues": st.column_config.NumberColumn("新しい課題", format="%d件"),
            "alerts": st.column_config.NumberColumn("アラート", format="%d件"),
        },
    )
    components.csv_download(
        overview,
        "weekly_reports",
        (week, week + timedelta(days=6)),
        label="この週の一覧をCSVでダウンロード",
        key="reports-list-csv",
    )


def _team_report(teams: pd.DataFrame, week: date) -> None:
    """The picked team's report as it was sent, downloadable as HTML and as its issue CSV."""
    team = st.selectbox("製品チーム (team)", teams["team"].tolist(), key="report-team", width=360)
    found = data.load(queries.weekly_report, week, team)
    if found is None:
        st.warning("このレポートは見つかりませんでした。ページを再読み込みしてください。")
        return
    html, table = found
    stem = teams.loc[teams["team"] == team, "file_stem"].iloc[0].replace("/", "_")
    left, right = st.columns(2)
    with left:
        components.download(
            "レポートをダウンロード（HTML）",
            html.encode("utf-8"),
            f"koe_report_{stem}.html",
            "text/html",
            "report-html",
        )
    # The CSV the reports DAG wrote for this team and week, as it was sent: not a frame.
    with right:
        components.download(
            "課題一覧をダウンロード（CSV）",
            table.encode("utf-8-sig"),
            f"koe_report_{stem}.csv",
            "text/csv",
            "report-csv",
        )
    with st.container(border=True):
        st.html(html)


def _week_name(week: date, complete: bool) -> str:
    name = f"{week:%Y/%m/%d}〜{week + timedelta(days=6):%m/%d}（第{week:%V}週）"
    return name if complete else f"{name}・集計途中"
