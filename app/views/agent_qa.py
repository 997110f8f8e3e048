"""応対品質: agent QA findings from recorded calls by check, team and agent, with the masked
words of the turn that triggered each finding.
"""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from app import data, filters, labels

RECENT = 10


def page() -> st.Page:
    return st.Page(render, title="応対品質", icon=":material/support_agent:", url_path="agent-qa")


def render() -> None:
    st.title("応対品質")
    start, end = filters.require_period()
    values = data.load("qa_filter_values")

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
    st.caption(filters.period_caption(start, end))

    agents_table = data.load("qa_agents", start, end)
    if teams:
        agents_table = agents_table[agents_table["team"].isin(teams)]
    if agents:
        agents_table = agents_table[agents_table["agent_id"].isin(agents)]
    findings = data.load("qa_findings", start, end, checks, teams, agents)

    calls = int(agents_table["calls_answered"].sum())
    first, second, third = st.columns(3)
    first.metric("指摘件数", f"{len(findings):,}件", border=True)
    second.metric("対象の応答通話", f"{calls:,}件", border=True)
    rate = f"{100 * len(findings) / calls:.1f}件" if calls else "—"
    third.metric("100通話あたりの指摘", rate, border=True)

    if findings.empty:
        st.success("この条件では指摘はありません。")
    else:
        left, right = st.columns(2)
        with left:
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
        with right:
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
                    "findings_per_100_calls": st.column_config.NumberColumn(
                        "100通話あたり", format="%.1f"
                    ),
                },
            )

    if not findings.empty:
        st.subheader(f"最近の指摘（新しい順に {min(len(findings), RECENT)} 件、発話はマスク済み）")
        for finding in findings.head(RECENT).itertuples():
            with st.container(border=True):
                phrase = (
                    f"・該当表現「{finding.phrase}」" if isinstance(finding.phrase, str) else ""
                )
                st.caption(
                    f"{finding.started_at:%Y/%m/%d %H:%M}・{finding.team or 'チーム不明'}"
                    f"・{finding.agent_id or '—'}・{labels.qa_check(finding.check_name)}"
                    f"・発話 {finding.turn}{phrase}"
                )
                st.text(finding.text_masked)

    st.subheader("指摘の一覧（発話は個人情報マスク済み）")
    table = findings.assign(check_name=findings["check_name"].map(labels.qa_check))[
        ["started_at", "team", "agent_id", "check_name", "turn", "phrase", "text_masked", "call_id"]
    ]
    st.dataframe(
        table,
        hide_index=True,
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
    st.download_button(
        "CSVをダウンロード",
        labels.csv_bytes(table),
        file_name=labels.csv_name("agent_qa", (start, end)),
        mime="text/csv",
        key="qa-csv",
    )
