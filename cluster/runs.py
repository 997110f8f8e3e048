"""koe's four DAGs run on the cluster in the pipeline's order, each triggered through the REST API
and waited for, with what ran where (the worker each task instance recorded as its hostname)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from cluster.api import Airflow

# The order `make dags` runs them in: koe_analysis and koe_marts follow their Assets, and
# koe_reports (Mondays) reads the marts.
PIPELINE = ("koe_ingest", "koe_analysis", "koe_marts", "koe_reports")


@dataclass
class DagRun:
    """One finished run: its id, state, wall time and task instances."""

    dag_id: str
    run_id: str
    state: str
    seconds: float
    task_instances: list[dict] = field(default_factory=list)

    def hosts(self, mapped_only: bool = False) -> set[str]:
        """The hostnames the run's task instances recorded (``map_index >= 0`` only, if asked)."""
        return {
            ti["hostname"]
            for ti in self.task_instances
            if ti.get("hostname") and (not mapped_only or ti["map_index"] >= 0)
        }


def run_pipeline(airflow: Airflow, timeout: float = 3600) -> Iterator[DagRun]:
    """Trigger each DAG of ``PIPELINE`` after the one before it succeeded, yielding each run as it
    finishes; a run that did not succeed is the last."""
    for dag_id in PIPELINE:
        started = time.monotonic()
        run_id = airflow.trigger(dag_id)
        run = airflow.wait(dag_id, run_id, timeout=timeout)
        yield DagRun(
            dag_id=dag_id,
            run_id=run_id,
            state=run["state"],
            seconds=time.monotonic() - started,
            task_instances=airflow.task_instances(dag_id, run_id),
        )
        if run["state"] != "success":
            return


def failed_tasks(run: DagRun) -> list[str]:
    """``task_id[map_index]`` of the run's task instances that did not succeed."""
    return [
        f"{ti['task_id']}[{ti['map_index']}]" if ti["map_index"] >= 0 else ti["task_id"]
        for ti in run.task_instances
        if ti["state"] != "success"
    ]
