"""The issue page's editing panel: rename, merge, split, move a voice, mark as not an issue, and
the history of these edits with undo (UI only).

An edit is a decision in the app's own log (`warehouse.issue_decisions`); the pipeline applies
it at its next run, so until then it shows as 反映待ち.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import data
from koe.vocabulary import ISSUE_DECISIONS
from warehouse import queries

PENDING_NOTE = (
    "編集は次のパイプライン実行（koe_analysis：新しいデータを取り込むたび、少なくとも毎日）で"
    "課題の一覧・集計・レポートに反映されます。それまでは「反映待ち」と表示します。"
    "反映後は、追加分の割り当てでも全体の再クラスタリングでも、人の判断が優先されます。"
)


def render(issue: pd.Series, catalogue: pd.DataFrame) -> None:
    """The panel for ``issue`` (a row of `queries.issue_detail`); ``catalogue`` lists the others."""
    issue_id = issue["issue_id"]
    st.subheader("課題の編集")
    if not data.viewer().edits_issues:
        st.caption("課題の名称変更・統合・分割などは、品質チームの役割で行えます。")
        return
    st.caption(PENDING_NOTE)
    if issue["kind"] not in ("issue", "not_an_issue"):
        st.info(
            "未分類・苦情以外は編集できません。個々の声は、その声が入った課題から移動できます。"
        )
        return
    others = catalogue[(catalogue["issue_id"] != issue_id) & (catalogue["kind"] == "issue")]
    names = dict(zip(others["issue_id"], others["label"], strict=True))
    rename, merge, split, move, dismiss = st.tabs(
        [ISSUE_DECISIONS[k] for k in ("rename", "merge", "split", "move", "dismiss")]
    )
    with rename:
        label = st.text_input("新しい名称", value=issue["label"], key=f"rename-{issue_id}")
        if st.button("名称を変更する", key=f"do-rename-{issue_id}", disabled=not label.strip()):
            _decided("rename", data.decide("rename", issue_id, label=label.strip()))
    with merge:
        if not names:
            st.info("統合できる課題がほかにありません。")
        else:
            target = st.selectbox(
                "統合先の課題（この課題の声はすべて統合先に入ります）",
                list(names),
                format_func=names.get,
                key=f"merge-target-{issue_id}",
            )
            if st.button("この課題を統合する", key=f"do-merge-{issue_id}"):
                _decided("merge", data.decide("merge", issue_id, target_issue_id=target))
    with split:
        _split(issue_id)
    with move:
        _move(issue_id, names)
    with dismiss:
        st.write(
            "この課題を「課題ではない」とします。声は残りますが、課題のランキングと集計から外れます。"
        )
        if st.button("課題ではないとする", key=f"do-dismiss-{issue_id}"):
            _decided("dismiss", data.decide("dismiss", issue_id))
    _history(issue_id)


def _split(issue_id: str) -> None:
    groups = data.load(queries.issue_subgroups, issue_id)
    if groups.empty:
        st.info("分割の候補がありません（小さな課題、または次のパイプライン実行で提案されます）。")
        return
    st.write("koe が提案する小グループです。切り出すグループを選んでください。")
    for row in groups.itertuples():
        with st.container(border=True):
            st.text(f"グループ{row.subgroup + 1}: {row.label}（{row.share:.0%}）")
            examples = [] if row.examples is None else list(row.examples)
            for example in examples[:3]:
                st.text(f"・{example[:120]}")
    chosen = st.radio(
        "切り出すグループ",
        groups["subgroup"].tolist(),
        format_func=lambda g: (
            f"グループ{g + 1}: {groups.loc[groups['subgroup'] == g, 'label'].iloc[0]}"
        ),
        key=f"split-choice-{issue_id}",
    )
    picked = groups[groups["subgroup"] == chosen].iloc[0]
    label = st.text_input(
        "新しい課題の名称", value=picked["label"], key=f"split-label-{issue_id}-{chosen}"
    )
    if st.button("選んだグループを新しい課題にする", key=f"do-split-{issue_id}"):
        _decided(
            "split",
            data.decide(
                "split",
                issue_id,
                chosen=int(chosen),
                label=label.strip() or picked["label"],
                keywords=[str(k) for k in picked["keywords"]],
                centroids=[[round(float(x), 6) for x in c] for c in groups["centroid"]],
            ),
        )


def _move(issue_id: str, names: dict[str, str]) -> None:
    voices = data.load(queries.issue_examples, issue_id, 30)
    if voices.empty or not names:
        st.info("移動できる声、または移動先の課題がありません。")
        return
    texts = dict(zip(voices["feedback_id"], voices["text_masked"], strict=True))
    feedback_id = st.selectbox(
        "移動する声",
        list(texts),
        format_func=lambda f: (texts[f] or "")[:60],
        key=f"move-voice-{issue_id}",
    )
    target = st.selectbox(
        "移動先の課題", list(names), format_func=names.get, key=f"move-target-{issue_id}"
    )
    if st.button("この声を移動する", key=f"do-move-{issue_id}"):
        _decided(
            "move",
            data.decide("move", issue_id, feedback_id=feedback_id, target_issue_id=target),
        )


def _decided(kind: str, decision_id: str) -> None:
    st.session_state["koe_decided"] = (kind, decision_id)
    st.rerun()


def _history(issue_id: str) -> None:
    """This issue's edits, newest first: who, when, what, whether applied; undo for each."""
    log = data.issue_decisions_log()
    mine = log[
        (log["issue_id"] == issue_id)
        | log["detail"].map(lambda d: d.get("target_issue_id") == issue_id)
    ]
    just = st.session_state.pop("koe_decided", None)
    if just:
        st.success(
            f"編集を記録しました（{ISSUE_DECISIONS[just[0]]}・反映待ち）。"
            "次のパイプライン実行で反映されます。"
        )
    if mine.empty:
        return
    applied = data.load(queries.applied_decisions)
    done = dict(zip(applied["decision_id"], applied["not_applied"], strict=True))
    st.markdown("**編集の履歴**")
    for row in mine.itertuples():
        if row.undone:
            state = "取り消し済み"
        elif row.decision_id not in done:
            state = "反映待ち"
        else:
            state = "反映できず（課題がもうありません）" if done[row.decision_id] else "反映済み"
        left, right = st.columns([5, 1])
        left.text(
            f"{row.happened_at:%Y/%m/%d %H:%M} {row.actor}: {ISSUE_DECISIONS[row.kind]}"
            f"{_what(row.detail)} — {state}"
        )
        if not row.undone and right.button("取り消す", key=f"undo-{row.decision_id}"):
            data.undo_decision(row.decision_id)
            st.rerun()


def _what(detail: dict) -> str:
    if detail.get("label"):
        return f"「{detail['label']}」"
    return ""


def event_text(row, issue_id: str) -> str:
    """One lineage event in words: the algorithm's and people's changes alike."""
    other = row.source_label if isinstance(row.source_label, str) else row.source_issue_id
    who = "" if row.actor == "koe" else f"（{row.actor}）"
    if row.event == "created":
        return f"新しい課題として作成（{row.documents}件）"
    # A split or a merge reads from either side: this issue is the new one, or the source.
    relations = {"split": ("から分かれた", "が分かれた"), "merged": ("が合流", "に統合")}
    if row.event in relations:
        here, there = relations[row.event]
        what = (
            f"「{other}」{here}"
            if row.issue_id == issue_id
            else f"「{row.label or row.issue_id}」{there}"
        )
        return f"{what}（{row.documents}件）{who}"
    if row.event in ("renamed", "moved", "dismissed", "undone", "not_applied"):
        names = {
            "renamed": f"名称を「{row.label}」に変更",
            "moved": "声を1件移動",
            "dismissed": "課題ではないとした",
            "undone": "編集を取り消し",
            "not_applied": "編集を反映できなかった（課題がもうありません）",
        }
        return names[row.event] + who
    return "廃止（該当するお問い合わせがなくなった）"
