"""
### koe_reports — weekly recurring-issue reports for the product teams

Runs every Monday at 06:00 JST, after the week it reports on has ended.

1. **write_weekly_reports** — for every product team (`$KOE_PRODUCT_TEAMS`, a CSV of
   `product,team`; without it each product is its own team) and every week with data that has
   no report yet, writes one HTML and one CSV report to `data/reports/<ISO week>/` and a row to
   `insights.weekly_reports`. A week still in progress is rendered again when new days arrive;
   a finished week's report is never rewritten, so re-running never duplicates or changes it.
2. **publish_snapshot** — publishes the warehouse again so the app lists the new reports.
"""

from airflow.sdk import dag, task
from airflow.timetables.trigger import CronTriggerTimetable

from pipeline.dag_defaults import DEFAULT_ARGS, START_DATE


@task
def write_weekly_reports() -> dict:
    from pipeline.reports import write_weekly_reports as write

    written = write()
    print(f"write_weekly_reports: {written}")
    return written


@task
def publish_snapshot() -> str:
    from pipeline.reports import publish_snapshot as publish

    snapshot = str(publish())
    print(f"published {snapshot}")
    return snapshot


@dag(
    dag_id="koe_reports",
    schedule=CronTriggerTimetable("0 6 * * 1", timezone="Asia/Tokyo"),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["koe", "reports"],
)
def koe_reports():
    write_weekly_reports() >> publish_snapshot()


koe_reports()
