"""アラート: what needs someone now. Safety and SNS-threat items for the support office, and
emerging issues (rises, new issues, sentiment drops) for quality, with the figures behind each.
Each alert is open until someone closes it here (warehouse/alert_status.py keeps that record).
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import streamlit as st

from app import components, data, filters, labels
from app.views import incidents, issue_detail
from koe.vocabulary import ALERT_KINDS, IMMEDIATE_FLAGS
from warehouse import queries

# A year of a large warehouse holds a hundred thousand flagged voices: the page draws the newest
# of each list, says how many it leaves to the CSV, and the counts above cover them all.
SHOWN_CARDS = 50
SHOWN_ROWS = 500


def page() -> st.Page:
    return st.Page(render, title="アラート", icon=":material/notifications:", url_path="alerts")


def render() -> None:
    st.title("アラート")
    start, end = filters.require_period()
    st.caption(filters.period_caption(start, end))
    alerts = data.load(queries.alerts, start, end)
    if alerts.empty:
        st.success("この期間のアラートはありません。")
        return
    alerts["closed"] = alerts["alert_id"].isin(data.closed_alert_ids())
    open_alerts = alerts[~alerts["closed"]]
    _open_counts(alerts, open_alerts)

    left, right = st.columns([1, 2])
    only_open = left.toggle("未対応のみ表示", value=True, key="alerts-only-open")
    note = right.text_input(
        "メモ（対応済みにするときに一緒に記録します）", key="alert-note", width=420
    )
    right.caption(
        "対応者として " + labels.markdown_text(data.viewer().identity) + " を監査ログに記録します。"
    )
    shown = open_alerts if only_open else alerts
    _emerging(shown[~shown["kind"].isin(IMMEDIATE_FLAGS)], note)
    _immediate(shown[shown["kind"].isin(IMMEDIATE_FLAGS)], note)

    components.csv_download(
        shown.drop(columns=["evidence"]),
        "alerts",
        (start, end),
        label="アラート一覧をCSVでダウンロード",
        key="alerts-csv",
    )


def _open_counts(alerts: pd.DataFrame, open_alerts: pd.DataFrame) -> None:
    """Open alerts per group of kinds as metrics, and how many of the period's are closed."""
    counts = open_alerts["kind"].value_counts()
    tiles = {
        **{f"{ALERT_KINDS[k]}（未対応）": counts.get(k, 0) for k in IMMEDIATE_FLAGS},
        "急増・新しい課題（未対応）": sum(
            counts.get(k, 0) for k in ("volume_spike", "product_spike", "new_issue")
        ),
        "感情の悪化（未対応）": counts.get("sentiment_drop", 0),
    }
    for column, (name, n) in zip(st.columns(len(tiles)), tiles.items(), strict=True):
        column.metric(name, f"{int(n):,}件", border=True)
    st.caption(
        f"この期間のアラート {len(alerts):,}件のうち、対応済み {int(alerts['closed'].sum()):,}件。"
    )


def _emerging(emerging: pd.DataFrame, note: str) -> None:
    """Rises, new issues and sentiment drops for quality assurance, one card each."""
    st.subheader("新しい課題・急増（品質保証）")
    st.caption(
        "各課題の件数を、全体に占める割合の過去28日の水準と比べています（直近1日と直近7日）。"
        "曜日による件数の波は全体との比で打ち消し、少ない件数でも正確な検定を使います。"
    )
    if emerging.empty:
        st.info("この期間に急増した課題はありません。")
        return
    _shown_note(len(emerging), SHOWN_CARDS)
    for row in emerging.head(SHOWN_CARDS).itertuples():
        _emerging_card(row, note)


def _shown_note(total: int, shown: int) -> None:
    if total > shown:
        st.caption(
            f"新しい順に {shown:,}件を表示しています（全 {total:,}件）。"
            "すべては下のCSVでダウンロードできるほか、期間を絞ると表示されます。"
        )


def _immediate_kinds(conjunction: str) -> str:
    return conjunction.join(ALERT_KINDS[k] for k in IMMEDIATE_FLAGS)


def _immediate(immediate: pd.DataFrame, note: str) -> None:
    """Safety and SNS-threat items for the support office, closed by ticking them in a table."""
    st.subheader("即時対応（お客様相談室）")
    st.caption(
        f"{_immediate_kinds('と')}は1件ごとのアラートです。同じ製品・課題の声は1つのインシデントに"
        "まとめ、案件として対応します（通知もインシデントごと）。"
    )
    st.page_link(incidents.page(), label="インシデント・案件で対応する")
    if immediate.empty:
        st.info(f"この期間に未対応の{_immediate_kinds('や')}はありません。")
        return
    st.caption("「対応済み」にチェックを入れると記録されます（外すと未対応に戻ります）。")
    _shown_note(len(immediate), SHOWN_ROWS)
    table = _immediate_table(immediate.head(SHOWN_ROWS))
    edited = st.data_editor(
        table,
        hide_index=True,
        disabled=[c for c in table.columns if c != "closed"],
        # A new key whenever the rows or their status change: the editor keeps edits by row
        # position, and must not carry a tick over to the row that moved into its place.
        key="immediate-" + _digest(table),
        column_config={
            "alert_id": None,
            "closed": st.column_config.CheckboxColumn("対応済み"),
            "day": st.column_config.DateColumn("日付", format="YYYY/MM/DD"),
            "kind": "種別",
            "product": "製品",
            "channel": "チャネル",
            "excerpt": st.column_config.TextColumn("内容（マスク済み）", width="large"),
            "issue_label": "課題",
        },
    )
    _save_changes(table, edited, note)


def _digest(table: pd.DataFrame) -> str:
    state = "|".join(f"{a}:{c}" for a, c in zip(table["alert_id"], table["closed"], strict=True))
    return hashlib.sha1(state.encode()).hexdigest()[:12]


def _save_changes(before: pd.DataFrame, after: pd.DataFrame, note: str) -> None:
    changed = after[after["closed"] != before["closed"]]
    if changed.empty:
        return
    data.close_alerts(changed.loc[changed["closed"], "alert_id"].tolist(), note)
    data.reopen_alerts(changed.loc[~changed["closed"], "alert_id"].tolist())
    st.rerun()


def _emerging_card(row, note: str) -> None:
    with st.container(border=True):
        status = "✅ 対応済み・" if row.closed else ""
        st.markdown(
            f"{status}**{labels.day(row.day)}** ・ {labels.markdown_text(row.title)}"
        )  # the title names the kind
        evidence = _evidence(row.evidence)
        details = []
        if not labels.is_missing(row.p_value):
            details.append(f"p = {row.p_value:.1e}")
        if "ratio" in evidence:
            details.append(f"通常の{evidence['ratio']}倍")
        if row.product:
            details.append(f"製品: {labels.markdown_text(row.product)}")
        st.caption("・".join(details))
        parts = evidence.get("issues") or []
        if parts:
            st.caption(
                "内訳: "
                + "、".join(
                    f"{labels.markdown_text(str(p['label']))}（{p['documents']}件）" for p in parts
                )
            )
        left, right = st.columns([3, 1])
        if isinstance(row.issue_id, str):
            left.page_link(
                issue_detail.page(),
                label=f"課題の詳細: {labels.markdown_text(row.issue_label or row.issue_id)}",
                query_params={"issue": row.issue_id},
            )
        if row.closed:
            if right.button("未対応に戻す", key=f"reopen-{row.alert_id}"):
                data.reopen_alerts([row.alert_id])
                st.rerun()
        elif right.button("対応済みにする", key=f"close-{row.alert_id}"):
            data.close_alerts([row.alert_id], note)
            st.rerun()


def _immediate_table(frame: pd.DataFrame) -> pd.DataFrame:
    evidence = frame["evidence"].map(_evidence)
    return pd.DataFrame(
        {
            "alert_id": frame["alert_id"],
            "closed": frame["closed"],
            "day": frame["day"],
            "kind": frame["kind"].map(ALERT_KINDS),
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
