"""トレンド: issue volume and sentiment over time, filtered by channel, product and period, with a
drill-down from any point of the chart (or any issue and days) to the masked feedback behind it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.express as px
import streamlit as st

from app import components, data, filters, labels
from warehouse import queries

DEFAULT_ISSUES = 5
EXAMPLES = 50
# Periods this long are shown per week by default: daily lines over months are mostly noise.
WEEKLY_FROM_DAYS = 42


def page() -> st.Page:
    return st.Page(render, title="トレンド", icon=":material/trending_up:", url_path="trends")


def render() -> None:
    st.title("トレンド")
    start, end = filters.require_period()
    channels, products = _pickers(data.load(queries.filter_values), start, end)

    totals = data.load(queries.issue_totals, start, end, channels, products)
    if totals.empty:
        st.info("この条件に当てはまるお問い合わせはありません。条件を変えてみてください。")
        return
    names = dict(zip(totals["issue_id"], totals["label"], strict=True))
    chosen = _issue_picker(totals, names, channels, products)
    weekly = _weekly_picker(start, end)
    grain = "週次" if weekly else "日次"

    trend = data.load(queries.issue_trend, start, end, channels, products)
    trend = _complete_days(trend[trend["issue_id"].isin(chosen)], start, end, names)
    if weekly:
        trend = _by_week(trend)

    st.subheader(f"課題別の件数（{grain}）")
    if trend.empty:
        st.info("表示する課題を選んでください。")
    else:
        volume, picked = _volume_chart(trend)
        _sentiment_chart(trend, grain)
        # A clicked point is named from the chart it was clicked in: the sentiment chart drops
        # days without a score, so its traces can come in another order.
        _drill_down(picked, volume, names, chosen, (start, end), channels, products, weekly)

    _period_table(totals, (start, end))


def _pickers(values: dict[str, list[str]], start: date, end: date) -> tuple[list[str], list[str]]:
    """The channel and product pickers and a caption of what is shown; empty lists mean all."""
    left, middle = st.columns(2)
    channels = left.multiselect(
        "チャネル (channel)",
        values["channel"],
        format_func=labels.channel,
        placeholder="すべてのチャネル",
        key="trend-channels",
    )
    products = middle.multiselect(
        "製品 (product)",
        values["product"],
        placeholder="すべての製品",
        key="trend-products",
    )
    st.caption(
        filters.period_caption(start, end)
        + "・チャネル: "
        + ("、".join(map(labels.channel, channels)) or "すべて")
        + "・製品: "
        + ("、".join(products) or "すべて")
    )
    return channels, products


def _issue_picker(
    totals: pd.DataFrame, names: dict[str, str], channels: list[str], products: list[str]
) -> list[str]:
    """The issues to draw, the largest ones by default."""
    default = totals.loc[~totals["not_an_issue"], "issue_id"].head(DEFAULT_ISSUES).tolist()
    return st.multiselect(
        "表示する課題 (issues)",
        totals["issue_id"].tolist(),
        default=default,
        format_func=lambda issue_id: names.get(issue_id, issue_id),
        key=f"trend-issues-{'|'.join(channels)}-{'|'.join(products)}",
    )


def _weekly_picker(start: date, end: date) -> bool:
    """Daily or weekly points; weekly by default for long periods."""
    return (
        st.radio(
            "集計の単位",
            ["日次", "週次"],
            index=1 if (end - start).days >= WEEKLY_FROM_DAYS else 0,
            horizontal=True,
            key="trend-grain",
        )
        == "週次"
    )


def _volume_chart(trend: pd.DataFrame):
    """Feedback per issue over time; returns the Plotly figure and its selection (the clicked
    point)."""
    chart = px.line(
        trend,
        x="day",
        y="feedback_count",
        color="label",
        markers=True,
        labels={"day": "日付", "feedback_count": "件数", "label": "課題"},
    )
    chart.update_layout(height=360, margin=dict(t=10, b=10))
    chart.update_xaxes(tickformat="%m/%d")
    picked = st.plotly_chart(chart, key="trend-volume", on_select="rerun", selection_mode="points")
    st.caption("グラフの点をクリックすると、その日（週）のお問い合わせを下に表示します。")
    return chart, picked


def _sentiment_chart(trend: pd.DataFrame, grain: str):
    """Average sentiment per issue over time, sized by volume; returns the Plotly figure."""
    st.subheader(f"課題別の感情スコア（{grain}平均、-1 〜 +1）")
    scored = trend.dropna(subset=["avg_sentiment"])
    chart = px.scatter(
        scored,
        x="day",
        y="avg_sentiment",
        color="label",
        size="feedback_count",
        labels={
            "day": "日付",
            "avg_sentiment": "平均スコア",
            "label": "課題",
            "feedback_count": "件数",
        },
    )
    chart.add_hline(y=0, line_dash="dot", line_color="gray")
    chart.update_layout(height=320, margin=dict(t=10, b=10), yaxis_range=[-1.05, 1.05])
    chart.update_xaxes(tickformat="%m/%d")
    st.plotly_chart(chart, key="trend-sentiment")
    return chart


def _drill_down(picked, chart, names, chosen, period, channels, products, weekly) -> None:
    """The masked feedback behind a clicked point, or behind the issue and days picked here."""
    st.subheader("お問い合わせの事例（マスク済み）")
    points = picked.selection.points if picked else []
    if points:
        first, last, issue_ids = _clicked_point(points[0], chart, names, chosen, weekly)
    else:
        first, last, issue_ids = _drill_pickers(names, chosen, period)
    examples = data.load(
        queries.feedback_examples, first, last, channels, products, issue_ids, EXAMPLES
    )
    if examples.empty:
        st.info("この条件のお問い合わせはありません。")
        return
    _examples_table(examples, (first, last))


def _clicked_point(point, chart, names, chosen, weekly) -> tuple[date, date, list[str]]:
    """The days and issue of a clicked chart point, said in a caption."""
    by_label = {label: issue_id for issue_id, label in names.items()}
    label = chart.data[point["curve_number"]].name
    first = pd.Timestamp(point["x"]).date()
    last = first + timedelta(days=6 if weekly else 0)
    issue_ids = [by_label[label]] if label in by_label else chosen
    st.caption(
        f"グラフで選んだ点: {labels.markdown_text(label)}・{first:%Y/%m/%d}"
        + (f"〜{last:%m/%d}" if weekly else "")
    )
    return first, last, issue_ids


def _drill_pickers(names, chosen, period) -> tuple[date, date, list[str]]:
    """An issue and a range of days picked by hand, when no chart point is clicked."""
    left, right = st.columns(2)
    issue = left.selectbox(
        "課題 (issue)",
        chosen,
        format_func=lambda issue_id: names.get(issue_id, issue_id),
        key="trend-drill-issue",
    )
    first, last = right.slider(
        "日付 (days)",
        min_value=period[0],
        max_value=period[1],
        value=period,
        format="YYYY/MM/DD",
        key=f"trend-drill-days-{period[0]}-{period[1]}",
    )
    issue_ids = [issue] if issue else chosen
    return first, last, issue_ids


def _examples_table(examples: pd.DataFrame, days: tuple[date, date]) -> None:
    """The drill-down's feedback as a table, with its CSV."""
    table = examples.assign(
        channel=examples["channel"].map(labels.channel),
        product=examples["product"].map(labels.product),
        sentiment=examples["sentiment"].map(labels.SENTIMENTS),
        flags=examples["flags"].map(labels.flag_names),
    )[["created_date", "channel", "product", "issue_label", "sentiment", "flags", "text_masked"]]
    st.caption(f"新しい順に最大{EXAMPLES}件。個人情報はマスク済みです。")
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "created_date": st.column_config.DateColumn("日付", format="YYYY/MM/DD"),
            "channel": "チャネル",
            "product": "製品",
            "issue_label": "課題",
            "sentiment": "感情",
            "flags": "リスク",
            "text_masked": st.column_config.TextColumn("本文（マスク済み）", width="large"),
        },
    )
    components.csv_download(
        table, "trend_examples", days, label="事例をCSVでダウンロード", key="trend-examples-csv"
    )


def _period_table(totals: pd.DataFrame, period: tuple[date, date]) -> None:
    """Each issue's totals over the period as a table, with its CSV."""
    st.subheader("期間中の課題別集計")
    table = totals[["label", "feedback_count", "negative_count", "negative_share", "avg_sentiment"]]
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            **labels.issue_count_columns(),
            "avg_sentiment": st.column_config.NumberColumn("平均感情スコア", format="%.2f"),
        },
    )
    components.csv_download(table, "trends", period, key="trends-csv")


def _complete_days(
    trend: pd.DataFrame, start: date, end: date, names: dict[str, str]
) -> pd.DataFrame:
    """Days without feedback become explicit zeros, so lines drop to 0 instead of bridging gaps."""
    if trend.empty:
        return trend
    days = pd.date_range(start, end, freq="D")
    grid = pd.MultiIndex.from_product([days, trend["issue_id"].unique()], names=["day", "issue_id"])
    full = (
        trend.set_index(["day", "issue_id"])[["feedback_count", "negative_count", "avg_sentiment"]]
        .reindex(grid)
        .reset_index()
    )
    full[["feedback_count", "negative_count"]] = (
        full[["feedback_count", "negative_count"]].fillna(0).astype(int)
    )
    full["label"] = full["issue_id"].map(names)
    return full


def _by_week(trend: pd.DataFrame) -> pd.DataFrame:
    """Daily rows summed per issue and week (Monday first); sentiment weighted by count."""
    if trend.empty:
        return trend
    weekly = trend.assign(
        day=trend["day"].dt.to_period("W-SUN").dt.start_time,
        weighted=trend["avg_sentiment"].fillna(0) * trend["feedback_count"],
    )
    weekly = weekly.groupby(["day", "issue_id", "label"], as_index=False)[
        ["feedback_count", "negative_count", "weighted"]
    ].sum()
    counts = weekly["feedback_count"].where(weekly["feedback_count"] > 0)
    weekly["avg_sentiment"] = weekly["weighted"] / counts
    return weekly.drop(columns="weighted")
