"""運用: where each notice (an incident at its count, an episode) was delivered or why it was not,
and the audit log of what people did in the app (closing and reopening alerts, case actions, CSV
exports). For the 運用 role only.
"""

from __future__ import annotations

import streamlit as st

from app import components, data
from warehouse import queries

STATES = {"delivered": "送信済み", "failed": "送信失敗", "pending": "未送信"}
AUDIT_ROWS = 500
# A year of a large warehouse has a hundred thousand alerts: the counts cover them all, the
# table shows what needs a look first.
SHOWN_ROWS = 1_000


def page() -> st.Page:
    return st.Page(
        render, title="運用・監査", icon=":material/admin_panel_settings:", url_path="operations"
    )


def render() -> None:
    st.title("運用・監査")
    _deliveries()
    _audit()


def _deliveries() -> None:
    st.subheader("通知の配信状況（インシデント・エピソードごと）")
    counts = data.load(queries.alert_delivery_counts)
    if not counts:
        st.info("通知するインシデント・エピソードはまだありません。")
        return
    columns = st.columns(len(STATES))
    for column, (code, name) in zip(columns, STATES.items(), strict=True):
        column.metric(name, f"{int(counts.get(code, 0)):,}件", border=True)
    state = data.load(queries.alert_delivery_state, SHOWN_ROWS)
    if len(state) >= SHOWN_ROWS:
        st.caption(
            f"表には失敗・未送信を先に、新しい順に {SHOWN_ROWS:,}行を表示しています"
            f"（通知全体 {sum(counts.values()):,}件、CSVも表示中の行です）。"
        )
    shown = state.assign(state=state["state"].map(STATES))
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            "alert_id": "通知ID",
            "day": st.column_config.DateColumn("日付", format="YYYY/MM/DD"),
            "kind": "種別",
            "title": st.column_config.TextColumn("内容", width="large"),
            "channel": "送信方法",
            "target": "送信先",
            "state": "状態",
            "delivered_at": st.column_config.DatetimeColumn("送信日時", format="YYYY/MM/DD HH:mm"),
            "failed_at": st.column_config.DatetimeColumn("最後の失敗", format="YYYY/MM/DD HH:mm"),
            "attempts": "失敗回数",
            "reason": "失敗の理由",
            "transient": "再試行で回復しうる",
        },
    )
    components.csv_download(state, "alert_delivery_state", key="delivery-csv")


def _audit() -> None:
    st.subheader("監査ログ")
    st.caption(
        f"アラートの対応・差し戻しとCSVの出力を、ログインした人と日時とともに記録しています"
        f"（追記のみ、新しい順に最大{AUDIT_ROWS}件）。"
    )
    log = data.audit_log(AUDIT_ROWS)
    if log.empty:
        st.info("まだ記録はありません。")
        return
    st.dataframe(
        log,
        hide_index=True,
        column_config={
            "seq": "番号",
            "happened_at": "日時",
            "actor": "操作した人",
            "role": "ロール",
            "action": "操作",
            "target": "対象",
            "detail": "メモ・期間",
        },
    )
