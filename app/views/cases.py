"""事例集（研修用）: representative masked customer voices per issue, channels alternating, for
role-play training; exported as CSV or as a Markdown handout.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import components, data, filters, labels
from warehouse import queries

DEFAULT_ISSUES = 5


def page() -> st.Page:
    return st.Page(render, title="事例集（研修用）", icon=":material/school:", url_path="cases")


def render() -> None:
    st.title("事例集（研修用）")
    start, end = filters.require_period()
    st.caption(
        filters.period_caption(start, end)
        + "・課題ごとに、チャネルを変えながら代表的なお客様の声を選びます（個人情報はマスク済み）。"
    )
    totals = data.load(queries.issue_totals, start, end, [], [])
    issues = totals[~totals["not_an_issue"]] if len(totals) else totals
    if issues.empty:
        st.info("この期間に課題はありません。期間を広げるか、`make pipeline` を実行してください。")
        return
    chosen, per_issue = _pickers(issues)
    if not chosen:
        st.info("事例を見たい課題を選んでください。")
        return

    cases = data.load(queries.case_examples, chosen, start, end, int(per_issue))
    if cases.empty:
        st.info("選んだ課題の事例はこの期間にありません。")
        return
    table = cases.assign(
        channel=cases["channel"].map(labels.channel),
        product=cases["product"].map(labels.product),
        sentiment=cases["sentiment"].map(labels.SENTIMENTS),
        flags=cases["flags"].map(labels.flag_names),
    )[["label", "created_date", "channel", "product", "sentiment", "flags", "text_masked"]]
    _downloads(table, (start, end))
    _cards(table)


def _pickers(issues: pd.DataFrame) -> tuple[list[str], int]:
    """The issues to take examples from (the largest by default) and how many per issue."""
    names = dict(zip(issues["issue_id"], issues["label"], strict=True))
    left, right = st.columns([3, 1])
    chosen = left.multiselect(
        "課題 (issues)",
        issues["issue_id"].tolist(),
        default=issues["issue_id"].head(DEFAULT_ISSUES).tolist(),
        format_func=lambda issue_id: names.get(issue_id, issue_id),
        key="cases-issues",
    )
    per_issue = right.number_input("1課題あたりの事例数", 1, 10, 4, key="cases-per-issue")
    return chosen, per_issue


def _downloads(table: pd.DataFrame, period) -> None:
    """The examples as CSV and as a Markdown handout, side by side."""
    left, right = st.columns(2)
    with left:
        components.csv_download(
            table, "case_examples", period, label="事例をCSVでダウンロード", key="cases-csv"
        )
    with right:
        components.download(
            "研修用の資料をダウンロード（Markdown）",
            handout(table, period).encode("utf-8"),
            f"koe_case_examples_{period[0]:%Y%m%d}-{period[1]:%Y%m%d}.md",
            "text/markdown",
            "cases-md",
        )


def _cards(table: pd.DataFrame) -> None:
    """Each issue's examples as numbered cards under the issue's name."""
    for label, group in table.groupby("label", sort=False):
        st.subheader(labels.markdown_text(label))
        for number, row in enumerate(group.itertuples(), start=1):
            with st.container(border=True):
                risk = f"・⚠ {row.flags}" if row.flags else ""
                st.caption(
                    labels.markdown_text(
                        f"事例{number}・{row.channel}・{labels.day(row.created_date)}・{row.product}"
                        f"・{'感情未判定' if labels.is_missing(row.sentiment) else row.sentiment}"
                        f"{risk}"
                    )
                )
                st.text(row.text_masked)


def handout(table: pd.DataFrame, period) -> str:
    """The chosen examples as a Markdown handout for a role-play session; text from data is
    escaped, so a viewer shows it as written rather than as links or images."""
    lines = [
        "# お客様の声 事例集（研修用）",
        "",
        f"対象期間: {period[0]:%Y/%m/%d} 〜 {period[1]:%Y/%m/%d}。"
        "個人情報（氏名・電話番号・住所など）はマスク済みです。",
    ]
    for label, group in table.groupby("label", sort=False):
        lines += ["", f"## {labels.markdown_text(label)}"]
        for number, row in enumerate(group.itertuples(), start=1):
            risk = f"（注意: {row.flags}）" if row.flags else ""
            lines += [
                "",
                f"### 事例{number}: {row.channel}・{labels.day(row.created_date)}・"
                + labels.markdown_text(f"{row.product}{risk}"),
                "",
                *(
                    f"> {labels.markdown_text(line)}"
                    for line in str(row.text_masked).splitlines()
                    if line.strip()
                ),
            ]
    return "\n".join(lines) + "\n"
