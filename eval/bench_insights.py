"""What marts, insights and weekly reports cost as the documents grow on the same days and issues.

From one analysed and clustered warehouse (``--source``, e.g. a `make bench-scale` workdir's
``analysed.duckdb``), `eval.scale.grow` builds a warehouse of each ``--sizes`` over the same
``--days`` (once, kept in ``--store``): a larger one has more documents on the same days. Every
copy of a document keeps its original's issue (the source's catalogue: no re-clustering, and
every size has the same issues). On each, the marts, insights and weekly-report stages run in
their own processes (`eval.bench_scale`), timed, with each one's peak resident memory (VmHWM).
Then an incremental day (1 % new documents on the day after the last, copies of earlier analysed
ones) is added and the three stages run again.

    python -m eval.bench_insights --source analysed.duckdb --sizes 25000,50000,100000 \\
        --workdir /tmp/bench-insights
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import duckdb

from eval.bench_scale import NEW_DAY_SHARE, Stage, _run

STAGES = ("marts", "insights", "weekly reports")


def attach_issues(source: Path, target: Path) -> int:
    """Give every grown document its original's issue, from the source's catalogue."""
    with duckdb.connect(str(target)) as con:
        con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")  # a path we chose, not user input
        con.execute("DELETE FROM nlp.issue_assignment")
        con.execute("DELETE FROM nlp.issues")
        con.execute("INSERT INTO nlp.issues SELECT * FROM src.nlp.issues")
        con.execute(
            """
            INSERT INTO nlp.issue_assignment (feedback_id, issue_id, machine_issue_id)
            SELECT f.feedback_id, a.issue_id, a.machine_issue_id
            FROM raw.feedback AS f
            JOIN src.raw.feedback AS o
                ON o.channel = f.channel
                AND o.source_key = regexp_replace(f.source_key, '~[0-9]+$', '')
            JOIN src.nlp.issue_assignment AS a ON a.feedback_id = o.feedback_id
            """
        )
        [(n,)] = con.execute("SELECT count(*) FROM nlp.issue_assignment").fetchall()
    return n


def add_day(target: Path, share: float = NEW_DAY_SHARE) -> int:
    """1 % new documents on the day after the last: copies of documents of the month before, with
    new ids and content hashes (not duplicates), their analysis and issue."""
    with duckdb.connect(str(target)) as con:
        con.execute("SET TimeZone = 'Asia/Tokyo'")
        [(last, total)] = con.execute(
            "SELECT max(created_at), count(*) FROM raw.feedback"
        ).fetchall()
        every = max(1, round(1 / share))
        con.execute(
            """
            CREATE TEMP TABLE day_copies AS
            SELECT feedback_id AS original, 'day-' || feedback_id AS feedback_id,
                   content_hash || '-day' AS content_hash,
                   CAST(CAST($last AS DATE) + 1 AS TIMESTAMPTZ)
                       + (created_at - date_trunc('day', created_at)) AS created_at
            FROM (
                SELECT *, row_number() OVER (ORDER BY feedback_id) AS n FROM raw.feedback
                WHERE feedback_id NOT LIKE 'day-%'
            )
            WHERE n % $every = 0
            """,
            {"last": last, "every": every},
        )
        con.execute(
            """
            INSERT INTO raw.feedback
            SELECT f.* REPLACE (c.feedback_id AS feedback_id, f.source_key || '~day' AS source_key,
                c.created_at AS created_at, c.content_hash AS content_hash, now() AS loaded_at)
            FROM raw.feedback AS f JOIN day_copies AS c ON c.original = f.feedback_id
            """
        )
        con.execute(
            """
            INSERT INTO nlp.feedback_analysis
            SELECT a.* REPLACE (c.feedback_id AS feedback_id, c.content_hash AS content_hash)
            FROM nlp.feedback_analysis AS a JOIN day_copies AS c ON c.original = a.feedback_id
            """
        )
        con.execute(
            """
            INSERT INTO nlp.issue_assignment (feedback_id, issue_id, machine_issue_id)
            SELECT c.feedback_id, a.issue_id, a.machine_issue_id
            FROM nlp.issue_assignment AS a JOIN day_copies AS c ON c.original = a.feedback_id
            """
        )
        [(n,)] = con.execute("SELECT count(*) FROM day_copies").fetchall()
    return n


def grown(source: Path, size: int, store: Path, days: int) -> Path:
    """The warehouse of ``size`` documents over ``days`` grown from ``source``, built once into
    ``store``."""
    from eval.scale import grow
    from nlp.embed import model_id

    store.mkdir(parents=True, exist_ok=True)
    warehouse = store / f"grown-{size}-{days}d.duckdb"
    if not warehouse.exists():
        building = warehouse.with_suffix(".building")
        building.unlink(missing_ok=True)
        grow(source, building, size, model_id(), days=days)
        attach_issues(source, building)
        building.rename(warehouse)
    return warehouse


def measure(base: Path, size: int, workdir: Path) -> tuple[dict[str, list[Stage]], dict]:
    """The stages on a copy of ``base``, then on the copy with one more day; with what each
    stage returned (the insights stage says how many rows each of its reads returned)."""
    workdir.mkdir(parents=True, exist_ok=True)
    warehouse = workdir / "warehouse.duckdb"
    shutil.copy(base, warehouse)
    shutil.rmtree(workdir / "reports", ignore_errors=True)
    paths = {"workdir": workdir, "reports": workdir / "reports", "warehouse": warehouse}
    counts = {}
    full = []
    for name in STAGES:
        stage, counts[f"full {name}"] = _run(name, size, **paths)
        full.append(stage)
    added = add_day(warehouse)
    day = []
    for name in STAGES:
        stage, counts[f"day {name}"] = _run(name, added, **paths)
        day.append(stage)
    return {"full": full, "day": day}, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.bench_insights", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--sizes", default="25000,50000,100000")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument(
        "--days",
        type=int,
        default=155,
        help="the calendar every size covers; the copies of the source wrap within it, so a "
        "larger size has more documents on the same days (155: five 31-day copies, the smallest "
        "size's span)",
    )
    parser.add_argument(
        "--store", type=Path, help="keep the grown warehouses here (default: the workdir)"
    )
    args = parser.parse_args(argv)
    results = {}
    print(f"{'documents':>9} {'stage':16} {'full s':>7} {'full MB':>8} {'day s':>6} {'day MB':>7}")
    for size in (int(s) for s in args.sizes.split(",")):
        base = grown(args.source.resolve(), size, args.store or args.workdir, args.days)
        runs, counts = measure(base, size, args.workdir / str(size))
        results[size] = {k: [s.__dict__ for s in v] for k, v in runs.items()} | {"counts": counts}
        for full, day in zip(runs["full"], runs["day"], strict=True):
            print(
                f"{size:9d} {full.name:16} {full.seconds:7.1f} {full.peak_mb:8.0f} "
                f"{day.seconds:6.1f} {day.peak_mb:7.0f}",
                flush=True,
            )
    (args.workdir / "bench_insights.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
