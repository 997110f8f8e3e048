"""The period picker shared by every page; the router draws it once, in the sidebar, so the
chosen period survives switching pages.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from app import data
from warehouse import queries

_PERIOD = "_koe_period"


def render_period() -> None:
    """Draw the period picker in the sidebar and remember its value for `period()`."""
    bounds = data.load(queries.data_period)
    if bounds is None:
        st.session_state[_PERIOD] = None
        return
    first, last = bounds
    with st.sidebar:
        # Keyed by the data's span: after a publish with new days the picker starts fresh
        # instead of holding a range outside the new bounds.
        picked = st.date_input(
            "期間 (period)",
            value=(first, last),
            min_value=first,
            max_value=last,
            key=f"period-{first}-{last}",
            format="YYYY/MM/DD",
        )
        st.caption(f"データのある期間: {first:%Y/%m/%d} 〜 {last:%Y/%m/%d}")
    # While a range is being picked the widget briefly holds only its first day.
    if isinstance(picked, tuple | list):
        start = picked[0] if len(picked) > 0 else first
        end = picked[1] if len(picked) > 1 else last
    else:
        start, end = picked, picked
    st.session_state[_PERIOD] = (start, end)


def period() -> tuple[date, date] | None:
    """The (start, end) chosen in the sidebar, both inclusive; None when the marts are empty."""
    return st.session_state.get(_PERIOD)


def period_caption(start: date, end: date) -> str:
    return f"期間: {start:%Y/%m/%d} 〜 {end:%Y/%m/%d}（{(end - start).days + 1}日間）"


def require_period() -> tuple[date, date]:
    """The chosen period, or an explanation and a stop when the marts hold no days yet."""
    chosen = period()
    if chosen is None:
        st.info(
            "スナップショットにはまだ集計済みのデータがありません。"
            "受信箱にデータを置いて `make pipeline` を実行してください。"
        )
        st.stop()
    return chosen
