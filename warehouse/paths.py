"""Where the warehouse file and its published snapshot live.

The pipeline writes `warehouse_path()`; the app reads `snapshot_path()`, a copy published after
each marts build (see `warehouse.snapshot`).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def warehouse_path() -> Path:
    """The pipeline's DuckDB file: `$KOE_WAREHOUSE`, else `<repo>/data/warehouse.duckdb`."""
    configured = os.environ.get("KOE_WAREHOUSE")
    return Path(configured) if configured else REPO_ROOT / "data" / "warehouse.duckdb"


def snapshot_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The read-only copy the app opens: `<stem>.snapshot.duckdb` beside the warehouse file."""
    warehouse = Path(path) if path is not None else warehouse_path()
    return warehouse.with_name(f"{warehouse.stem}.snapshot.duckdb")


def alerts_path() -> Path:
    """Where alerts go when no webhook or SMTP server is configured: `$KOE_ALERTS_DIR`, else
    `alerts/` beside the warehouse file."""
    configured = os.environ.get("KOE_ALERTS_DIR")
    return Path(configured) if configured else warehouse_path().parent / "alerts"


def reports_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Where the weekly product-team reports are written: `$KOE_REPORTS_DIR`, else `reports/`
    beside the warehouse file at `path` (default `warehouse_path()`)."""
    configured = os.environ.get("KOE_REPORTS_DIR")
    if configured:
        return Path(configured)
    return (Path(path) if path is not None else warehouse_path()).parent / "reports"
