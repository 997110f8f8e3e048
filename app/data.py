"""Cached access to the warehouse queries for the pages: one read-only snapshot connection per
published version, and query results cached per (query, snapshot version, arguments).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from warehouse import alert_status, queries


def snapshot_version() -> tuple[int, int] | None:
    """The published snapshot's version, None when the pipeline has not published one yet."""
    return queries.app_snapshot_version()


# One connection per snapshot version: after a publish the new version opens the new file.
# Two are kept so that queries still running on the previous file finish before it is closed.
@st.cache_resource(max_entries=2, show_spinner=False)
def _reader(version: tuple[int, int]) -> queries.SnapshotReader:
    return queries.SnapshotReader()


# The first run of a query on a new snapshot can take a few seconds on a large warehouse: say so.
# Keyed by the query's name, not the function: a name is stable across reruns and reloads.
@st.cache_data(max_entries=256, show_spinner="ウェアハウスを集計しています…", show_time=True)
def _cached(name: str, version: tuple[int, int], args: tuple[Any, ...]) -> Any:
    # One cursor per call: Streamlit runs each browser session in its own thread.
    cursor = _reader(version).cursor()
    try:
        return getattr(queries, name)(cursor, *args)
    finally:
        cursor.close()


def load(query: Callable[..., Any], *args: Any) -> Any:
    """`query(con, *args)` on the current snapshot, cached until it changes.

    `query` is a function of `warehouse.queries` itself, e.g. `load(queries.issue_totals, start,
    end, channels, products)`, so finding the usages of a query finds the pages that show it.
    List arguments are passed as tuples so the cache key does not depend on widget order.
    """
    name = getattr(query, "__name__", None)
    if not isinstance(name, str) or getattr(queries, name, None) is not query:
        raise TypeError(f"data.load takes a function of warehouse.queries, not {query!r}")
    version = snapshot_version()
    if version is None:
        raise FileNotFoundError(f"no snapshot at {queries.snapshot_file()}")
    frozen = tuple(tuple(sorted(a)) if isinstance(a, list | tuple) else a for a in args)
    return _cached(name, version, frozen)  # st.cache_data hands out a fresh copy each call


# Alert status is the app's own state, changed by people while the app runs: never cached.
def closed_alert_ids() -> set[str]:
    """Ids of the alerts someone has closed (dealt with)."""
    return set(alert_status.closed_alerts()["alert_id"])


def close_alerts(alert_ids: list[str], closed_by: str) -> None:
    alert_status.close(alert_ids, closed_by)


def reopen_alerts(alert_ids: list[str]) -> None:
    alert_status.reopen(alert_ids)
