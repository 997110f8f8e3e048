"""アラート: what needs someone now. Safety and SNS-threat items for the support office, and
emerging issues (rises, new issues, sentiment drops) for quality, with the figures behind each.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from app import data, filters, labels
from app.views import issue_detail

IMMEDIATE = ("safety", "sns_threat")
KINDS = {
    "safety": "安全",
    "sns_threat": "SNS拡散",
    "volume_spike": "課題の急増",
    "product_spike": "製品の苦情急増",
    "new_issue": "新しい課題",
    "sentiment_drop": "感情の悪化",
}


def page() -> st.Page:
    return st.Page(render, title="アラート", icon=":material/notifications:", url_path="alerts")


def render() -> None:
    st.title("アラート")
    start, end = filters.require_period()
    st.caption(filters.period_caption(start, end))
    alerts = data.load("alerts", start, end)
    if alerts.empty:
        st.success("この期間のアラートはありません。")
        return

    immediate = alerts[alerts["kind"].isin(IMMEDIATE)]
    emerging = alerts[~alerts["kind"].isin(IMMEDIATE)]
    counts = alerts["kind"].value_counts()
    tiles = {
        "安全": counts.get("safety", 0),
        "SNS拡散": counts.get("sns_threat", 0),
        "急増・新しい課題": sum(
            counts.get(k, 0) for k in ("volume_spike", "product_spike", "new_issue")
        ),
        "感情の悪化": counts.get("sentiment_drop", 0),
    }
    for column, (name, n) in zip(st.columns(len(tiles)), tiles.items(), strict=True):
        column.metric(name, f"{int(n):,}件", border=True)

    st.subheader("新しい課題・急増（品質保証）")
    st.caption(
        "各課題の件数を、全体に占める割合の過去28日の水準と比べています（直近1日と直近7日）。"
        "曜日による件数の波は全体との比で打ち消し、少ない件数でも正確な検定を使います。"
    )
    if emerging.empty:
        st.info("この期間に急増した課題はありません。")
    else:
        for row in emerging.itertuples():
            _emerging_card(row)

    st.subheader("即時対応（お客様相談室）")
    st.caption("安全上の申告とSNS拡散の予告は、件数にかかわらず1件ごとに通知します。")
    if immediate.empty:
        st.info("この期間に安全上の申告やSNS拡散の予告はありません。")
    else:
        st.dataframe(
            _immediate_table(immediate),
            hide_index=True,
            column_config={
                "day": st.column_config.DateColumn("日付", format="YYYY/MM/DD"),
                "kind": "種別",
                "product": "製品",
                "channel": "チャネル",
                "excerpt": st.column_config.TextColumn("内容（マスク済み）", width="large"),
                "issue_label": "課題",
            },
        )

    st.download_button(
        "アラート一覧をCSVでダウンロード",
        labels.csv_bytes(alerts.drop(columns=["evidence"])),
        file_name=labels.csv_name("alerts", (start, end)),
        mime="text/csv",
        key="alerts-csv",
    )


def _emerging_card(row) -> None:
    with st.container(border=True):
        st.markdown(f"**{labels.day(row.day)}** ・ {row.title}")  # the title names the kind
        evidence = _evidence(row.evidence)
        details = []
        if not labels.is_missing(row.p_value):
            details.append(f"p = {row.p_value:.1e}")
        if "ratio" in evidence:
            details.append(f"通常の{evidence['ratio']}倍")
        if row.product:
            details.append(f"製品: {row.product}")
        st.caption("・".join(details))
        parts = evidence.get("issues") or []
        if parts:
            st.caption("内訳: " + "、".join(f"{p['label']}（{p['documents']}件）" for p in parts))
        if isinstance(row.issue_id, str):
            st.page_link(
                issue_detail.page(),
                label=f"課題の詳細: {row.issue_label or row.issue_id}",
                query_params={"issue": row.issue_id},
            )


def _immediate_table(frame: pd.DataFrame) -> pd.DataFrame:
    evidence = frame["evidence"].map(_evidence)
    return pd.DataFrame(
        {
            "day": frame["day"],
            "kind": frame["kind"].map(KINDS),
            "product": frame["product"].map(labels.product),
            "channel": evidence.map(lambda e: labels.channel(e.get("channel"))),
            "excerpt": evidence.map(lambda e: e.get("excerpt", "")),
            "issue_label": frame["issue_label"].fillna("—"),
        }
    )


def _evidence(value) -> dict:
    if not isinstance(value, str):
        return {}
    try:
        return json.loads(value)
    except ValueError:
        return {}
