"""経営ダッシュボード: service levels against their targets, safety and SNS-threat items of the
last week, the top issues with their week-over-week movement, and the volume of feedback over
the chosen period.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import plotly.express as px
import streamlit as st

from app import components, data, filters, labels
from app.views import alerts as alerts_page
from app.views import incidents as incidents_page
from app.views import issue_detail
from koe.vocabulary import ALERT_KINDS, CASE_FLAGS, FLAGS, IMMEDIATE_FLAGS, IMPACT_FIGURES
from warehouse import queries

TOP_ISSUES = 10
PRIORITIES = 5
MOVERS = 5
RISK_KINDS = {kind: ALERT_KINDS[kind] for kind in IMMEDIATE_FLAGS}
LATEST_RISKS = 5
WEEKLY_FROM_DAYS = 42  # longer periods show the negative share per week: daily shares are noisy

# What each KPI's period value is computed over, for the caption under its metric.
_BASE = {
    "answer_rate": "着信 {n:,}件",
    "abandon_rate": "着信 {n:,}件",
    "avg_speed_of_answer_s": "応答 {n:,}件",
    "first_contact_resolution_rate": "応答 {n:,}件",
    "repeat_contact_rate": "顧客を特定できた課題の声 {n:,}件",
    "holds_within_45s_share": "保留 {n:,}回",
    "written_responded_within_24h_share": "メール・フォーム {n:,}件",
}


def page() -> st.Page:
    return st.Page(
        render, title="経営ダッシュボード", icon=":material/monitoring:", url_path="executive"
    )


def render() -> None:
    st.title("経営ダッシュボード")
    start, end = filters.require_period()
    st.caption(filters.period_caption(start, end))

    kpis = data.load(queries.kpi_period, start, end)
    weekly = data.load(queries.kpi_weekly, start, end)
    st.subheader("サービスレベル（目標との比較）")
    st.caption("緑は目標達成、赤は未達。小さなグラフは期間中の週ごとの推移です。")
    _kpi_row(kpis[~kpis["informational"]], weekly)
    informational = kpis[kpis["informational"]]
    if len(informational):
        st.caption("参考指標")
        _kpi_row(informational, weekly)

    week = (max(start, end - timedelta(days=6)), end)
    st.subheader("未対応の安全・SNS拡散アラート")
    _risks(data.load(queries.alerts, start, end), week)

    st.subheader("期限切れの案件")
    _overdue(data.cases(data.load(queries.case_incidents), incidents_page.now()))

    issues = data.load(queries.issue_totals, start, end, [], [])
    st.subheader("主な課題")
    _top_issues(issues)

    st.subheader("優先して対応すべき課題")
    _priorities(data.issue_impact(start, end), issues)

    st.subheader("課題の前週比")
    before = (end - timedelta(days=13), end - timedelta(days=7))
    _movers(
        data.load(queries.issue_totals, *week, [], []),
        data.load(queries.issue_totals, *before, [], []),
        week,
    )

    st.subheader("苦情件数とネガティブ比率の推移")
    _volume(data.load(queries.volume_daily, start, end), (end - start).days >= WEEKLY_FROM_DAYS)

    st.subheader("サービスレベルの推移（日次）")
    _kpi_trend(kpis, data.load(queries.kpi_daily, start, end))


def _kpi_row(kpis: pd.DataFrame, weekly: pd.DataFrame) -> None:
    for column, kpi in zip(st.columns(max(len(kpis), 1)), kpis.itertuples(), strict=False):
        with column:
            if labels.is_missing(kpi.value):
                status, color = "データなし", "off"
            elif kpi.met:
                status, color = "✅ 目標達成", "green"
            else:
                status, color = "❌ 目標未達", "red"
            st.metric(
                kpi.label_ja,
                labels.kpi_value(kpi.kpi, kpi.value),
                delta=labels.kpi_gap(kpi.kpi, kpi.value, kpi.target),
                delta_color=color,
                delta_arrow="off",
                help=labels.kpi_target(kpi.kpi, kpi.target, kpi.direction),
                border=True,
                chart_data=_weekly_values(weekly, kpi.kpi),
                chart_type="line",
            )
            base = _BASE.get(kpi.kpi, "{n:,}件").format(n=int(kpi.base))
            st.caption(f"{status}・{labels.kpi_target(kpi.kpi, kpi.target, kpi.direction)}・{base}")


def _weekly_values(weekly: pd.DataFrame, kpi: str) -> list[float] | None:
    """The KPI's weekly values in display units (percent or seconds); None under two weeks."""
    values = weekly.loc[weekly["kpi"] == kpi, "value"].astype(float)
    if len(values) < 2:
        return None
    return [round(v if kpi in labels.SECONDS_KPIS else 100 * v, 1) for v in values]


def _top_issues(issues: pd.DataFrame) -> None:
    if issues.empty:
        st.info("この期間のお問い合わせはありません。")
        return
    classified = issues[~issues["not_an_issue"]].head(TOP_ISSUES)
    unclassified = issues[issues["kind"] == "unclassified"]
    not_complaints = issues[issues["kind"] == "not_complaint"]
    total = int(issues["feedback_count"].sum())

    left, right = st.columns([3, 2])
    with left:
        chart = px.bar(
            classified.iloc[::-1],
            x="feedback_count",
            y="label",
            orientation="h",
            color="negative_share",
            color_continuous_scale="Reds",
            range_color=(0, 1),
            labels={"feedback_count": "件数", "label": "", "negative_share": "ネガティブ比率"},
        )
        chart.update_layout(height=80 + 36 * max(len(classified), 1), margin=dict(t=10, b=10))
        st.plotly_chart(chart, key="top-issues-chart")
    with right:
        for issue in classified.itertuples():
            st.page_link(
                issue_detail.page(),
                label=f"{labels.markdown_text(issue.label)}（{issue.feedback_count}件・ネガティブ {issue.negative_share:.0%}）",
                query_params={"issue": issue.issue_id},
            )
    if len(unclassified):
        row = unclassified.iloc[0]
        st.caption(
            f"未分類（どの課題にも当てはまらないお問い合わせ）: {int(row['feedback_count'])}件"
            f"（全体 {total}件の {row['feedback_count'] / total:.0%}）— 課題の件数には含めていません。"
        )
    if len(not_complaints):
        row = not_complaints.iloc[0]
        st.caption(
            f"苦情以外（お礼・質問・要望）: {int(row['feedback_count'])}件"
            f"（全体の {row['feedback_count'] / total:.0%}）"
        )
    table = issues.assign(keywords=issues["keywords"].map(labels.words))[
        ["label", "feedback_count", "negative_count", "negative_share", "keywords"]
    ]
    with st.expander("課題ごとの件数（表）"):
        st.dataframe(
            table,
            hide_index=True,
            column_config={**labels.issue_count_columns(), "keywords": "キーワード"},
        )
        components.csv_download(table, "issues", filters.period(), key="issues-csv")


def _priorities(ranked: pd.DataFrame, issues: pd.DataFrame) -> None:
    """The issues whose voices most worsen the figures an executive watches (`insights.impact`),
    ranked by the lower end of the interval so a small issue cannot top the list by chance."""
    if ranked.empty:
        st.info("この期間に課題はありません。")
        return
    names = dict(zip(issues["issue_id"], issues["label"], strict=True))
    table = labels.impact_table(ranked.head(PRIORITIES), names)
    st.dataframe(table, hide_index=True)
    figures = "・".join(IMPACT_FIGURES.values())
    st.caption(
        f"影響度: その課題の声がなかったら、{figures}がどれだけ良くなるか"
        "（各指標のうち課題が占める割合の平均）。括弧内は95%区間（ブートストラップ）で、"
        "区間の下限の高い順に並べています。件数の少ない課題は区間が広く、偶然だけでは上位に来ません。"
    )
    components.csv_download(
        labels.impact_table(ranked, names),
        "issue_priorities",
        filters.period(),
        label="優先順位をダウンロード（CSV）",
        key="impact-csv",
    )


def _risks(alerts: pd.DataFrame, week) -> None:
    """Safety and SNS-threat alerts of the period nobody has closed yet, and the last week's."""
    risks = alerts[alerts["kind"].isin(list(RISK_KINDS))] if len(alerts) else alerts
    if len(risks):
        risks = risks[~risks["alert_id"].isin(data.closed_alert_ids())]
    recent = risks[pd.to_datetime(risks["day"]).dt.date >= week[0]] if len(risks) else risks
    columns = st.columns(2 * len(RISK_KINDS))
    for i, (kind, name) in enumerate(RISK_KINDS.items()):
        n = int((risks["kind"] == kind).sum()) if len(risks) else 0
        n_recent = int((recent["kind"] == kind).sum()) if len(recent) else 0
        columns[2 * i].metric(f"{name}・未対応（期間）", f"{n:,}件", border=True)
        columns[2 * i + 1].metric(f"{name}・未対応（直近7日）", f"{n_recent:,}件", border=True)
    st.caption(
        "件数にかかわらずお客様相談室へ通知しています。対応済みにするとここから消えます"
        f"（直近7日: {week[0]:%Y/%m/%d} 〜 {week[1]:%Y/%m/%d}）。"
    )
    for row in risks.head(LATEST_RISKS).itertuples():
        st.markdown(f"- {labels.day(row.day)} {labels.markdown_text(row.title)}")
    st.page_link(alerts_page.page(), label="アラートを確認して対応済みにする")


def _overdue(cases: pd.DataFrame) -> None:
    """Cases past their due time and not completed, whatever the period: what is late now."""
    late = cases[cases["overdue"]].sort_values("due_at")
    columns = st.columns(len(CASE_FLAGS) + 1)
    columns[0].metric("期限切れの案件", f"{len(late):,}件", border=True)
    for column, flag in zip(columns[1:], CASE_FLAGS, strict=True):
        column.metric(FLAGS[flag], f"{int((late['flag'] == flag).sum()):,}件", border=True)
    st.caption(
        "安全・SNS拡散・法的措置のインシデントは案件になり、期限（最初の声から）までに"
        "完了していないものがここに出ます。"
    )
    for row in late.head(LATEST_RISKS).itertuples():
        due = pd.Timestamp(row.due_at).tz_convert(incidents_page.JST)
        st.markdown(
            f"- 期限 {due:%Y/%m/%d %H:%M}・"
            + labels.markdown_text(
                f"{FLAGS[row.flag]}: {labels.product(row.product)}（{int(row.voices)}件・"
                f"{row.owner or '担当未定'}）"
            )
        )
    st.page_link(incidents_page.page(), label="案件を確認して対応する")


def _movers(this_week: pd.DataFrame, last_week: pd.DataFrame, week) -> None:
    """The week's largest issues beside the week before: what grew and what shrank."""
    if this_week.empty:
        st.info("直近7日のお問い合わせはありません。")
        return
    current = this_week[~this_week["not_an_issue"]].head(MOVERS)
    previous = dict(zip(last_week["issue_id"], last_week["feedback_count"], strict=True))
    table = pd.DataFrame(
        {
            "label": current["label"],
            "this_week": current["feedback_count"].astype(int),
            "last_week": [int(previous.get(i, 0)) for i in current["issue_id"]],
        }
    )
    table["change"] = table["this_week"] - table["last_week"]
    st.caption(f"直近7日（{week[0]:%m/%d}〜{week[1]:%m/%d}）の上位{MOVERS}課題と、その前の7日間。")
    for row in table.itertuples():
        arrow = "▲" if row.change > 0 else "▼" if row.change < 0 else "→"
        st.markdown(
            f"- **{labels.markdown_text(row.label)}**: {row.this_week}件"
            f"（前週 {row.last_week}件、{arrow} {row.change:+d}）"
        )
    components.csv_download(table, "issue_movers", week, key="movers-csv")


def _volume(volume: pd.DataFrame, weekly: bool) -> None:
    """Complaints per day by channel, and the share of all feedback that was negative."""
    if volume.empty:
        st.info("この期間のお問い合わせはありません。")
        return
    volume = volume.assign(channel=volume["channel"].map(labels.channel))
    left, right = st.columns([3, 2])
    chart = px.bar(
        volume,
        x="day",
        y="complaint_count",
        color="channel",
        labels={"day": "日付", "complaint_count": "苦情件数", "channel": "チャネル"},
    )
    chart.update_layout(height=320, margin=dict(t=10, b=10), bargap=0.2)
    chart.update_xaxes(tickformat="%m/%d")
    left.plotly_chart(chart, key="volume-chart")

    grain = "W-SUN" if weekly else "D"
    share = volume.groupby(pd.to_datetime(volume["day"]).dt.to_period(grain).dt.start_time)[
        ["feedback_count", "negative_count"]
    ].sum()
    share = share.assign(negative_share=share["negative_count"] / share["feedback_count"])
    line = px.line(
        share.reset_index(names="day"),
        x="day",
        y="negative_share",
        markers=True,
        labels={"day": "週（月曜）" if weekly else "日付", "negative_share": "ネガティブ比率"},
    )
    line.update_yaxes(tickformat=".0%", rangemode="tozero")
    line.update_layout(height=320, margin=dict(t=10, b=10))
    line.update_xaxes(tickformat="%m/%d")
    right.plotly_chart(line, key="negative-share-chart")
    right.caption(
        ("週ごと" if weekly else "日ごと") + "の、お問い合わせ全体に占めるネガティブの割合。"
    )


def _kpi_trend(kpis: pd.DataFrame, daily: pd.DataFrame) -> None:
    if daily.empty:
        st.info("この期間の指標はありません。")
        return
    names = dict(zip(kpis["kpi"], kpis["label_ja"], strict=True))
    shown = [kpi for kpi in kpis["kpi"] if kpi in daily.columns]
    kpi = st.selectbox("指標 (KPI)", shown, format_func=names.get, key="kpi-trend", width=320)
    target = kpis.set_index("kpi").loc[kpi]
    met = (
        daily[kpi] <= target["target"]
        if target["direction"] == "<="
        else daily[kpi] >= target["target"]
    )
    shown = daily.assign(
        status=met.map({True: "目標達成", False: "目標未達"}).where(daily[kpi].notna())
    )
    chart = px.line(shown, x="day", y=kpi, labels={"day": "日付", kpi: names[kpi]})
    chart.update_traces(line_color="#888888")
    chart.add_traces(
        px.scatter(
            shown.dropna(subset=["status"]),
            x="day",
            y=kpi,
            color="status",
            color_discrete_map={"目標達成": "#2ca02c", "目標未達": "#d62728"},
            labels={"day": "日付", kpi: names[kpi], "status": "状態"},
        ).data
    )
    chart.add_hline(
        y=target["target"],
        line_dash="dash",
        line_color="#d62728",
        annotation_text=labels.kpi_target(kpi, target["target"], target["direction"]),
    )
    if kpi not in labels.SECONDS_KPIS:
        chart.update_yaxes(tickformat=".0%", rangemode="tozero")
    chart.update_layout(height=300, margin=dict(t=10, b=10))
    chart.update_xaxes(tickformat="%m/%d")
    st.plotly_chart(chart, key="kpi-trend-chart")
