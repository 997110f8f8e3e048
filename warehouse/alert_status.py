"""Which alerts are still open. The support office closes an alert in the app once it has acted
on it, and can open it again.

The app is the only writer of this state, so it lives in its own small DuckDB file beside the
snapshot the app reads (`<warehouse>.alert_status.duckdb`, or `$KOE_ALERT_STATUS`), never in the
warehouse the pipeline owns: the pipeline rebuilds alerts from data, and a person's decision must
survive that. Alert ids are stable across recomputation, so a closed alert stays closed.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb
import pandas as pd

from koe.settings import settings
from warehouse.db import sql

# Streamlit serves each browser session in its own thread; one writer at a time.
_LOCK = threading.Lock()


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(sql("alert_status/schema"))
    return con


def closed_alerts(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """alert_id, closed_at, closed_by, note of every closed alert; empty before the first close."""
    target = Path(path) if path else settings().alert_status
    if not target.is_file():
        return pd.DataFrame(columns=["alert_id", "closed_at", "closed_by", "note"])
    with _LOCK, _open(target) as con:
        return con.execute(sql("alert_status/closed")).df()


def close(
    alert_ids: list[str],
    closed_by: str,
    note: str | None = None,
    path: str | os.PathLike[str] | None = None,
) -> None:
    """Mark the alerts as dealt with."""
    if not alert_ids:
        return
    if not closed_by.strip():
        raise ValueError("closing an alert needs the name of who closed it")
    with _LOCK, _open(Path(path) if path else settings().alert_status) as con:
        con.execute(
            sql("alert_status/close"),
            {"alert_ids": list(alert_ids), "closed_by": closed_by.strip(), "note": note or None},
        )


def reopen(alert_ids: list[str], path: str | os.PathLike[str] | None = None) -> None:
    """Open the alerts again."""
    if not alert_ids:
        return
    with _LOCK, _open(Path(path) if path else settings().alert_status) as con:
        con.execute(sql("alert_status/reopen"), {"alert_ids": list(alert_ids)})
