"""What koe's DAG files share: the Assets that chain them by data (ingest → analysis → marts),
the channels the ingest DAG has a task for, the start date, the retry policy and the pool that
keeps warehouse writers one at a time."""

from datetime import datetime, timedelta

from airflow.sdk import Asset

from koe.vocabulary import CHANNELS as _CHANNELS

RAW_FEEDBACK = Asset("koe://warehouse/raw", group="koe")
ANALYSIS = Asset("koe://warehouse/nlp", group="koe")
MARTS = Asset("koe://warehouse/marts", group="koe")

CHANNELS = tuple(_CHANNELS)
START_DATE = datetime(2026, 1, 1)  # static: Airflow must not see a moving start_date
# DuckDB allows one read-write process per file, so every task that opens the warehouse runs in
# a pool of one slot, across all DAGs: on a cluster, writers queue instead of failing on the lock.
# The launcher (`python -m cluster`) creates it; a deployment creates it once (README). A task that
# only writes its own partition's files (no warehouse) opts out with `pool=PARTITION_POOL`.
# `airflow dags test` and `dag.test()` run tasks whether the pool exists or not.
WAREHOUSE_POOL = "koe_warehouse"
WAREHOUSE_POOL_SLOTS = 1
PARTITION_POOL = "default_pool"
# A task that still meets a lock (another process holding the file) fails and retries.
DEFAULT_ARGS = {
    "owner": "koe",
    "retries": 2,
    "retry_delay": timedelta(seconds=30),
    "pool": WAREHOUSE_POOL,
}
