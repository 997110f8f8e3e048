"""課題の詳細: one issue's label, keywords, masked representative examples, timeline (the chosen
period shaded), its channel / product breakdown over the period, repeat contacts with one
customer's journey, root-cause candidates, key phrases, related issues and lineage. The issue comes from `?issue=<issue_id>` or the picker.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from app import components, data, filters, issue_editing, labels, repeat_contacts
from warehouse import queries

EXAMPLES = 8


def page() -> st.Page:
    return st.Page(render, title="課題の詳細", icon=":material/topic:", url_path="issue")


def render() -> None:
    st.title("課題の詳細")
    catalogue = data.load(queries.issue_catalogue)
    if int(catalogue["feedback_count"].sum()) == 0:
        st.info("まだ課題がありません。`make pipeline` を実行すると課題が抽出されます。")
        return
    issue_id = _pick_issue(catalogue)
    detail = data.load(queries.issue_detail, issue_id)
    if detail.empty:  # the snapshot changed under the picker
        st.warning("この課題は最新のデータにはありません。別の課題を選んでください。")
        return
    _summary(detail.iloc[0])

    st.subheader("代表的なお問い合わせ（個人情報はマスク済み）")
    _examples(data.load(queries.issue_examples, issue_id, EXAMPLES))

    _timeline_and_breakdown(issue_id, filters.period())
    repeat_contacts.render(issue_id)
    _causes_and_phrases(data.load(queries.issue_root_causes, issue_id))

    st.subheader("関連する課題")
    _related(data.load(queries.related_issues, issue_id))

    st.subheader("課題の変遷")
    _lineage(data.load(queries.issue_lineage, issue_id), issue_id)

    issue_editing.render(detail.iloc[0], catalogue)


def _summary(issue: pd.Series) -> None:
    """The issue's label, what kind it is, keywords, headline figures and main product."""
    st.header(labels.markdown_text(issue["label"]))
    if issue["kind"] == "unclassified":
        st.caption("どの課題にも当てはまらなかった苦情です。似た声が増えると新しい課題になります。")
    elif issue["kind"] == "not_complaint":
        st.caption(
            "お礼・質問・要望など、苦情ではないお問い合わせです。課題の集計には含めていません。"
        )
    keywords = labels.words(issue["keywords"])
    if keywords:
        st.markdown(f"**キーワード:** {labels.markdown_text(keywords)}")

    first, second, third = st.columns(3)
    first.metric("件数（全期間）", f"{int(issue['feedback_count']):,}件", border=True)
    share = issue["negative_share"]
    second.metric(
        "ネガティブ比率", "—" if labels.is_missing(share) else f"{share:.0%}", border=True
    )
    third.metric(
        "期間",
        f"{labels.day(issue['first_seen'])} 〜 {labels.day(issue['last_seen'])}",
        border=True,
    )
    st.caption(
        f"主な製品: {labels.markdown_text(labels.product(issue['top_product']))}"
        f"・主なチャネル: {labels.channel(issue['top_channel'])}"
    )


def _timeline_and_breakdown(issue_id: str, chosen) -> None:
    """The whole timeline (chosen period shaded) beside the chosen period's breakdown."""
    left, right = st.columns(2)
    with left:
        st.subheader("件数の推移（全期間、選択期間を網掛け）")
        _timeline(data.load(queries.issue_timeline, issue_id), chosen)
    with right:
        if chosen:
            st.subheader("チャネル・製品別（選択期間）")
            st.caption(filters.period_caption(*chosen))
            _breakdown(data.load(queries.issue_breakdown, issue_id, *chosen), chosen)
        else:
            st.subheader("チャネル・製品別（全期間）")
            _breakdown(data.load(queries.issue_breakdown, issue_id), None)


def _causes_and_phrases(causes: pd.DataFrame) -> None:
    """Root-cause candidates (over-represented attributes), then over-represented phrases."""
    st.subheader("原因の候補")
    st.caption(
        "この課題に偏って多い属性（ロット・ファームウェア・アプリのバージョン・チャネル・地域・週）です。"
        "同じ製品の他の苦情と比べ、Fisherの正確検定とBenjamini–Hochberg補正（q ≤ 0.05）で選んでいます。"
    )
    _root_causes(causes[causes["attribute"] != "phrase"], "root-causes")
    st.subheader("よく一緒に出る表現")
    _root_causes(causes[causes["attribute"] == "phrase"], "key-phrases")


def _pick_issue(catalogue: pd.DataFrame) -> str:
    ids = catalogue["issue_id"].tolist()
    names = {
        row.issue_id: f"{row.label}（{row.feedback_count}件）" for row in catalogue.itertuples()
    }
    wanted = st.query_params.get("issue")
    if wanted is not None and wanted not in names:
        st.warning("URLで指定された課題が見つかりません。一覧から選んでください。")
    chosen = st.selectbox(
        "課題を選択 (issue)",
        ids,
        index=ids.index(wanted) if wanted in names else 0,
        format_func=names.get,
    )
    # Keep the URL shareable: it always names the issue on screen.
    if st.query_params.get("issue") != chosen:
        st.query_params["issue"] = chosen
    return chosen


def _examples(examples: pd.DataFrame) -> None:
    if examples.empty:
        st.info("表示できるお問い合わせはありません。")
        return
    for example in examples.itertuples():
        with st.container(border=True):
            badge = "代表例・" if example.representative else ""
            flags = labels.flag_names(example.flags)
            st.caption(
                f"{badge}{example.created_at:%Y/%m/%d %H:%M}・{labels.channel(example.channel)}"
                f"・{labels.markdown_text(labels.product(example.product))}"
                f"・{labels.sentiment(example.sentiment)}" + (f"・⚠ {flags}" if flags else "")
            )
            if isinstance(example.subject_masked, str) and example.subject_masked:
                st.markdown(f"**{labels.markdown_text(example.subject_masked)}**")
            st.text(example.text_masked)


def _timeline(timeline: pd.DataFrame, chosen) -> None:
    if timeline.empty:
        st.info("件数の記録がありません。")
        return
    long = timeline.assign(other=timeline["feedback_count"] - timeline["negative_count"])
    long = long.melt(
        id_vars="day", value_vars=["negative_count", "other"], var_name="kind", value_name="n"
    )
    long["kind"] = long["kind"].map({"negative_count": "ネガティブ", "other": "その他"})
    chart = px.bar(
        long,
        x="day",
        y="n",
        color="kind",
        color_discrete_map={"ネガティブ": "#d62728", "その他": "#9ecae1"},
        labels={"day": "日付", "n": "件数", "kind": ""},
    )
    if chosen:
        chart.add_vrect(
            x0=pd.Timestamp(chosen[0]) - pd.Timedelta(hours=12),
            x1=pd.Timestamp(chosen[1]) + pd.Timedelta(hours=12),
            fillcolor="#ffd966",
            opacity=0.25,
            line_width=0,
        )
    chart.update_layout(height=320, margin=dict(t=10, b=10))
    chart.update_xaxes(tickformat="%m/%d")
    st.plotly_chart(chart, key="issue-timeline")


def _breakdown(breakdown: pd.DataFrame, chosen) -> None:
    if breakdown.empty:
        st.info("この期間のお問い合わせはありません。" if chosen else "内訳の記録がありません。")
        return
    table = breakdown.assign(
        channel=breakdown["channel"].map(labels.channel),
        product=breakdown["product"].map(labels.product),
    )
    chart = px.bar(
        table,
        x="feedback_count",
        y="product",
        color="channel",
        orientation="h",
        labels={"feedback_count": "件数", "product": "", "channel": "チャネル"},
    )
    chart.update_layout(height=320, margin=dict(t=10, b=10))
    st.plotly_chart(chart, key="issue-breakdown")
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "channel": "チャネル",
            "product": "製品",
            "feedback_count": st.column_config.NumberColumn("件数"),
            "negative_count": st.column_config.NumberColumn("ネガティブ件数"),
        },
    )
    components.csv_download(table, "issue_breakdown", chosen, key="breakdown-csv")


def _related(related: pd.DataFrame) -> None:
    if related.empty:
        st.info("同じお客様からの申告やキーワードを共有する課題はありません。")
        return
    st.caption("同じお客様が申告した課題、キーワードを共有する課題の順です。")
    for row in related.itertuples():
        reasons = []
        if row.shared_customers:
            reasons.append(f"同じお客様 {row.shared_customers}人")
        if len(row.shared_keywords):
            reasons.append("共通のキーワード: " + labels.words(row.shared_keywords))
        st.page_link(
            page(),
            label=labels.markdown_text(
                f"{row.label}（{row.feedback_count}件・{labels.product(row.top_product)}）"
                f" — {'・'.join(reasons)}"
            ),
            query_params={"issue": row.issue_id},
        )


def _root_causes(causes: pd.DataFrame, key: str) -> None:
    if causes.empty:
        st.info("同じ製品の他の苦情と比べて、偏って多いものは見つかりませんでした。")
        return
    top = causes.iloc[0]
    lift = "—" if labels.is_missing(top["lift"]) else f"{top['lift']:.1f}"
    if top["attribute"] == "phrase":
        lead = f"最も偏って多い表現: {labels.markdown_text(str(top['value']))}"
    else:
        attribute = labels.root_cause_attribute(top["attribute"])
        lead = f"第1候補: {attribute} = {labels.markdown_text(str(top['value']))}"
    st.markdown(
        f"**{lead}**"
        f"（この課題の{top['count'] / top['issue_docs']:.0%}・"
        f"他の苦情の{top['reference_count'] / top['reference_docs']:.0%}・リフト {lift}・"
        f"初出 {labels.day(top['onset'])}）"
    )
    table = pd.DataFrame(
        {
            "rank": causes["rank"],
            "attribute": causes["attribute"].map(labels.root_cause_attribute),
            "value": causes["value"],
            "count": causes["count"],
            "share": causes["count"] / causes["issue_docs"],
            "reference_share": causes["reference_count"] / causes["reference_docs"],
            "lift": causes["lift"],
            "q_value": causes["q_value"],
            "onset": causes["onset"],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "rank": st.column_config.NumberColumn("順位"),
            "attribute": "属性",
            "value": "値",
            "count": st.column_config.NumberColumn("件数"),
            "share": st.column_config.NumberColumn("この課題での割合", format="percent"),
            "reference_share": st.column_config.NumberColumn("他の苦情での割合", format="percent"),
            "lift": st.column_config.NumberColumn(
                "リフト", format="%.2f", help="割合の比。空欄は他の苦情に一度も出ない値"
            ),
            "q_value": st.column_config.NumberColumn("q値", format="%.1e"),
            "onset": st.column_config.DateColumn("初出", format="YYYY/MM/DD"),
        },
        key=key,
    )
    components.csv_download(table, key, key=f"{key}-csv")


_MODES = {
    "full": "全体の再クラスタリング",
    "incremental": "追加分の割り当て",
    "decisions": "編集の反映",
}


def _lineage(lineage: pd.DataFrame, issue_id: str) -> None:
    """The algorithm's changes and people's edits side by side, newest first."""
    if lineage.empty:
        st.info("この課題には、作成以後の分割・統合・編集の記録はありません。")
        return
    for row in lineage.itertuples():
        st.markdown(
            f"- {row.run_at:%Y/%m/%d %H:%M}（{_MODES.get(row.mode, row.mode)}）: "
            + labels.markdown_text(issue_editing.event_text(row, issue_id))
        )
