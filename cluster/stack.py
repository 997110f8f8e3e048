"""The whole stack up and down: services first (PostgreSQL, Redis for Celery), Airflow's schema,
the warehouse pool, then the components; stopping goes the other way and touches only processes
this state directory's pid files name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cluster import airflow_stack, processes, services
from cluster.api import Airflow
from cluster.state import StateDir

STARTUP_TIMEOUT = 300  # s: a first start migrates the schema and parses the DAGs on 2 busy cores


@dataclass(frozen=True)
class Stack:
    """A running stack: where it keeps its state, which executor it runs, its REST API."""

    state: StateDir
    executor: str
    airflow: Airflow
    components: tuple[str, ...]


def client(state: StateDir) -> Airflow:
    config = state.config()
    return Airflow(
        base=f"http://127.0.0.1:{config.ports['api']}",
        user=airflow_stack.AIRFLOW_USER,
        password=config.airflow_password,
    )


def up(state: StateDir, executor: str = "celery", workers: int = 2) -> Stack:
    """Start what is not running yet; Airflow's components are restarted so that they run
    ``executor`` with the caller's environment (the inbox and warehouse the tasks use)."""
    if executor == "celery" and workers < 1:
        raise ValueError("the CeleryExecutor needs at least one worker")
    state.prepare()
    config = state.config()
    services.start_postgres(state, config)
    if executor == "celery":
        services.start_redis(state, config)
    elif processes.running(state.run, "redis") is not None:
        processes.stop(state.run, "redis")  # the LocalExecutor has no broker
    airflow_stack.stop(state)
    env = airflow_stack.environment(state, config, executor)
    airflow_stack.prepare(state, config, env)
    started = datetime.now(UTC)
    names = airflow_stack.start(state, env, executor, workers)
    airflow = client(state)
    try:
        processes.wait_until(airflow.healthy, "the api-server", timeout=STARTUP_TIMEOUT)
        for dag_id in _pipeline_dags():
            processes.wait_until(
                lambda dag_id=dag_id: airflow.dag_parsed(dag_id, since=started),
                f"the dag-processor to parse {dag_id}",
                timeout=STARTUP_TIMEOUT,
                interval=2,
            )
        _create_pools(airflow)
        _check_alive(state, names)
    except BaseException:
        for name in names:
            if processes.running(state.run, name) is None:
                print(f"{name} is not running; its log: {state.log(name)}")
        raise
    return Stack(state=state, executor=executor, airflow=airflow, components=tuple(names))


def down(state: StateDir) -> list[str]:
    """Stop every process this state directory started; returns their names."""
    stopped = airflow_stack.stop(state)
    if processes.stop(state.run, "redis"):
        stopped.append("redis")
    if services.stop_postgres(state):
        stopped.append("postgres")
    return stopped


def status(state: StateDir) -> dict[str, int | None]:
    """Each process with a pid file: its pid, or None when it is no longer running."""
    return {name: processes.running(state.run, name) for name in processes.recorded(state.run)}


def _check_alive(state: StateDir, names: list[str]) -> None:
    dead = [n for n in names if processes.running(state.run, n) is None]
    if dead:
        raise RuntimeError(f"stopped right after starting: {', '.join(dead)}")


def _pipeline_dags() -> tuple[str, ...]:
    from cluster.runs import PIPELINE

    return PIPELINE


def _create_pools(airflow: Airflow) -> None:
    from pipeline.dag_defaults import WAREHOUSE_POOL, WAREHOUSE_POOL_SLOTS

    airflow.set_pool(
        WAREHOUSE_POOL,
        WAREHOUSE_POOL_SLOTS,
        "koe's warehouse writers: DuckDB allows one read-write process per file",
    )
