"""よくある質問: the recurring questions and requests, for the knowledge-base owner (and the
quality team): which questions customers keep asking, ranked by volume or rise, the channels they
arrive by, how they word them (masked), and whether the calls about them were solved at first
contact; shared with the desk, their answers raise 1次解決率.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import components, data, filters, labels
from koe.vocabulary import CHANNELS, INQUIRY_KINDS
from warehouse import queries

SORTS = {"件数の多い順": "voices", "増えている順": "trend"}
DEFAULT_EXAMPLES = 5
CHANNEL_COLUMNS = {
    "call_voices": "call",
    "email_voices": "email",
    "form_voices": "form",
    "sns_voices": "sns",
}


def page() -> st.Page:
    return st.Page(render, title="よくある質問", icon=":material/quiz:", url_path="faq")


def render() -> None:
    st.title("よくある質問")
    start, end = filters.require_period()
    trend_days = queries.FAQ_TREND_DAYS
    st.caption(
        filters.period_caption(start, end)
        + "・お客様が繰り返し尋ねる質問・要望を、言い回しが違っても同じ内容ごとにまとめています"
        f"（増減は期間の最終日までの{trend_days}日間とその前の{trend_days}日間の比較、"
        "例文の個人情報はマスク済み）。"
    )
    products = _product_picker()
    questions = data.load(queries.faq_questions, start, end, products)
    coverage = data.load(queries.faq_coverage, start, end, products)
    if questions.empty:
        st.info(
            "この期間によくある質問はありません。期間を広げるか、`make pipeline` を実行してください。"
        )
        return
    _summary(questions, coverage)
    order = st.radio("並べ方", list(SORTS), horizontal=True, key="faq-sort")
    ranked = _ranked(questions, SORTS[order])
    table = _table(ranked)
    st.dataframe(table, hide_index=True, width="stretch", column_config=_columns())
    components.csv_download(
        table, "faq", (start, end), label="よくある質問をCSVでダウンロード", key="faq-csv"
    )
    _examples(ranked)


def _product_picker() -> list[str]:
    values = data.load(queries.filter_values)["product"]
    return st.multiselect(
        "製品 (products)", values, default=[], format_func=labels.product, key="faq-products"
    )


def _summary(questions: pd.DataFrame, coverage: dict[str, int]) -> None:
    calls = int(questions["calls_recorded"].sum())
    solved = int(questions["calls_resolved_first"].sum())
    left, middle, right = st.columns(3)
    left.metric("よくある質問の数", f"{len(questions):,}")
    share = coverage["in_questions"] / coverage["inquiries"] if coverage["inquiries"] else None
    middle.metric(
        "質問・要望のうちよくある質問",
        f"{coverage['in_questions']:,}件",
        None if share is None else f"{share:.0%}（全{coverage['inquiries']:,}件）",
        delta_color="off",
    )
    right.metric(
        "電話の1次解決率（よくある質問）",
        "—" if not calls else f"{solved / calls:.1%}",
        None if not calls else f"{solved:,} / {calls:,}件",
        delta_color="off",
    )


def _ranked(questions: pd.DataFrame, by: str) -> pd.DataFrame:
    """Largest first, or the fastest-rising first (ties: the larger)."""
    keys = ["voices", "trend"] if by == "voices" else ["trend", "voices"]
    return questions.sort_values([*keys, "question_id"], ascending=[False, False, True])


def channel_mix(row) -> str:
    """Each channel's share of one question's voices, largest first: 電話 60%・メール 25%…"""
    counts = {CHANNELS[c]: int(getattr(row, col)) for col, c in CHANNEL_COLUMNS.items()}
    total = sum(counts.values())
    if not total:
        return ""
    ordered = sorted(((n, name) for name, n in counts.items() if n), reverse=True)
    return "・".join(f"{name} {n / total:.0%}" for n, name in ordered)


def _table(ranked: pd.DataFrame) -> pd.DataFrame:
    """The ranking as shown and as exported: one row per recurring question."""
    return pd.DataFrame(
        {
            "順位": range(1, len(ranked) + 1),
            "よくある質問": ranked["label"].tolist(),
            "種類": [INQUIRY_KINDS.get(k, k) for k in ranked["inquiry"]],
            "製品": ranked["product"].map(labels.product).tolist(),
            "件数": ranked["voices"].tolist(),
            "直近": ranked["recent_voices"].tolist(),
            "その前": ranked["earlier_voices"].tolist(),
            "増減": ranked["trend"].tolist(),
            "チャネル": [channel_mix(r) for r in ranked.itertuples()],
            "電話": ranked["call_voices"].tolist(),
            "メール": ranked["email_voices"].tolist(),
            "フォーム": ranked["form_voices"].tolist(),
            "SNS": ranked["sns_voices"].tolist(),
            "電話の1次解決率": ranked["first_contact_resolution"].tolist(),
            "1次解決した電話": ranked["calls_resolved_first"].tolist(),
            "記録のある電話": ranked["calls_recorded"].tolist(),
            "キーワード": ranked["keywords"].map(labels.words).tolist(),
            "question_id": ranked["question_id"].tolist(),
        }
    )


def _columns() -> dict:
    return {
        "件数": st.column_config.NumberColumn("件数"),
        "増減": st.column_config.NumberColumn("増減", format="%+d"),
        "電話の1次解決率": st.column_config.ProgressColumn(
            "電話の1次解決率", format="percent", min_value=0, max_value=1
        ),
        "question_id": None,  # exported, not shown
    }


def _examples(ranked: pd.DataFrame) -> None:
    """How customers word the chosen questions: masked, shown as plain text."""
    st.subheader("お客様の言い回し（例文）")
    names = dict(zip(ranked["question_id"], ranked["label"], strict=True))
    chosen = st.multiselect(
        "例文を見る質問",
        ranked["question_id"].tolist(),
        default=ranked["question_id"].head(DEFAULT_EXAMPLES).tolist(),
        format_func=lambda qid: names.get(qid, qid),
        key="faq-examples",
    )
    if not chosen:
        st.info("例文を見たい質問を選んでください。")
        return
    examples = data.load(queries.faq_examples, chosen)
    for question_id, group in examples.groupby("question_id", sort=False):
        st.markdown(f"**{labels.markdown_text(names.get(question_id, question_id))}**")
        for row in group.itertuples():
            with st.container(border=True):
                st.caption(f"{labels.channel(row.channel)}・{labels.day(row.created_date)}")
                st.text(row.text_masked)
