"""
### koe_ingest — inbox files → masked raw tables

One task per channel (`calls`, `email`, `forms`, `sns`). Each file in `data/inbox/<channel>/` is a
partition: a file already loaded with the same content hash is skipped, a changed file replaces its
earlier rows, and every file loads in its own transaction. Personal data is masked **before** the
rows reach the warehouse; unreadable records land in `raw.quarantine` with a reason.
"""

from airflow.sdk import dag, task

from pipeline.dag_defaults import CHANNELS, DEFAULT_ARGS, RAW_FEEDBACK, START_DATE


@task(outlets=[RAW_FEEDBACK])
def ingest_channel(channel: str) -> dict:
    """Load every new or changed file of one channel; returns counts for the log and XCom."""
    from pipeline.ingest import ingest_channel as step

    counts = step(channel)
    print(f"ingest {channel}: {counts}")
    return counts


@dag(
    dag_id="koe_ingest",
    schedule="@hourly",
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,  # one DuckDB writer at a time
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["koe", "ingest"],
)
def koe_ingest():
    for channel in CHANNELS:
        ingest_channel.override(task_id=f"ingest_{channel}")(channel)


koe_ingest()
