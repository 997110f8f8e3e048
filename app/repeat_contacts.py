"""The issue page's repeat contacts: how often the same customer came back about the issue, and
the customer-journey view, one pseudonymous customer's masked voices in time order (UI only).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import components, data, labels
from warehouse import queries


def render(issue_id: str) -> None:
    """The section under the issue's figures: rate, who came back, and one customer's journey."""
    st.subheader("再問い合わせ（同じお客様・同じ課題）")
    summary = data.load(queries.issue_repeat_contacts, issue_id).iloc[0]
    linked = int(summary["linked_contacts"] or 0)
    if linked == 0:
        st.info(
            "この課題には、お客様を特定できる問い合わせ（顧客ID・電話番号・メールアドレス・"
            "SNSアカウント）がありません。"
        )
        return
    window = int(summary["repeat_window_days"])
    st.caption(
        f"同じお客様（顧客ID・電話番号・メールアドレス・SNSアカウントを仮名化して照合）が、"
        f"前回から{window}日以内に同じ課題で再び問い合わせた件数です。チャネルは問いません。"
    )
    rate, repeats, customers = st.columns(3)
    rate.metric(
        "再問い合わせ率",
        labels.kpi_value("repeat_contact_rate", summary["repeat_contact_rate"]),
        border=True,
    )
    repeats.metric(
        "再問い合わせ", f"{int(summary['repeat_contacts']):,}件 / {linked:,}件", border=True
    )
    customers.metric(
        "繰り返したお客様",
        f"{int(summary['repeat_customers']):,}人 / {int(summary['customers']):,}人",
        border=True,
    )
    _journey(issue_id, data.load(queries.repeat_customers, issue_id))


def _journey(issue_id: str, customers: pd.DataFrame) -> None:
    st.markdown("**お客様ごとの経緯（カスタマージャーニー）**")
    if customers.empty:
        st.info("この課題で再び問い合わせたお客様はいません。")
        return
    names = {
        row.customer_key: (
            f"{row.customer_key}（再問い合わせ {row.repeat_contacts}回・"
            f"{'→'.join(labels.channel(c) for c in row.channels)}・最終 {labels.day(row.last_at)}）"
        )
        for row in customers.itertuples()
    }
    chosen = st.selectbox(
        "お客様（仮名）",
        list(names),
        format_func=names.get,
        key=f"journey-customer-{issue_id}",
    )
    journey = data.load(queries.customer_journey, chosen, issue_id)
    st.caption(
        f"お客様 {labels.markdown_text(chosen)} のすべての問い合わせ（{len(journey)}件）を時刻順に表示します"
        "（個人情報はマスク済み）。この課題以外の問い合わせも含みます。"
    )
    for row in journey.itertuples():
        with st.container(border=True, key=f"journey-{row.contact_number}"):
            marks = []
            if row.is_repeat_contact:
                marks.append(f"🔁 再問い合わせ（前回から{row.days_since_previous:.1f}日）")
            marks.append("この課題" if row.on_issue else "別の課題")
            st.caption(
                f"{row.contact_number}. {row.created_at:%Y/%m/%d %H:%M}・{labels.channel(row.channel)}"
                f"・{labels.markdown_text(labels.product(row.product))}"
                f"・{labels.markdown_text(row.issue_label)}・{'・'.join(marks)}"
            )
            if isinstance(row.subject_masked, str) and row.subject_masked:
                st.text(row.subject_masked)
            st.text(row.text_masked)
    components.csv_download(
        journey.drop(columns=["issue_id"]), "customer_journey", key="journey-csv"
    )
