"""
### koe_marts — staging + analysis → marts → published snapshot for the dashboard

Runs whenever `koe_analysis` has updated the analysis tables (Asset `koe://warehouse/nlp`).

1. **build_marts** — rebuilds every `marts.*` table from SQL in one transaction: readers see
   either all old or all new marts.
2. **publish_snapshot** — copies the finished warehouse to `<name>.snapshot.duckdb` with an
   atomic rename. The dashboard only opens that snapshot, read-only, so it keeps working while
   the pipeline writes.
"""

from airflow.sdk import dag, task
from koe_assets import ANALYSIS, MARTS
from koe_settings import DEFAULT_ARGS, START_DATE


@task
def build_marts() -> dict:
    from warehouse.db import connect
    from warehouse.marts import build_marts as build

    with connect() as con:
        counts = build(con)
    print(f"build_marts: {counts}")
    return counts


@task(outlets=[MARTS])
def publish_snapshot() -> str:
    from warehouse.snapshot import publish_snapshot as publish

    snapshot = str(publish())
    print(f"published {snapshot}")
    return snapshot


@dag(
    dag_id="koe_marts",
    schedule=[ANALYSIS],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["koe", "marts"],
)
def koe_marts():
    build_marts() >> publish_snapshot()


koe_marts()
