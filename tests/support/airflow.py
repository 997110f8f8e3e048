"""Running koe's real DAGs from tests: point them at an inbox and a warehouse, run with
``dag.test()``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from koe.settings import reload as reload_settings


def run_dag(dagbag, dag_id: str) -> str:
    """Run one DAG for real with dag.test(); return the run's final state."""
    dag = dagbag.get_dag(dag_id)
    assert dag is not None, f"DAG {dag_id} not found; import errors: {dagbag.import_errors}"
    run = dag.test()
    return str(run.state)


@contextmanager
def pipeline_env(inbox: Path, warehouse: Path) -> Iterator[None]:
    """Point the DAGs at `inbox` and `warehouse` for the duration of the block."""
    saved = {k: os.environ.get(k) for k in ("KOE_INBOX", "KOE_WAREHOUSE")}
    os.environ["KOE_INBOX"] = str(inbox)
    os.environ["KOE_WAREHOUSE"] = str(warehouse)
    reload_settings()
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        reload_settings()


def run_pipeline(dagbag, inbox: Path, warehouse: Path) -> None:
    """ingest → analysis → marts → weekly reports with real Airflow, each DAG run to success."""
    with pipeline_env(inbox, warehouse):
        for dag_id in ("koe_ingest", "koe_analysis", "koe_marts", "koe_reports"):
            assert run_dag(dagbag, dag_id) == "success", f"{dag_id} did not succeed"
