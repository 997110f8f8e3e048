"""コンコーダンス: every occurrence of a word in the period's masked feedback with its left and
right context (KWIC, as in KH Coder), sortable by what comes before or after it, and which
issues, channels and products use the word.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from app import components, data, filters, labels
from warehouse import queries

SORTS = {
    "右の文脈順": ["right", "left"],
    "左の文脈順（末尾から）": ["left_reversed", "right"],
    "新しい順": ["created_date", "feedback_id"],
}
TOP_ISSUES = 10
# A browser table of a hundred thousand lines is slow to send and no one reads it: the table
# shows this many, says so, and the CSV holds every line.
SHOWN_LINES = 5_000


def page() -> st.Page:
    return st.Page(
        render, title="コンコーダンス", icon=":material/format_quote:", url_path="concordance"
    )


def render() -> None:
    st.title("コンコーダンス（KWIC）")
    start, end = filters.require_period()
    term, channels, products, width = _pickers(data.load(queries.filter_values))
    st.caption(
        filters.period_caption(start, end)
        + "・期間内のお客様の声をすべて検索します。"
        + "全期間はサイドバーの「全期間」で選べます（件数が多いと時間がかかります）。"
    )

    if not term.strip():
        st.info("調べたい語を入力してください。例: 電源、つながらない、返金、ですから")
        return
    lines = data.load(queries.concordance, term, start, end, channels, products, width)
    if lines.empty:
        st.info(f"「{labels.markdown_text(term)}」はこの条件のお客様の声に見つかりませんでした。")
        return

    _counts(lines)
    _lines_table(lines, (start, end))
    _issues_chart(lines)


def _pickers(values: dict[str, list[str]]) -> tuple[str, list[str], list[str], int]:
    """The term (from `?term=` at first), channel and product pickers and the context width."""
    term = st.text_input(
        "検索語 (term)",
        value=st.query_params.get("term", ""),
        help="全角・半角や大文字・小文字の違いは区別しません（NFKC正規化）。",
        key="kwic-term",
        width=360,
    )
    left, middle, right = st.columns(3)
    channels = left.multiselect(
        "チャネル (channel)",
        values["channel"],
        format_func=labels.channel,
        placeholder="すべてのチャネル",
        key="kwic-channels",
    )
    products = middle.multiselect(
        "製品 (product)", values["product"], placeholder="すべての製品", key="kwic-products"
    )
    width = right.slider("前後の文字数", 10, 60, 25, step=5, key="kwic-width")
    return term, channels, products, width


def _counts(lines: pd.DataFrame) -> None:
    """Occurrences, feedback containing the term, and issues, as three metrics."""
    first, second, third = st.columns(3)
    first.metric("出現数", f"{len(lines):,}回", border=True)
    second.metric("含むお問い合わせ", f"{lines['feedback_id'].nunique():,}件", border=True)
    third.metric("課題の数", f"{lines['issue_label'].nunique():,}", border=True)


def _lines_table(lines: pd.DataFrame, period) -> None:
    """Every occurrence in its context, in the order picked here, with its CSV."""
    order = st.radio("並べ方", list(SORTS), horizontal=True, key="kwic-sort")
    shown = lines.assign(left_reversed=lines["left"].str[::-1]).sort_values(
        SORTS[order], ascending=order != "新しい順"
    )
    table = shown.assign(
        channel=shown["channel"].map(labels.channel), product=shown["product"].map(labels.product)
    )[["left", "keyword", "right", "created_date", "channel", "product", "issue_label"]]
    if len(table) > SHOWN_LINES:
        st.caption(
            f"表には並べ方の先頭 {SHOWN_LINES:,}行を表示しています（全 {len(table):,}行）。"
            "すべての行はCSVでダウンロードできます。"
        )
    st.dataframe(
        table.head(SHOWN_LINES),
        hide_index=True,
        column_config={
            "left": st.column_config.TextColumn("左の文脈", alignment="right", width="large"),
            "keyword": st.column_config.TextColumn("語", alignment="center", width="small"),
            "right": st.column_config.TextColumn("右の文脈", width="large"),
            "created_date": st.column_config.DateColumn("日付", format="YYYY/MM/DD"),
            "channel": "チャネル",
            "product": "製品",
            "issue_label": "課題",
        },
    )
    components.csv_download(table, "concordance", period, key="kwic-csv")


def _issues_chart(lines: pd.DataFrame) -> None:
    """The issues whose feedback uses the term most, as a bar chart."""
    st.subheader("この語が出てくる課題")
    by_issue = (
        lines.drop_duplicates("feedback_id")
        .groupby("issue_label", as_index=False)
        .size()
        .sort_values("size", ascending=False)
        .head(TOP_ISSUES)
    )
    chart = px.bar(
        by_issue.iloc[::-1],
        x="size",
        y="issue_label",
        orientation="h",
        labels={"size": "お問い合わせ件数", "issue_label": ""},
    )
    chart.update_layout(height=80 + 32 * len(by_issue), margin=dict(t=10, b=10))
    st.plotly_chart(chart, key="kwic-issues")
