"""The pipeline on a real Celery cluster (PostgreSQL, Redis, the api-server, scheduler,
dag-processor and two Celery workers on 127.0.0.1) builds the same warehouse as the same
launcher with the LocalExecutor, on the same inbox, and its mapped tasks spread over the workers.

`make test-cluster` runs it (marker ``cluster``): it starts the stack twice and runs every DAG.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from cluster import processes, stack
from cluster.airflow_stack import WORKER_PREFIX
from cluster.runs import PIPELINE, failed_tasks, run_pipeline
from cluster.state import StateDir
from tests.support import REPO
from warehouse.__main__ import describe
from warehouse.db import connect
from warehouse.issues import current_assignment, known_issues

pytestmark = pytest.mark.cluster

WORKERS = 2
# About 170 documents: partitions of 45 make four mapped analysis tasks, two for each worker.
PARTITION_SIZE = 45


def _launch(state: Path, *args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cluster", "--state", str(state), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"python -m cluster {' '.join(args)}:\n{done.stdout}{done.stderr}"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """{executor: (warehouse, [DagRun])}: the four DAGs on the LocalExecutor, then on Celery with
    the same PostgreSQL, each into its own warehouse from the same inbox."""
    work = tmp_path_factory.mktemp("cluster")
    inbox = work / "inbox"
    subprocess.run(
        [sys.executable, "-m", "sample", "--out", str(inbox), "--days", "5", "--per-day", "30"]
        + ["--seed", "3"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    # Not under pytest's own temporary root (mode 0700): under root, PostgreSQL runs as its own
    # user and must reach its data directory.
    state = Path(tempfile.mkdtemp(prefix="koe-cluster-"))
    found, started = {}, {}
    try:
        for executor in ("local", "celery"):
            warehouse = work / executor / "koe.duckdb"
            env = {
                **os.environ,
                "KOE_INBOX": str(inbox),
                "KOE_WAREHOUSE": str(warehouse),
                "KOE_PARTITION_SIZE": str(PARTITION_SIZE),
            }
            _launch(state, "up", "--executor", executor, "--workers", str(WORKERS), env=env)
            done = list(run_pipeline(stack.client(StateDir(state)), timeout=1800))
            found[executor] = (warehouse, done)
        started = stack.status(StateDir(state))
        yield found
    finally:
        _launch(state, "down", env=dict(os.environ))
        shutil.rmtree(state, ignore_errors=True)
    # `down` stopped every process the launcher had started (PostgreSQL, Redis, Airflow).
    assert {"postgres", "redis", "scheduler", "koe-worker-1"} <= started.keys()
    left = [name for name, pid in started.items() if pid and processes.alive(pid)]
    assert not left, f"still running after down: {left}"


@pytest.mark.parametrize("executor", ["local", "celery"])
def test_every_dag_succeeds_in_order(runs, executor):
    _, done = runs[executor]
    assert [run.dag_id for run in done] == list(PIPELINE)
    for run in done:
        assert run.state == "success", f"{run.dag_id} on {executor}: failed {failed_tasks(run)}"


def test_celery_tasks_ran_on_the_named_workers_and_local_ones_did_not(runs):
    workers = {f"{WORKER_PREFIX}{n}" for n in range(1, WORKERS + 1)}
    celery_hosts = set().union(*(run.hosts() for run in runs["celery"][1]))
    local_hosts = set().union(*(run.hosts() for run in runs["local"][1]))
    assert celery_hosts <= workers
    assert len(celery_hosts) >= 2, f"every task ran on {celery_hosts}"
    assert not local_hosts & workers


def test_mapped_tasks_ran_on_more_than_one_worker(runs):
    mapped = [ti for run in runs["celery"][1] for ti in run.task_instances if ti["map_index"] >= 0]
    assert mapped, "no mapped task instance ran"
    hosts = {ti["hostname"] for ti in mapped}
    assert len(hosts) >= 2, f"{len(mapped)} mapped task instances all ran on {hosts}"


def _warehouse(path: Path) -> dict:
    with connect(path, read_only=True) as con:
        return {
            "rows": {relation: count for relation, _, count in describe(con)},
            "issues": sorted(issue.issue_id for issue in known_issues(con)),
            "assignment": current_assignment(con),
        }


def test_the_celery_warehouse_equals_the_local_one(runs):
    local, celery = _warehouse(runs["local"][0]), _warehouse(runs["celery"][0])
    assert local["rows"]["raw.feedback"] > 100, "the inbox did not load"
    assert local["issues"], "no issue was found"
    assert celery["rows"] == local["rows"]
    assert celery["issues"] == local["issues"]
    assert celery["assignment"] == local["assignment"]
