"""
### koe_ingest — inbox files → masked raw tables

1. **plan_ingest** — lists every channel folder of `data/inbox/` and finds the files that are new
   or changed: a file whose stat (size, mtime, ctime, inode) is as it was loaded is not even
   hashed; one whose content hash is unchanged is not read. Rows of files deleted from the inbox
   go, and mail loaded earlier gets the first responses this run's new support replies give it
   (from the thread links stored for it: its file is not read again). Writes the changed files as
   partitions to the staging folder (`KOE_STAGING_DIR`).
2. **mask_partition** (mapped, one task per partition, several at once) — reads its files with
   their channel's reader and masks personal data, **before** anything is stored; writes the
   masked records as Parquet beside the partition, never the warehouse.
3. **load_ingest** — loads every partition's records into the raw tables in one transaction: a
   changed file replaces its earlier rows, unreadable records land in `raw.quarantine` with a
   reason, and each file's count identity (read = loaded + quarantined + merged) is logged.

Only the planner and the loader write the warehouse (DuckDB allows one writer per file), one
after the other; only the mapped tasks run side by side.
"""

from airflow.sdk import dag, task

from pipeline.dag_defaults import (
    CHANNELS,
    DEFAULT_ARGS,
    PARTITION_POOL,
    RAW_FEEDBACK,
    START_DATE,
)


@task
def plan_ingest() -> list[str]:
    from pipeline.ingest import plan_ingest as step

    partitions, counts = step(CHANNELS)
    print(f"plan_ingest: {len(partitions)} partitions; {counts}")
    return partitions


# Not in the one-slot warehouse pool: it never opens the warehouse, so partitions run side by side.
@task(pool=PARTITION_POOL)
def mask_partition(partition: str) -> str:
    from pipeline.ingest import mask_partition as step

    return step(partition)


# Runs when no partition was planned too (the mapped task is then skipped, not failed).
@task(trigger_rule="none_failed", outlets=[RAW_FEEDBACK])
def load_ingest(results: list[str] | None = None) -> dict:
    from pipeline.ingest import load_ingest as step

    counts = step(list(results or []))
    print(f"load_ingest: {counts}")
    return counts


@dag(
    dag_id="koe_ingest",
    schedule="@hourly",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    max_active_tasks=4,  # the mapped partitions; the warehouse's writers run one after another
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["koe", "ingest"],
)
def koe_ingest():
    load_ingest(mask_partition.expand(partition=plan_ingest()))


koe_ingest()
