"""Settings shared by koe's DAG files: where the inbox and warehouse are, and retry policy."""

import os
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
START_DATE = datetime(2026, 1, 1)  # static: Airflow must not see a moving start_date

# DuckDB allows one writer; a task that meets a lock held by another writer fails and retries.
DEFAULT_ARGS = {"owner": "koe", "retries": 2, "retry_delay": timedelta(seconds=30)}


def inbox_path() -> Path:
    return Path(os.environ.get("KOE_INBOX", REPO / "data" / "inbox"))
