"""Do two source trees find the same insights and write the same weekly reports on one warehouse?

Each tree gets its own copy of the warehouse with no weekly reports yet, and runs the marts,
insights and weekly-report stages there (`eval.bench_scale --stage`, each in its own process,
timed, with its peak memory). Then every alert (but the time it was first detected), every
root-cause candidate, every weekly report row (but the time it was rendered) and every report
file are compared, value for value. Used to check that a rework of how insights are computed
changes nothing they say.

    python -m eval.insights_parity --warehouse data/warehouse.duckdb \\
        --before /path/to/old/tree --after . --workdir /tmp/parity
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

STAGES = ("marts", "insights", "weekly reports")
TABLES = {
    "insights.alerts": "SELECT * EXCLUDE (detected_at) FROM insights.alerts ORDER BY alert_id",
    "insights.root_causes": "SELECT * FROM insights.root_causes ORDER BY issue_id, rank",
    "insights.weekly_reports": (
        "SELECT * EXCLUDE (rendered_at) FROM insights.weekly_reports ORDER BY week_start, team"
    ),
}


def run_tree(tree: Path, warehouse: Path, workdir: Path) -> list[dict]:
    """The stages on a fresh copy of ``warehouse`` with ``tree``'s code: seconds and peak MB."""
    workdir.mkdir(parents=True, exist_ok=True)
    target = workdir / "warehouse.duckdb"
    shutil.copy(warehouse, target)
    with duckdb.connect(str(target)) as con:
        con.execute("DELETE FROM insights.weekly_reports")
    reports = workdir / "reports"
    shutil.rmtree(reports, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(tree)}
    stages = []
    for name in STAGES:
        result = workdir / "stage.json"
        command = [sys.executable, "-m", "eval.bench_scale", "--stage", name]
        command += ["--result", str(result), "--warehouse", str(target), "--reports", str(reports)]
        started = time.perf_counter()
        subprocess.run(command, check=True, cwd=tree, env=env)
        seconds = time.perf_counter() - started
        outcome = json.loads(result.read_text())
        stages.append({"stage": name, "seconds": round(seconds, 2), **outcome})
    return stages


def tables(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {name: con.execute(query).fetchall() for name, query in TABLES.items()}


def files(reports: Path) -> dict[str, str]:
    return {
        str(p.relative_to(reports)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(reports.rglob("*"))
        if p.is_file()
    }


def differences(before: Path, after: Path) -> dict[str, list]:
    """What differs between the two runs' tables and report files (empty lists: nothing)."""
    out: dict[str, list] = {}
    old, new = tables(before / "warehouse.duckdb"), tables(after / "warehouse.duckdb")
    for name in TABLES:
        a, b = set(map(repr, old[name])), set(map(repr, new[name]))
        out[name] = sorted(a - b)[:5] + sorted(b - a)[:5]
        out[name + " rows"] = (
            [] if len(old[name]) == len(new[name]) else [len(old[name]), len(new[name])]
        )
    fa, fb = files(before / "reports"), files(after / "reports")
    out["report files"] = sorted(k for k in fa.keys() | fb.keys() if fa.get(k) != fb.get(k))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--before", type=Path, required=True, help="the tree with the old code")
    parser.add_argument("--after", type=Path, default=Path("."), help="the tree with the new code")
    parser.add_argument("--workdir", type=Path, required=True)
    args = parser.parse_args(argv)
    runs = {}
    for side in ("before", "after"):
        tree = getattr(args, side).resolve()
        runs[side] = run_tree(tree, args.warehouse.resolve(), args.workdir / side)
    diff = differences(args.workdir / "before", args.workdir / "after")
    after = tables(args.workdir / "after" / "warehouse.duckdb")
    sizes = {name: len(rows) for name, rows in after.items()}
    print(json.dumps({"stages": runs, "rows": sizes, "differences": diff}, indent=1, default=str))
    return 1 if any(diff.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
