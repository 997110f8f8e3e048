"""How the launcher configures Airflow: loopback only, the chosen executor, named workers."""

from __future__ import annotations

from cluster import airflow_stack
from cluster.state import StateDir


def test_every_address_is_on_loopback(tmp_path):
    state = StateDir(tmp_path)
    config = state.config()
    env = airflow_stack.environment(state, config, "celery")
    api = config.ports["api"]
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == f"http://127.0.0.1:{api}/execution/"
    for key in (
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
        "AIRFLOW__CELERY__BROKER_URL",
        "AIRFLOW__CELERY__RESULT_BACKEND",
    ):
        assert "@127.0.0.1:" in env[key], key
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")


def test_the_executor_is_chosen_by_name(tmp_path):
    state = StateDir(tmp_path)
    config = state.config()
    assert (
        airflow_stack.environment(state, config, "local")["AIRFLOW__CORE__EXECUTOR"]
        == "LocalExecutor"
    )
    assert (
        airflow_stack.environment(state, config, "celery")["AIRFLOW__CORE__EXECUTOR"]
        == "CeleryExecutor"
    )


def test_task_instances_record_koes_hostname_callable(tmp_path, monkeypatch):
    monkeypatch.setenv("KOE_WORKER_NAME", "leaked-from-the-caller")
    state = StateDir(tmp_path)
    env = airflow_stack.environment(state, state.config(), "celery")
    assert env["AIRFLOW__CORE__HOSTNAME_CALLABLE"] == "koe.hostname.hostname"
    assert "KOE_WORKER_NAME" not in env  # only a worker gets a name
