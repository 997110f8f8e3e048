"""Airflow's components for the cluster, configured only through ``AIRFLOW__…`` variables: the
api-server, scheduler and dag-processor, and with the CeleryExecutor two or more named workers.

Airflow 3 workers reach the metadata only through the api-server's execution API
(``execution_api_server_url``), so every component shares its JWT secret.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cluster import processes, services
from cluster.state import Config, StateDir

REPO = Path(__file__).resolve().parents[1]
EXECUTORS = {"celery": "CeleryExecutor", "local": "LocalExecutor"}
CORE = ("api-server", "scheduler", "dag-processor")
WORKER_PREFIX = "koe-worker-"
AIRFLOW_USER = "koe"


def environment(state: StateDir, config: Config, executor: str) -> dict[str, str]:
    """The environment every Airflow process of this stack runs with (koe's own ``KOE_…``
    settings come from the caller's environment: the inbox and warehouse the tasks use)."""
    api = f"http://127.0.0.1:{config.ports['api']}"
    env = dict(os.environ)
    env.pop("KOE_WORKER_NAME", None)  # only a worker has a name of its own
    env.update(
        {
            "PYTHONPATH": str(REPO),
            "AIRFLOW_HOME": str(state.airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__EXECUTOR": EXECUTORS[executor],
            "AIRFLOW__CORE__PARALLELISM": "8",
            # Every worker runs on this machine: each names itself on its task instances.
            "AIRFLOW__CORE__HOSTNAME_CALLABLE": "koe.hostname.hostname",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{api}/execution/",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{AIRFLOW_USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(_passwords_file(state)),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": services.postgres_url(config),
            "AIRFLOW__CELERY__BROKER_URL": services.redis_url(config),
            "AIRFLOW__CELERY__RESULT_BACKEND": services.postgres_url(
                config, "db+postgresql+psycopg2"
            ),
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(config.ports["api"]),
            "AIRFLOW__API__BASE_URL": api,
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API__SECRET_KEY": config.api_secret_key,
            "AIRFLOW__API_AUTH__JWT_SECRET": config.jwt_secret,
            # The launcher triggers each DAG itself, in order, so a run on the CeleryExecutor and
            # one on the LocalExecutor see the same sequence of steps; a deployment leaves the
            # hourly schedule and the Asset triggers on (README, "Deploying on a real cluster").
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
        }
    )
    return env


def _passwords_file(state: StateDir) -> Path:
    return state.airflow_home / "passwords.json"


def prepare(state: StateDir, config: Config, env: dict[str, str]) -> None:
    """Airflow's login for the launcher and the metadata schema, before any component starts."""
    passwords = _passwords_file(state)
    fd = os.open(passwords, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(f'{{"{AIRFLOW_USER}": "{config.airflow_password}"}}\n')
    log = state.log("db-migrate")
    with open(log, "wb") as out:
        done = subprocess.run(
            [sys.executable, "-m", "airflow", "db", "migrate"], env=env, stdout=out, stderr=out
        )
    if done.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed; see {log}")


def start(state: StateDir, env: dict[str, str], executor: str, workers: int) -> list[str]:
    """Start the core components and, for Celery, ``workers`` workers; returns their names."""
    airflow = [sys.executable, "-m", "airflow"]
    commands = {
        "api-server": [*airflow, "api-server", "--host", "127.0.0.1"],
        # Logs are files on this machine: no log server (it would listen on every interface).
        "scheduler": [*airflow, "scheduler", "--skip-serve-logs"],
        "dag-processor": [*airflow, "dag-processor"],
    }
    envs = {name: env for name in commands}
    if executor == "celery":
        for number in range(1, workers + 1):
            name = f"{WORKER_PREFIX}{number}"
            commands[name] = [
                *airflow,
                "celery",
                "worker",
                "--celery-hostname",
                f"{name}@%h",
                "--skip-serve-logs",
            ]
            envs[name] = {**env, "KOE_WORKER_NAME": name}
    for name, argv in commands.items():
        processes.start(
            name, argv, run_dir=state.run, log=state.log(name), env=envs[name], cwd=REPO
        )
    return list(commands)


def components(state: StateDir) -> list[str]:
    """The Airflow components this state directory has pid files for."""
    return [
        name
        for name in processes.recorded(state.run)
        if name in CORE or name.startswith(WORKER_PREFIX)
    ]


def stop(state: StateDir) -> list[str]:
    """Stop the workers first (they finish or give back their tasks), then the core."""
    names = components(state)
    ordered = [n for n in names if n.startswith(WORKER_PREFIX)] + [
        n for n in ("scheduler", "dag-processor", "api-server") if n in names
    ]
    return [name for name in ordered if processes.stop(state.run, name)]
