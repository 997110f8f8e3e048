"""What koe's DAG files share: the Assets that chain them by data (ingest → analysis → marts),
the channels the ingest DAG has a task for, and the start date and retry policy."""

from datetime import datetime, timedelta

from airflow.sdk import Asset

from koe.vocabulary import CHANNELS as _CHANNELS

RAW_FEEDBACK = Asset("koe://warehouse/raw", group="koe")
ANALYSIS = Asset("koe://warehouse/nlp", group="koe")
MARTS = Asset("koe://warehouse/marts", group="koe")

CHANNELS = tuple(_CHANNELS)
START_DATE = datetime(2026, 1, 1)  # static: Airflow must not see a moving start_date
# DuckDB allows one writer; a task that meets a lock held by another writer fails and retries.
DEFAULT_ARGS = {"owner": "koe", "retries": 2, "retry_delay": timedelta(seconds=30)}
