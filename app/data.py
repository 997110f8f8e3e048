"""Cached access to the warehouse queries for the pages: one read-only snapshot connection per
published version, and query results cached per (query, snapshot version, arguments).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from app.auth import Viewer
from insights import impact
from koe.settings import settings
from koe.teams import product_teams
from warehouse import alert_status, case_status, issue_decisions, queries
from warehouse.queries import ProductScope


def snapshot_version() -> tuple[int, int] | None:
    """The published snapshot's version, None when the pipeline has not published one yet."""
    return queries.app_snapshot_version()


VIEWER_KEY = "koe_viewer"


def use_viewer(viewer: Viewer) -> None:
    """Remember who this session is; the router calls it before a page runs."""
    st.session_state[VIEWER_KEY] = viewer


def viewer() -> Viewer:
    """The session's viewer. A page that runs before the router has set one reads nothing."""
    current = st.session_state.get(VIEWER_KEY)
    if not isinstance(current, Viewer):
        raise PermissionError("no logged-in viewer in this session")
    return current


# One connection per snapshot version and scope: after a publish the new version opens the new
# file; a product team reads through its own row-level views (warehouse.scope).
@st.cache_resource(max_entries=16, show_spinner=False)
def _reader(version: tuple[int, int], scope: ProductScope | None) -> queries.SnapshotReader:
    return queries.SnapshotReader(scope=scope)


# The first run of a query on a new snapshot can take a few seconds on a large warehouse: say so.
# Keyed by the query's name, not the function: a name is stable across reruns and reloads.
@st.cache_data(max_entries=256, show_spinner="ウェアハウスを集計しています…", show_time=True)
def _cached(
    name: str, version: tuple[int, int], scope: ProductScope | None, args: tuple[Any, ...]
) -> Any:
    # One cursor per call: Streamlit runs each browser session in its own thread.
    cursor = _reader(version, scope).cursor()
    try:
        return getattr(queries, name)(cursor, *args)
    finally:
        cursor.close()


_LATEST: dict[str, tuple[int, int]] = {}
_LATEST_LOCK = threading.Lock()


def _forget_older_snapshots(version: tuple[int, int]) -> None:
    """On the first load after a publish, drop the old snapshot's connections and results: kept,
    each publish would leave a DuckDB instance (and the replaced file) open, and results no one
    asks for again, until the caches' entry limits push them out. A session still reading the old
    connection keeps it until its query ends."""
    with _LATEST_LOCK:
        if _LATEST.get("version") == version:
            return
        if "version" in _LATEST:
            _reader.clear()
            _cached.clear()
        _LATEST["version"] = version


def _scope(version: tuple[int, int]) -> ProductScope | None:
    current = viewer()
    if not current.product_scoped:
        return None
    products = _cached("filter_values", version, None, ())["product"]
    return current.scope(products, product_teams(products, settings().product_teams))


def load(query: Callable[..., Any], *args: Any) -> Any:
    """`query(con, *args)` on the current snapshot as this session's viewer may see it, cached
    until the snapshot changes.

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
    _forget_older_snapshots(version)
    frozen = tuple(tuple(sorted(a)) if isinstance(a, list | tuple) else a for a in args)
    # st.cache_data hands out a fresh copy each call.
    return _cached(name, version, _scope(version), frozen)


def issue_impact(start, end) -> pd.DataFrame:
    """Each issue's impact over the period, highest lower bound first (`insights.impact`),
    computed from the period's impact cells and cached with them."""
    return _ranked(load(queries.impact_cells, start, end))


@st.cache_data(max_entries=64, show_spinner=False)
def _ranked(cells: pd.DataFrame) -> pd.DataFrame:
    # Keyed by the cells themselves: a new snapshot with the same counts ranks the same.
    return impact.rank_issues(cells)


# Alert status and the audit log are the app's own state, changed by people while the app runs:
# never cached. Every change records the logged-in identity.
def closed_alert_ids() -> set[str]:
    """Ids of the alerts someone has closed (dealt with)."""
    return set(alert_status.closed_alerts()["alert_id"])


def close_alerts(alert_ids: list[str], note: str | None = None) -> None:
    current = viewer()
    alert_status.close(alert_ids, current.identity, note, role=current.role_names)


def reopen_alerts(alert_ids: list[str]) -> None:
    current = viewer()
    alert_status.reopen(alert_ids, current.identity, role=current.role_names)


def record_export(table: str, detail: str | None, current: Viewer) -> None:
    """Audit one export by ``current``: which table (file), for which period."""
    alert_status.record(
        alert_status.CSV_EXPORT, [table], current.identity, current.role_names, detail
    )


# Cases are the app's own state as well: their events are read fresh on every run.
def cases(incidents, now):
    """The cases of ``incidents`` with status, owner, due time and whether overdue at ``now``."""
    return case_status.cases(incidents, now)


def case_history(incident):
    return case_status.history(incident)


def act_on_case(incident_id: str, flag: str, action: str, detail: str | None) -> None:
    """Take, note or complete a case (`case_status.TAKE`, `NOTE`, `COMPLETE`) as this viewer."""
    current = viewer()
    case_status.act(incident_id, flag, action, current.identity, detail, current.role_names)


def audit_log(limit: int = 500):
    return alert_status.audit_log(limit)


# Analysts' decisions about the issue catalogue: the app's own state too, never cached. The
# pipeline applies them at its next run (warehouse.issue_decisions).
def issue_decisions_log():
    return issue_decisions.log()


def decide(kind: str, issue_id: str, **detail) -> str:
    """Record one edit of the issue catalogue with the viewer's identity; returns its id."""
    current = viewer()
    return issue_decisions.record(kind, issue_id, current.identity, current.role_names, **detail)


def undo_decision(decision_id: str) -> None:
    current = viewer()
    issue_decisions.undo(decision_id, current.identity, current.role_names)
