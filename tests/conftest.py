"""Session-wide setup: an isolated Airflow home and, built once, a warehouse made by the real DAGs.

Airflow reads its configuration at import time, so the environment is set here, before any test
module imports airflow.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="koe-airflow-"))

os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Tests must never touch the developer's demo warehouse.
os.environ["KOE_WAREHOUSE"] = str(_AIRFLOW_HOME / "unused.duckdb")

# The small generated inbox the end-to-end and browser tests share.
PIPELINE_DAYS = 21
PIPELINE_PER_DAY = 30
PIPELINE_SEED = 11


@pytest.fixture(scope="session")
def airflow_db() -> Path:
    """A migrated SQLite metadata database for dag.test()."""
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        check=True,
        capture_output=True,
        env=os.environ.copy(),
    )
    return _AIRFLOW_HOME


@pytest.fixture(scope="session")
def dagbag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def run_dag(dagbag, dag_id: str) -> str:
    """Run one DAG for real with dag.test(); return the run's final state."""
    dag = dagbag.get_dag(dag_id)
    assert dag is not None, f"DAG {dag_id} not found; import errors: {dagbag.import_errors}"
    run = dag.test()
    return str(run.state)


@pytest.fixture(scope="session")
def sample_inbox(tmp_path_factory) -> Path:
    """A small generated inbox with its planted ground truth."""
    out = tmp_path_factory.mktemp("inbox")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ingest.sample",
            "--out",
            str(out),
            "--days",
            str(PIPELINE_DAYS),
            "--per-day",
            str(PIPELINE_PER_DAY),
            "--seed",
            str(PIPELINE_SEED),
        ],
        check=True,
        cwd=REPO,
    )
    return out


@pytest.fixture(scope="session")
def insights_sample(tmp_path_factory) -> tuple[Path, dict]:
    """60 days × 60 a day through every step (tests/planted.py): (warehouse, ground truth)."""
    from tests.planted import build_insights_sample

    return build_insights_sample(tmp_path_factory.mktemp("insights"))


@contextmanager
def pipeline_env(inbox: Path, warehouse: Path) -> Iterator[None]:
    """Point the DAGs at `inbox` and `warehouse` for the duration of the block."""
    saved = {k: os.environ.get(k) for k in ("KOE_INBOX", "KOE_WAREHOUSE")}
    os.environ["KOE_INBOX"] = str(inbox)
    os.environ["KOE_WAREHOUSE"] = str(warehouse)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_pipeline(dagbag, inbox: Path, warehouse: Path) -> None:
    """ingest → analysis → marts → weekly reports with real Airflow, each DAG run to success."""
    with pipeline_env(inbox, warehouse):
        for dag_id in ("koe_ingest", "koe_analysis", "koe_marts", "koe_reports"):
            assert run_dag(dagbag, dag_id) == "success", f"{dag_id} did not succeed"


@pytest.fixture(scope="session")
def pipeline_warehouse(dagbag, sample_inbox, tmp_path_factory) -> Path:
    """Run ingest → analysis → marts → reports with real Airflow into a temporary DuckDB file."""
    warehouse = tmp_path_factory.mktemp("warehouse") / "koe.duckdb"
    run_pipeline(dagbag, sample_inbox, warehouse)
    return warehouse


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright (tests/browser.py)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    from tests.browser import RENDER_TIMEOUT_MS

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    yield page
    context.close()
