"""The app's own record: an append-only audit log of what people did, and from it which alerts
are closed. The support office closes an alert in the app once it has acted on it, and can open
it again; both are events in the log, as is every CSV export.

The app is the only writer of this state, so it lives in its own small DuckDB file beside the
snapshot the app reads (`<warehouse>.alert_status.duckdb`, or `$KOE_ALERT_STATUS`), never in the
warehouse the pipeline owns: the pipeline rebuilds alerts from data, and a person's decision must
survive that. Alert ids are stable across recomputation, so a closed alert stays closed.

Nothing here updates or deletes a row: reopening adds an event, so the log shows who closed an
alert, who opened it again and when.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from koe.settings import settings
from warehouse.db import sql

# Streamlit serves each browser session in its own thread; one writer at a time.
_LOCK = threading.Lock()

CLOSE, REOPEN, CSV_EXPORT = "alert_close", "alert_reopen", "csv_export"


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(sql("alert_status/schema"))
    return con


def _path(path: str | os.PathLike[str] | None) -> Path:
    return Path(path) if path else settings().alert_status


def closed_alerts(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """alert_id, closed_at, closed_by, note of every closed alert; empty before the first close."""
    target = _path(path)
    if not target.is_file():
        return pd.DataFrame(columns=["alert_id", "closed_at", "closed_by", "note"])
    with _LOCK, _open(target) as con:
        return con.execute(sql("alert_status/closed")).df()


def close(
    alert_ids: Iterable[str],
    actor: str,
    note: str | None = None,
    path: str | os.PathLike[str] | None = None,
    role: str | None = None,
) -> None:
    """Mark the alerts as dealt with; one already closed keeps who closed it first."""
    with _LOCK, _open(_path(path)) as con:
        closed = set(con.execute(sql("alert_status/closed")).df()["alert_id"])
        _record(con, CLOSE, [a for a in alert_ids if a not in closed], actor, role, note)


def reopen(
    alert_ids: Iterable[str],
    actor: str,
    path: str | os.PathLike[str] | None = None,
    role: str | None = None,
) -> None:
    """Open the alerts again (an event in the log; the close stays on record)."""
    with _LOCK, _open(_path(path)) as con:
        closed = set(con.execute(sql("alert_status/closed")).df()["alert_id"])
        _record(con, REOPEN, [a for a in alert_ids if a in closed], actor, role, None)


def record(
    action: str,
    targets: Iterable[str],
    actor: str,
    role: str | None = None,
    detail: str | None = None,
    path: str | os.PathLike[str] | None = None,
) -> int | None:
    """Append one event per target (an export, a later editing action) to the audit log;
    returns the last event's sequence number (None when there was no target)."""
    targets = list(targets)
    with _LOCK, _open(_path(path)) as con:
        _record(con, action, targets, actor, role, detail)
        return con.execute("SELECT max(seq) FROM audit_log").fetchone()[0] if targets else None


def issue_events(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every analyst's decision about the issue catalogue and every undo, oldest first (see
    `warehouse.issue_decisions`): seq, happened_at, actor, action, target, detail."""
    target = _path(path)
    if not target.is_file():
        return pd.DataFrame(columns=["seq", "happened_at", "actor", "action", "target", "detail"])
    with _LOCK, _open(target) as con:
        return con.execute(sql("alert_status/issue_decisions")).df()


def audit_log(limit: int = 500, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The newest ``limit`` events: seq, happened_at, actor, role, action, target, detail."""
    target = _path(path)
    if not target.is_file():
        columns = ["seq", "happened_at", "actor", "role", "action", "target", "detail"]
        return pd.DataFrame(columns=columns)
    with _LOCK, _open(target) as con:
        return con.execute(sql("alert_status/audit_log"), {"limit": limit}).df()


@contextmanager
def store(path: str | os.PathLike[str] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The app's own file, held by this thread alone until the block ends, so that a check of the
    log and the event it allows are one step (warehouse/case_status.py)."""
    with _LOCK, _open(_path(path)) as con:
        yield con


def append(
    con: duckdb.DuckDBPyConnection,
    action: str,
    targets: list[str],
    actor: str,
    role: str | None = None,
    detail: str | None = None,
) -> None:
    """Append one event per target on a connection of `store`."""
    _record(con, action, targets, actor, role, detail)


def _record(
    con: duckdb.DuckDBPyConnection,
    action: str,
    targets: list[str],
    actor: str,
    role: str | None,
    detail: str | None,
) -> None:
    if not actor.strip():
        raise ValueError("an audited action needs the identity of who did it")
    if not targets:
        return
    con.execute(
        sql("alert_status/record"),
        {
            "actor": actor.strip(),
            "role": role,
            "action": action,
            "targets": targets,
            "detail": detail or None,
        },
    )
