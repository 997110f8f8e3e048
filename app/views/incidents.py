"""インシデント・案件: voices about the same hazard or threat as one incident, each a case the
お客様相談室 takes, notes and completes here, with its due time, its history and a short
response guide; and the emerging alerts of consecutive days as episodes. Case records are the
app's own (warehouse/case_status.py); the incidents come from the snapshot.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from app import components, data, filters, labels
from koe.response_guides import GUIDES
from koe.vocabulary import CASE_EVENTS, CASE_STATUSES, EPISODE_KINDS, FLAGS, name_of
from warehouse import case_status, queries

JST = ZoneInfo("Asia/Tokyo")
SHOWN_VOICES = 200


def page() -> st.Page:
    return st.Page(
        render, title="インシデント・案件", icon=":material/assignment:", url_path="incidents"
    )


def now() -> datetime:
    return datetime.now(JST)


def render() -> None:
    st.title("インシデント・案件")
    start, end = filters.require_period()
    st.caption(
        filters.period_caption(start, end)
        + "・同じ申告（安全・SNS拡散・法的措置）、同じ課題、同じ製品の声を1件のインシデントに"
        "まとめ、それぞれを案件として相談室が対応します。"
    )
    cases = data.cases(data.load(queries.case_incidents), now())
    _counts(cases)
    shown = cases[
        (pd.to_datetime(cases["first_day"]).dt.date <= end)
        & (pd.to_datetime(cases["latest_day"]).dt.date >= start)
    ]
    st.subheader("案件（インシデント）")
    if shown.empty:
        st.info("この期間に案件はありません。")
    else:
        table = _case_table(shown)
        st.dataframe(table.drop(columns=["incident_id"]), hide_index=True)
        components.csv_download(table, "cases", (start, end), key="cases-csv")
        _case(shown)
    _episodes(data.load(queries.episodes, start, end), (start, end))


def _counts(cases: pd.DataFrame) -> None:
    """Cases by status over every period, and how many are past their due time."""
    tiles = {name: int((cases["status"] == code).sum()) for code, name in CASE_STATUSES.items()}
    tiles["期限切れ（未完了）"] = int(cases["overdue"].sum())
    for column, (name, n) in zip(st.columns(len(tiles)), tiles.items(), strict=True):
        column.metric(name, f"{n:,}件", border=True)
    st.caption("件数は期間にかかわらず、すべての案件です。期限は最初の声から数えます。")


def _case_table(cases: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "incident_id": cases["incident_id"],
            "状態": cases["status"].map(CASE_STATUSES),
            "期限切れ": cases["overdue"].map({True: "期限切れ", False: ""}),
            "種別": cases["flag"].map(FLAGS),
            "製品": cases["product"].map(labels.product),
            "課題": cases["issue_label"].fillna("未分類"),
            "件数": cases["voices"].astype(int),
            "最初の声": _times(cases["first_at"]),
            "最新の声": _times(cases["latest_at"]),
            "チャネル": cases["channels"].map(_channels),
            "担当部署": cases["owner"],
            "期限": _times(cases["due_at"]),
        }
    ).sort_values(["期限切れ", "最新の声"], ascending=[False, False])


def _times(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, utc=True).dt.tz_convert(JST).dt.strftime("%Y/%m/%d %H:%M")


def _channels(values) -> str:
    return "、".join(labels.channel(c) for c in values) if values is not None else ""


def _name(row) -> str:
    overdue = "【期限切れ】" if row.overdue else ""
    return (
        f"{overdue}{CASE_STATUSES[row.status]}・{FLAGS[row.flag]}: {labels.product(row.product)}"
        f"（{int(row.voices)}件・最新 {pd.Timestamp(row.latest_at).tz_convert(JST):%m/%d}）"
    )


def _case(cases: pd.DataFrame) -> None:
    ordered = _case_table(cases)["incident_id"].tolist()
    rows = cases.set_index("incident_id")
    names = {row.incident_id: _name(row) for row in cases.itertuples()}
    wanted = st.query_params.get("case")
    chosen = st.selectbox(
        "案件を選択 (case)",
        ordered,
        index=ordered.index(wanted) if wanted in names else 0,
        format_func=names.get,
        key="case-pick",
    )
    if st.query_params.get("case") != chosen:
        st.query_params["case"] = chosen
    case = rows.loc[chosen].copy()
    case["incident_id"] = chosen
    with st.container(border=True):
        _case_header(chosen, case)
        _guide(case["flag"])
        _actions(chosen, case)
        _history(chosen, case)
        _voices(chosen)


def _case_header(incident_id: str, case: pd.Series) -> None:
    st.subheader(
        labels.markdown_text(f"{FLAGS[case['flag']]}: {labels.product(case['product'])}"),
        anchor=False,
    )
    st.text(
        f"課題: {case['issue_label'] if isinstance(case['issue_label'], str) else '未分類'}"
        f"　件数: {int(case['voices'])}件　チャネル: {_channels(case['channels'])}"
    )
    left, middle, right = st.columns(3)
    status = CASE_STATUSES[case["status"]]
    left.metric("状態", status + ("（期限切れ）" if case["overdue"] else ""), border=True)
    # A metric's value is Markdown, and the owner is typed by people.
    middle.metric("担当部署", labels.markdown_text(case["owner"]) or "—", border=True)
    due = pd.Timestamp(case["due_at"]).tz_convert(JST)
    right.metric("期限", f"{due:%Y/%m/%d %H:%M}", border=True)
    first = pd.Timestamp(case["first_at"]).tz_convert(JST)
    latest = pd.Timestamp(case["latest_at"]).tz_convert(JST)
    st.caption(
        f"最初の声 {first:%Y/%m/%d %H:%M}・最新の声 {latest:%Y/%m/%d %H:%M}"
        + (
            f"・担当者 {labels.markdown_text(case['taken_by'])}"
            if isinstance(case["taken_by"], str)
            else ""
        )
        + f"・案件ID {incident_id}"
    )


def _guide(flag: str) -> None:
    guide = GUIDES.get(flag)
    if guide is None:
        return
    with st.expander(f"対応の手引き: {guide.title}", expanded=True):
        st.markdown("\n".join(f"{n}. {step}" for n, step in enumerate(guide.steps, start=1)))
        st.caption(guide.caution)


def _actions(incident_id: str, case: pd.Series) -> None:
    """Take, note and complete, as the status allows; each click is an event with who and when."""
    st.caption(
        "対応者として " + labels.markdown_text(data.viewer().identity) + " を履歴に記録します。"
    )
    flag, status = case["flag"], case["status"]
    take, note, complete = st.columns(3)
    # Each action is a form: its text and its click reach the server together, in one rerun.
    if status != "done":
        with take.form(f"take-{incident_id}", border=False):
            owner = st.text_input("担当部署", value=case["owner"] or "")
            label = "担当する（対応中にする）" if status == "open" else "担当部署を変更する"
            if st.form_submit_button(label):
                _act(case_status.TAKE, incident_id, flag, owner)
    with note.form(f"note-{incident_id}", border=False, clear_on_submit=True):
        text = st.text_area("メモ", height=80)
        if st.form_submit_button("メモを追加"):
            _act(case_status.NOTE, incident_id, flag, text)
    if status == "in_progress":
        with complete.form(f"complete-{incident_id}", border=False):
            closing = st.text_input("完了時のメモ（任意）")
            if st.form_submit_button("完了にする", type="primary"):
                _act(case_status.COMPLETE, incident_id, flag, closing)
    elif status == "open":
        complete.caption("完了にするには、まず担当してください。")


def _act(action, incident_id: str, flag: str, text: str | None) -> None:
    try:
        data.act_on_case(incident_id, flag, action, text)
    except ValueError as error:  # a note without text, or a status that changed meanwhile
        st.error(f"記録できませんでした: {error}")
        return
    st.rerun()


def _history(incident_id: str, case: pd.Series) -> None:
    st.markdown("**履歴**")
    history = data.case_history(case)
    table = pd.DataFrame(
        {
            "日時": _times(history["happened_at"]),
            "操作": history["action"].map(lambda a: name_of(CASE_EVENTS, a.removeprefix("case_"))),
            "対応者": history["actor"],
            "ロール": history["role"].fillna(""),
            "内容": history["detail"].fillna(""),
        }
    )
    # A plain table: every step readable at once (and as text: notes are people's words).
    st.table(table.set_index("日時"))


def _voices(incident_id: str) -> None:
    voices = data.load(queries.incident_voices, incident_id, SHOWN_VOICES)
    with st.expander(f"この案件の声（{len(voices):,}件、マスク済み）"):
        st.dataframe(
            pd.DataFrame(
                {
                    "日時": _times(voices["created_at"]),
                    "チャネル": voices["channel"].map(labels.channel),
                    "製品": voices["product"].map(labels.product),
                    "内容（マスク済み）": voices["text_masked"],
                }
            ),
            hide_index=True,
        )


def _episodes(episodes: pd.DataFrame, period) -> None:
    """Emerging alerts of consecutive days about one subject, one line each (品質保証)."""
    st.subheader("急増・新しい課題のエピソード（品質保証）")
    st.caption(
        "同じ課題（または製品）について連続した日に出たアラートを、1つのエピソードにまとめています。"
    )
    if episodes.empty:
        st.info("この期間にエピソードはありません。")
        return
    table = pd.DataFrame(
        {
            "種別": episodes["kind"].map(EPISODE_KINDS),
            "内容": episodes["title"],
            "課題": episodes["issue_label"].fillna("—"),
            "製品": episodes["product"].map(labels.product),
            "開始": episodes["first_day"],
            "終了": episodes["last_day"],
            "日数": episodes["days"],
            "アラート数": episodes["alerts"],
            "最大倍率": episodes["peak_ratio"],
        }
    )
    st.dataframe(table, hide_index=True)
    components.csv_download(table, "episodes", period, key="episodes-csv")
