"""取り込み保留: records the pipeline could not read, with the reason, the source file and line,
and a masked excerpt, so someone can fix the source and reload it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import components, data
from warehouse import queries

TOP_REASONS = 20


def page() -> st.Page:
    return st.Page(render, title="取り込み保留", icon=":material/report:", url_path="quarantine")


def render() -> None:
    st.title("取り込み保留")
    st.caption(
        "形式の誤りなどで取り込めなかったレコードです。元ファイルを修正して再取り込みしてください。"
        "（期間の指定は適用されません）"
    )
    rows = data.load(queries.quarantine)
    if rows.empty:
        st.success("取り込み保留のレコードはありません。")
        return

    _counts(rows)
    _by_reason(rows)
    _records(rows)


def _counts(rows: pd.DataFrame) -> None:
    """Quarantined records and the files they came from, as two metrics."""
    files = rows["source_file"].nunique()
    first, second = st.columns(2)
    first.metric("保留レコード", f"{len(rows):,}件", border=True)
    second.metric("対象ファイル", f"{files:,}件", border=True)


def _by_reason(rows: pd.DataFrame) -> None:
    """The most frequent reasons per channel, with their record and file counts."""
    st.subheader("理由別")
    by_reason = (
        rows.groupby(["channel", "reason"], as_index=False)
        .agg(records=("quarantine_id", "size"), files=("source_file", "nunique"))
        .sort_values(["records", "channel", "reason"], ascending=[False, True, True])
        .head(TOP_REASONS)
        .rename(
            columns={
                "channel": "チャネル",
                "reason": "理由",
                "records": "件数",
                "files": "ファイル数",
            }
        )
    )
    st.table(by_reason.set_index("理由"))


def _records(rows: pd.DataFrame) -> None:
    """Every quarantined record with its source file and line, with the CSV."""
    st.subheader("保留レコードの一覧")
    st.dataframe(
        rows,
        hide_index=True,
        column_order=[
            "quarantined_at",
            "channel",
            "source_file",
            "source_line",
            "reason",
            "excerpt_masked",
        ],
        column_config={
            "quarantined_at": st.column_config.DatetimeColumn(
                "保留日時", format="YYYY/MM/DD HH:mm"
            ),
            "channel": "チャネル",
            "source_file": "ファイル",
            "source_line": st.column_config.NumberColumn("行", help="空欄はファイル全体"),
            "reason": st.column_config.TextColumn("理由", width="large"),
            "excerpt_masked": st.column_config.TextColumn("抜粋（マスク済み）", width="large"),
        },
    )
    components.csv_download(rows, "quarantine", key="quarantine-csv")
