"""The period picker shared by every page; the router draws it once, in the sidebar, so the
chosen period survives switching pages.

It opens on the last `DEFAULT_DAYS` days with data, as analytics products do: a year of a large
warehouse is many times the rows of a quarter, and most questions are about now. The whole span
is one click away, and says that it is slower.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from app import data
from warehouse import queries

_PERIOD = "_koe_period"
DEFAULT_DAYS = 90


def default_period(first: date, last: date) -> tuple[date, date]:
    """The last `DEFAULT_DAYS` days with data (all of them when there are fewer)."""
    return max(first, last - timedelta(days=DEFAULT_DAYS - 1)), last


def render_period() -> None:
    """Draw the period picker in the sidebar and remember its value for `period()`."""
    bounds = data.load(queries.data_period)
    if bounds is None:
        st.session_state[_PERIOD] = None
        return
    first, last = bounds
    # Keyed by the data's span: after a publish with new days the picker starts fresh instead of
    # holding a range outside the new bounds.
    key = f"period-{first}-{last}"
    with st.sidebar:
        picked = st.date_input(
            "期間 (period)",
            value=default_period(first, last),
            min_value=first,
            max_value=last,
            key=key,
            format="YYYY/MM/DD",
        )
        st.caption(f"データのある期間: {first:%Y/%m/%d} 〜 {last:%Y/%m/%d}")
        if default_period(first, last) != (first, last):
            left, right = st.columns(2)
            left.button(
                f"直近{DEFAULT_DAYS}日",
                key="period-recent",
                on_click=_set_period,
                args=(key, default_period(first, last)),
            )
            right.button(
                "全期間",
                key="period-all",
                on_click=_set_period,
                args=(key, (first, last)),
                help="データ全体を集計します。件数が多いと表示に時間がかかります。",
            )
            st.caption(
                f"初期表示は直近{DEFAULT_DAYS}日です。全期間は件数が多いと表示に時間がかかります。"
            )
    # While a range is being picked the widget briefly holds only its first day.
    if isinstance(picked, tuple | list):
        start = picked[0] if len(picked) > 0 else first
        end = picked[1] if len(picked) > 1 else last
    else:
        start, end = picked, picked
    st.session_state[_PERIOD] = (start, end)


def _set_period(key: str, value: tuple[date, date]) -> None:
    st.session_state[key] = value


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
