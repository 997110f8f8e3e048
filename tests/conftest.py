"""Session-wide setup: an isolated Airflow home and, built once, a warehouse made by the real DAGs.

Airflow reads its configuration at import time, so the environment is set here, before any test
module imports airflow.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from koe.settings import reload as reload_settings
from tests.support import REPO
from tests.support.airflow import run_pipeline

_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="koe-airflow-"))

os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# Tests mask invented data: the public development pseudonym key is allowed (tests of the
# refusal take it away with monkeypatch).
os.environ.setdefault("KOE_ALLOW_DEV_PSEUDONYM_KEY", "1")
# The sample maker's support office answers from its own domain (sample/catalog.py).
os.environ.setdefault("KOE_SUPPORT_ADDRESSES", "@kotoha-denki.example.jp")
# Tests must never touch the developer's demo warehouse.
os.environ["KOE_WAREHOUSE"] = str(_AIRFLOW_HOME / "unused.duckdb")


@pytest.fixture(autouse=True)
def _settings_follow_the_environment():
    """koe reads its settings once per process; a test that changes the environment (monkeypatch)
    sees its change after `reload_settings()`, and the next test starts from the real one."""
    yield
    reload_settings()


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


@pytest.fixture(scope="session")
def sample_inbox(tmp_path_factory) -> Path:
    """A small generated inbox with its planted ground truth."""
    out = tmp_path_factory.mktemp("inbox")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sample",
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
    from tests.support.planted import build_insights_sample

    return build_insights_sample(tmp_path_factory.mktemp("insights"))


@pytest.fixture(scope="session")
def pipeline_warehouse(dagbag, sample_inbox, tmp_path_factory) -> Path:
    """Run ingest → analysis → marts → reports with real Airflow into a temporary DuckDB file."""
    warehouse = tmp_path_factory.mktemp("warehouse") / "koe.duckdb"
    run_pipeline(dagbag, sample_inbox, warehouse)
    return warehouse
