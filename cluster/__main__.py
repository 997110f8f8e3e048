"""``python -m cluster up|run|status|down``: the cluster demo's commands (see the Makefile's
``cluster-demo`` and ``cluster-stop``)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cluster import stack
from cluster.runs import PIPELINE, failed_tasks, run_pipeline
from cluster.state import StateDir
from koe.settings import REPO_ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cluster", description=__doc__)
    parser.add_argument(
        "--state",
        type=Path,
        default=REPO_ROOT / ".cluster",
        help="state directory: data, logs, pid files, secrets (default: .cluster/)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the stack (what runs already is kept)")
    up.add_argument("--executor", choices=("celery", "local"), default="celery")
    up.add_argument("--workers", type=int, default=2, help="Celery workers (default 2)")
    run = commands.add_parser("run", help="trigger koe's DAGs in order and wait for each")
    run.add_argument("--timeout", type=float, default=3600, help="seconds per DAG run")
    commands.add_parser("status", help="the processes this state directory started")
    commands.add_parser("down", help="stop every process this state directory started")
    args = parser.parse_args(argv)
    state = StateDir(args.state.resolve())

    if args.command == "up":
        started = time.monotonic()
        running = stack.up(state, executor=args.executor, workers=args.workers)
        config = state.config()
        print(
            f"== {args.executor} stack up in {time.monotonic() - started:.0f} s: "
            f"{', '.join(running.components)}\n"
            f"   Airflow UI: {running.airflow.base} (user koe, password in {state.config_file})\n"
            f"   PostgreSQL 127.0.0.1:{config.ports['postgres']}, logs in {state.logs}\n"
            "   stop it with: make cluster-stop"
        )
        return 0
    if args.command == "run":
        return _run(state, args.timeout)
    if args.command == "status":
        for name, pid in stack.status(state).items():
            print(f"{name:16} {'pid ' + str(pid) if pid else 'not running'}")
        return 0
    stopped = stack.down(state)
    print(f"== stopped: {', '.join(stopped) or 'nothing was running'}")
    return 0


def _run(state: StateDir, timeout: float) -> int:
    if not state.config_file.exists():
        print(f"no stack in {state.root}: start it first (python -m cluster up)")
        return 1
    airflow = stack.client(state)
    if not airflow.healthy():
        print(
            f"no api-server answers at {airflow.base}: start the stack first (python -m cluster up)"
        )
        return 1
    started = time.monotonic()
    print(f"== triggering {', '.join(PIPELINE)} in turn on {airflow.base}")
    for n, run in enumerate(run_pipeline(airflow, timeout=timeout), 1):
        hosts = ", ".join(sorted(run.hosts())) or "-"
        print(
            f"== [{n}/{len(PIPELINE)}] {run.dag_id}: {run.state} in {run.seconds:.0f} s on {hosts}",
            flush=True,
        )
        mapped = run.hosts(mapped_only=True)
        if mapped:
            names = ", ".join(sorted(mapped))
            print(f"   mapped task instances ran on {len(mapped)} workers: {names}")
        if run.state != "success":
            failed = ", ".join(failed_tasks(run))
            print(f"   failed: {failed}; task logs in {state.airflow_home / 'logs'}")
            return 1
    print(f"== all DAGs succeeded in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
