"""
### koe_marts — staging + analysis → marts → insights → published snapshot; alerts sent

Runs whenever `koe_analysis` has updated the analysis tables (Asset `koe://warehouse/nlp`).

1. **build_marts** — rebuilds every `marts.*` table from SQL in one transaction: readers see
   either all old or all new marts; among them the counts per day and issue the insights read.
2. **find_insights** — emerging-issue alerts (volume rises, new issues, sentiment drops), the
   immediate safety and SNS-threat alerts, and root-cause candidates, into `insights.*`, from
   counts per day and issue; only days whose documents changed since the last run are tested
   again.
3. **publish_snapshot** — copies the finished warehouse to `<name>.snapshot.duckdb` with an
   atomic rename. The dashboard only opens that snapshot, read-only, so it keeps working while
   the pipeline writes.
4. **deliver_alerts** — sends recent alerts not sent yet: to `KOE_ALERT_WEBHOOK`, by SMTP
   (`KOE_SMTP_HOST`), or as files in `data/alerts/`. Runs after the snapshot, so the app already
   shows what the message announces.
"""

from airflow.sdk import dag, task

from pipeline.dag_defaults import ANALYSIS, DEFAULT_ARGS, MARTS, START_DATE


@task
def build_marts() -> dict:
    from pipeline.marts import build_marts as build

    counts = build()
    print(f"build_marts: {counts}")
    return counts


@task
def find_insights() -> dict:
    from pipeline.marts import find_insights as find

    found = find()
    print(f"find_insights: {found}")
    return found


@task(outlets=[MARTS])
def publish_snapshot() -> str:
    from pipeline.marts import publish_snapshot as publish

    snapshot = str(publish())
    print(f"published {snapshot}")
    return snapshot


@task
def deliver_alerts() -> dict:
    from pipeline.marts import deliver_alerts as deliver

    sent = deliver()
    print(f"deliver_alerts: {sent}")
    return sent


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
    build_marts() >> find_insights() >> publish_snapshot() >> deliver_alerts()


koe_marts()
