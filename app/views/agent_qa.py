"""応対品質: agent QA findings from recorded calls by check, team and agent, their weekly trend,
and each finding's masked call transcript opened at the turn that triggered it.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from app import components, data, filters, labels
from warehouse import queries

RECENT = 10
# A quarter of a large warehouse has ten thousand findings: the table shows the newest, says so,
# and the CSV holds them all.
SHOWN_ROWS = 2_000
CONTEXT = 2  # turns shown before and after the flagged one
SPEAKERS = {"agent": "オペレーター", "customer": "お客様"}


def page() -> st.Page:
    return st.Page(render, title="応対品質", icon=":material/support_agent:", url_path="agent-qa")


def render() -> None:
    st.title("応対品質")
    start, end = filters.require_period()
    checks, teams, agents = _pickers(data.load(queries.qa_filter_values))
    st.caption(filters.period_caption(start, end))
    if "call" in st.query_params:  # opened from a finding's link: the transcript comes first
        _transcript(st.query_params["call"], _turn(st.query_params.get("turn")))

    agents_table = data.load(queries.qa_agents, start, end)
    if teams:
        agents_table = agents_table[agents_table["team"].isin(teams)]
    if agents:
        agents_table = agents_table[agents_table["agent_id"].isin(agents)]
    findings = data.load(queries.qa_findings, start, end, checks, teams, agents)

    _totals(findings, agents_table)
    if findings.empty:
        st.success("この条件では指摘はありません。")
    else:
        left, right = st.columns(2)
        with left:
            _by_check(findings)
        with right:
            _by_agent(agents_table, (start, end))

    _weekly_trend(data.load(queries.qa_weekly, start, end), teams, agents)

    if not findings.empty:
        _recent_findings(findings)
    _findings_table(findings, (start, end))


def _pickers(values: dict[str, list[str]]) -> tuple[list[str], list[str], list[str]]:
    """The check, team and agent pickers side by side; empty lists mean all."""
    left, middle, right = st.columns(3)
    checks = left.multiselect(
        "チェック項目 (check)",
        values["check"],
        format_func=labels.qa_check,
        placeholder="すべての項目",
        key="qa-checks",
    )
    teams = middle.multiselect(
        "チーム (team)", values["team"], placeholder="すべてのチーム", key="qa-teams"
    )
    agents = right.multiselect(
        "オペレーター (agent)", values["agent"], placeholder="すべてのオペレーター", key="qa-agents"
    )
    return checks, teams, agents


def _totals(findings: pd.DataFrame, agents_table: pd.DataFrame) -> None:
    """Findings, answered calls and findings per 100 calls, as three metrics."""
    calls = int(agents_table["calls_answered"].sum())
    first, second, third = st.columns(3)
    first.metric("指摘件数", f"{len(findings):,}件", border=True)
    second.metric("対象の応答通話", f"{calls:,}件", border=True)
    rate = f"{100 * len(findings) / calls:.1f}件" if calls else "—"
    third.metric("100通話あたりの指摘", rate, border=True)


def _by_check(findings: pd.DataFrame) -> None:
    """Findings per check, stacked by team."""
    st.subheader("チェック項目別")
    by_check = (
        findings.assign(check=findings["check_name"].map(labels.qa_check))
        .groupby(["check", "team"], as_index=False)
        .size()
    )
    chart = px.bar(
        by_check,
        x="size",
        y="check",
        color="team",
        orientation="h",
        labels={"size": "件数", "check": "", "team": "チーム"},
    )
    chart.update_layout(height=300, margin=dict(t=10, b=10))
    st.plotly_chart(chart, key="qa-by-check")


def _by_agent(agents_table: pd.DataFrame, period) -> None:
    """Answered calls and findings per agent, with its CSV."""
    st.subheader("オペレーター別")
    per_agent = agents_table.rename(
        columns={check: labels.qa_check(check) for check in labels.QA_CHECKS}
    )
    st.dataframe(
        per_agent,
        hide_index=True,
        column_config={
            "team": "チーム",
            "agent_id": "オペレーター",
            "calls_answered": st.column_config.NumberColumn("応答通話"),
            "findings": st.column_config.NumberColumn("指摘"),
            "findings_per_100_calls": st.column_config.NumberColumn("100通話あたり", format="%.1f"),
        },
    )
    components.csv_download(per_agent, "agent_qa_by_agent", period, key="qa-agents-csv")


def _recent_findings(findings: pd.DataFrame) -> None:
    """The newest findings as cards, each linking to its call's transcript."""
    st.subheader(f"最近の指摘（新しい順に {min(len(findings), RECENT)} 件、発話はマスク済み）")
    for finding in findings.head(RECENT).itertuples():
        with st.container(border=True):
            phrase = f"・該当表現「{finding.phrase}」" if isinstance(finding.phrase, str) else ""
            st.caption(
                labels.markdown_text(
                    f"{finding.started_at:%Y/%m/%d %H:%M}・{finding.team or 'チーム不明'}"
                    f"・{finding.agent_id or '—'}・{labels.qa_check(finding.check_name)}"
                    f"・発話 {finding.turn}{phrase}"
                )
            )
            st.text(finding.text_masked)
            st.page_link(
                page(),
                label="通話記録をこの発話から開く",
                query_params={"call": finding.call_id, "turn": str(finding.turn)},
            )


def _findings_table(findings: pd.DataFrame, period) -> None:
    """Every finding as a table with its CSV; picking a row opens that call's transcript."""
    st.subheader("指摘の一覧（発話は個人情報マスク済み）")
    table = findings.assign(check_name=findings["check_name"].map(labels.qa_check))[
        ["started_at", "team", "agent_id", "check_name", "turn", "phrase", "text_masked", "call_id"]
    ]
    st.caption("行を選ぶと、その通話の記録を指摘のあった発話から表示します。")
    if len(table) > SHOWN_ROWS:
        st.caption(
            f"表には新しい順に {SHOWN_ROWS:,}行を表示しています（全 {len(table):,}行）。"
            "すべての行はCSVでダウンロードできます。"
        )
    picked = st.dataframe(
        table.head(SHOWN_ROWS),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="qa-table",
        column_config={
            "started_at": st.column_config.DatetimeColumn("通話開始", format="YYYY/MM/DD HH:mm"),
            "team": "チーム",
            "agent_id": "オペレーター",
            "check_name": "チェック項目",
            "turn": st.column_config.NumberColumn("発話番号"),
            "phrase": "該当表現",
            "text_masked": st.column_config.TextColumn("発話（マスク済み）", width="large"),
            "call_id": "通話ID",
        },
    )
    components.csv_download(table, "agent_qa", period, key="qa-csv")

    rows = picked.selection.rows if picked else []
    if rows:
        chosen = table.head(SHOWN_ROWS).iloc[rows[0]]
        _transcript(chosen["call_id"], _turn(chosen["turn"]))


def _weekly_trend(weekly: pd.DataFrame, teams: list[str], agents: list[str]) -> None:
    """Findings per 100 answered calls per week: one line per chosen agent, else per team."""
    st.subheader("指摘の推移（週次、100通話あたり）")
    if teams:
        weekly = weekly[weekly["team"].isin(teams)]
    by = "team"
    if agents:
        weekly, by = weekly[weekly["agent_id"].isin(agents)], "agent_id"
    if weekly.empty or weekly["calls_answered"].sum() == 0:
        st.info("この条件では応答通話がありません。")
        return
    trend = weekly.groupby(["week", by], as_index=False)[["calls_answered", "findings"]].sum()
    trend["per_100"] = (
        100 * trend["findings"] / trend["calls_answered"].where(trend["calls_answered"] > 0)
    )
    chart = px.line(
        trend,
        x="week",
        y="per_100",
        color=by,
        markers=True,
        hover_data=["calls_answered", "findings"],
        labels={
            "week": "週（月曜）",
            "per_100": "100通話あたりの指摘",
            "team": "チーム",
            "agent_id": "オペレーター",
            "calls_answered": "応答通話",
            "findings": "指摘",
        },
    )
    chart.update_layout(height=300, margin=dict(t=10, b=10))
    chart.update_xaxes(tickformat="%m/%d")
    st.plotly_chart(chart, key="qa-weekly")


def _turn(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _transcript(call_id: str, turn: int | None) -> None:
    """The call's masked transcript, the flagged turn and its neighbours first."""
    st.subheader(f"通話記録（{labels.markdown_text(call_id)}、個人情報マスク済み）")
    turns = data.load(queries.call_transcript, call_id)
    if turns.empty:
        st.warning("この通話の記録は見つかりませんでした。")
        return
    if turn is None or turn not in set(turns["turn"]):
        st.caption("指摘は通話中の特定の発話ではなく、保留に関するものです。")
        near = turns.head(0)
    else:
        near = turns[(turns["turn"] - turn).abs() <= CONTEXT]
        st.caption(f"発話 {turn} とその前後 {CONTEXT} 発話")
        for row in near.itertuples():
            _turn_line(row, flagged=row.turn == turn)
    with st.expander("通話の全文", expanded=near.empty):
        for row in turns.itertuples():
            _turn_line(row, flagged=row.turn == turn)


def _turn_line(row, flagged: bool) -> None:
    at = "" if labels.is_missing(row.t_s) else f"{int(row.t_s) // 60:02d}:{int(row.t_s) % 60:02d}"
    checks = "、".join(labels.qa_check(c) for c in row.checks)
    head = f"{row.turn}・{at}・{SPEAKERS.get(row.speaker, row.speaker)}"
    if flagged:
        st.markdown(f":red-background[**▶ {head}**（{checks or '指摘箇所'}）]")
        st.markdown(f":red-background[{labels.markdown_text(row.text_masked)}]")
    else:
        st.caption(head + (f"（{checks}）" if checks else ""))
        st.text(row.text_masked)
