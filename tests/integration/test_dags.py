"""The DAG files parse cleanly and follow the house rules for schedules and retries."""

import pytest

from tests.support import REPO

EXPECTED = {"koe_ingest", "koe_analysis", "koe_marts", "koe_reports"}


def test_dag_folder_has_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_every_koe_dag_is_present(dagbag):
    assert set(dagbag.dag_ids) >= EXPECTED


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_dags_have_static_start_no_catchup_and_retries(dagbag, dag_id):
    dag = dagbag.get_dag(dag_id)
    assert dag.catchup is False
    assert dag.start_date is not None
    assert dag.doc_md
    for task in dag.tasks:
        assert task.retries >= 1, f"{dag_id}.{task.task_id} has no retries"


def test_dags_are_chained_by_assets(dagbag):
    """ingest → analysis → marts: each downstream DAG waits on the asset its upstream produces."""
    produced = {
        dag_id: {o.uri for t in dagbag.get_dag(dag_id).tasks for o in t.outlets}
        for dag_id in EXPECTED
    }
    for upstream, downstream in (("koe_ingest", "koe_analysis"), ("koe_analysis", "koe_marts")):
        condition = dagbag.get_dag(downstream).timetable.asset_condition
        awaited = {a.uri for a in getattr(condition, "objects", [condition])}
        assert awaited, f"{downstream} is not asset-scheduled"
        assert awaited <= produced[upstream], f"{downstream} waits on {awaited}"


def test_insights_are_found_before_the_snapshot_and_sent_after_it(dagbag):
    dag = dagbag.get_dag("koe_marts")
    order = ["build_marts", "find_insights", "publish_snapshot", "deliver_alerts"]
    for upstream, downstream in zip(order, order[1:], strict=False):
        assert dag.get_task(downstream).upstream_task_ids == {upstream}


def test_weekly_reports_run_on_monday_morning_in_japan_then_publish(dagbag):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from airflow.timetables.base import TimeRestriction

    dag = dagbag.get_dag("koe_reports")
    jst = ZoneInfo("Asia/Tokyo")
    # Wednesday 2026-11-25 → the next run is Monday 2026-11-30 06:00 JST. With catchup the
    # answer depends on `earliest` alone; without it Airflow starts from the wall clock's last
    # Monday, which matched only while that was 2026-11-30.
    after = dag.timetable.next_dagrun_info(
        last_automated_data_interval=None,
        restriction=TimeRestriction(
            earliest=datetime(2026, 11, 25, tzinfo=jst), latest=None, catchup=True
        ),
    )
    assert after.run_after.astimezone(jst) == datetime(2026, 11, 30, 6, 0, tzinfo=jst)
    assert dag.get_task("publish_snapshot").upstream_task_ids == {"write_weekly_reports"}


def test_dag_files_keep_heavy_imports_inside_tasks():
    """Parsing the DAG folder must not load the NLP stack or the warehouse driver."""
    import subprocess
    import sys

    dags = REPO / "dags"
    probe = (
        "import sys, runpy\n"
        "dags = sys.argv[1]; sys.path[:0] = [dags, sys.argv[2]]\n"
        "for name in ('koe_ingest', 'koe_analysis', 'koe_marts', 'koe_reports'):\n"
        "    runpy.run_path(dags + '/' + name + '.py')\n"
        "heavy = {'duckdb', 'sentence_transformers', 'torch', 'sudachipy', 'sklearn'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(dags), str(REPO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_warehouse_tasks_share_one_pool_and_mapped_partitions_run_outside_it(dagbag):
    """DuckDB allows one read-write process per file: every task that opens the warehouse runs
    in the one-slot pool, across DAGs; mapped partition tasks never open it and run side by side."""
    from pipeline.dag_defaults import PARTITION_POOL, WAREHOUSE_POOL

    mapped = []
    for dag_id in sorted(EXPECTED):
        for task in dagbag.get_dag(dag_id).tasks:
            if task.is_mapped:
                mapped.append(task.task_id)
                assert task.pool == PARTITION_POOL, f"{dag_id}.{task.task_id} is in {task.pool}"
            else:
                assert task.pool == WAREHOUSE_POOL, f"{dag_id}.{task.task_id} is in {task.pool}"
    assert mapped == ["analyze_partition", "mask_partition"]


def test_the_recurring_questions_follow_the_issues_and_precede_agent_qa(dagbag):
    """Each writes the warehouse, so they run one after another."""
    dag = dagbag.get_dag("koe_analysis")
    assert dag.get_task("update_questions").upstream_task_ids == {"update_issues"}
    assert dag.get_task("review_calls").upstream_task_ids == {"update_questions"}
