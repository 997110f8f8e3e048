"""``make bench-scale``: what each pipeline stage costs at many documents, and what grows with N.

Embedding a million texts on two cores takes about an hour, so the benchmark works in four parts:

1. **Analysed through the real code**: the sample generator writes ``--analysed`` documents over
   30 days (streaming, no ground truth kept); ingest, analysis (embedding, classifier), agent QA
   and a full clustering run on them, each stage timed.
2. **Grown to ``--docs``** by `eval.scale.grow` (the pipeline's own load path, a year of dates);
   then the stages that read the whole warehouse run at that size: a full re-clustering, marts,
   insights, weekly reports, publish. Warehouse and snapshot sizes are measured.
3. **The dashboard at ``--docs``**: right after that publish, the Streamlit app serves the snapshot
   and headless Chromium opens every page, its first view after a publish and a warm view
   (`eval.page_timing`, which says when a page counts as rendered).
4. **An incremental day**: 1 % of ``--docs`` new documents on the day after the last, then the
   day's stages (ingest, analysis, agent QA, incremental clustering, marts, insights, publish),
   compared with a full run's time at ``--docs``.

Every stage runs in its own process, as an Airflow task does; its peak memory is that process's
high-water resident set (``VmHWM``, read by the process itself: a forked child's ``ru_maxrss``
would count the parent's pages too). A full run's ingest and analysis at ``--docs`` are
extrapolated from part 1's throughput (they grow linearly with the documents: each text is read,
masked, embedded and classified once); the report marks them.

    python -m eval.bench_scale [--docs 1000000] [--analysed 100000] [--seed 7] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from eval.page_timing import (
    FIRST_VIEW_TARGET_S,
    REPEATS,
    WARM_TARGET_S,
    PageTimings,
    slowest,
    time_pages,
)
from eval.page_timing import report as pages_report

SAMPLE_DAYS = 30
NEW_DAY_SHARE = 0.01
INCREMENTAL_TARGET = 0.05  # an incremental day, as a share of a full run's time
MEMORY_TARGET_MB = 4096
SNAPSHOT_TARGET = 0.10  # the snapshot's size, as a share of the warehouse's


@dataclass(frozen=True)
class Stage:
    name: str
    docs: int
    seconds: float
    peak_mb: float
    extrapolated: bool = False

    @property
    def docs_per_second(self) -> float:
        return self.docs / self.seconds if self.seconds else math.inf


# --- the stages, each run in a child process ----------------------------------------------------


def _stage(name: str, args: argparse.Namespace) -> dict:
    from koe.vocabulary import CHANNELS

    warehouse = args.warehouse
    if name == "generate (sample)":
        from sample.inbox import write_inbox

        start = date.fromisoformat(args.start) if args.start else None
        generator = write_inbox(
            Path(args.inbox),
            args.days,
            args.per_day,
            args.seed,
            **({"start": start, "append": True} if start else {}),
            keep_truth=False,
        )
        return {"feedback": generator.written}
    if name == "ingest":
        from pipeline.ingest import ingest_channel

        counts = [ingest_channel(ch, Path(args.inbox), warehouse) for ch in CHANNELS]
        return {"feedback": sum(c["feedback"] for c in counts)}
    if name == "analysis":
        from pipeline.analysis import analyze_new_feedback

        return analyze_new_feedback(warehouse)
    if name == "agent QA":
        from pipeline.analysis import review_calls

        return review_calls(warehouse)
    if name in ("clustering, full", "clustering, incremental"):
        from pipeline.analysis import update_issues

        return update_issues(warehouse, full=name.endswith("full"))
    if name == "grow":
        from eval.scale import grow
        from nlp.embed import model_id

        grown = grow(args.source, warehouse, args.docs, model_id(), inbox=Path(args.inbox))
        return {"feedback": grown.feedback, "calls": grown.calls, "copies": grown.copies}
    if name == "marts":
        from pipeline.marts import build_marts

        return build_marts(warehouse)
    if name == "insights":
        from pipeline.marts import find_insights

        return find_insights(warehouse)
    if name == "weekly reports":
        from pipeline.reports import write_weekly_reports

        return write_weekly_reports(warehouse, args.reports)
    if name == "publish":
        from pipeline.marts import publish_snapshot

        return {"snapshot": str(publish_snapshot(warehouse))}
    raise ValueError(f"unknown stage {name!r}")


def _peak_mb() -> float:
    """This process's high-water resident set (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _run(name: str, docs: int | None, **options) -> tuple[Stage, dict]:
    """Run one stage in a child process: its wall time, its own peak memory and its counts."""
    out = Path(options.pop("workdir")) / "stage.json"
    command = [sys.executable, "-m", "eval.bench_scale", "--stage", name, "--result", str(out)]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    if docs is not None:
        command += ["--docs", str(docs)]
    started = time.perf_counter()
    subprocess.run(command, check=True)
    seconds = time.perf_counter() - started
    result = json.loads(out.read_text())
    done = docs if docs is not None else result["counts"]["feedback"]
    return Stage(name, done, seconds, result["peak_mb"]), result["counts"]


def _generate(workdir: Path, inbox: Path, days: int, per_day: int, seed: int, start=None) -> Stage:
    options = {"inbox": inbox, "days": days, "per_day": per_day, "seed": seed}
    if start is not None:
        options["start"] = start.isoformat()
    stage, _ = _run("generate (sample)", None, workdir=workdir, **options)
    return stage


def _pages(snapshot: Path, workdir: Path, repeats: int) -> PageTimings:
    """Every dashboard page timed in headless Chromium on the snapshot just published."""
    return time_pages(snapshot, workdir / "pages", repeats=repeats)


# --- the parts ----------------------------------------------------------------------------


@dataclass
class Report:
    small: list[Stage]
    large: list[Stage]
    day: list[Stage]
    full_run: list[Stage]
    warehouse_bytes: int
    snapshot_bytes: int
    documents: int
    pages: PageTimings


def run(docs: int, analysed: int, seed: int, workdir: Path, page_repeats: int = REPEATS) -> Report:
    inbox, reports = workdir / "inbox", workdir / "reports"
    small_db, large_db = workdir / "analysed.duckdb", workdir / "warehouse.duckdb"
    paths = {"workdir": workdir, "inbox": inbox, "reports": reports}

    generated = _generate(workdir, inbox, SAMPLE_DAYS, math.ceil(analysed / SAMPLE_DAYS), seed)
    small = [generated]
    n = generated.docs
    for name in ("ingest", "analysis", "agent QA", "clustering, full"):
        stage, _ = _run(name, n, warehouse=small_db, **paths)
        small.append(stage)

    grown, counts = _run("grow", docs, warehouse=large_db, source=small_db, **paths)
    large = [grown]
    for name in ("clustering, full", "marts", "insights", "weekly reports", "publish"):
        stage, _ = _run(name, docs, warehouse=large_db, **paths)
        large.append(stage)
    from koe.settings import for_warehouse

    snapshot = for_warehouse(large_db).snapshot
    snapshot_bytes = snapshot.stat().st_size
    pages = _pages(snapshot, workdir, page_repeats)

    # The day after the grown calendar's last day, with 1 % of the documents.
    import duckdb

    with duckdb.connect(str(large_db), read_only=True) as con:
        [(last,)] = con.execute("SELECT max(created_at)::DATE FROM raw.feedback").fetchall()
    # Never after today, though: the grown year may end in the future, and ingest quarantines
    # records dated more than a day ahead, so such a day would load nothing and measure nothing.
    day_date = min(last + timedelta(days=1), date.today())
    new_day = _generate(workdir, inbox, 1, max(4, round(docs * NEW_DAY_SHARE)), seed + 1, day_date)
    day = [new_day]
    for name in (
        "ingest",
        "analysis",
        "agent QA",
        "clustering, incremental",
        "marts",
        "insights",
        "publish",
    ):
        stage, _ = _run(name, new_day.docs, warehouse=large_db, **paths)
        day.append(stage)

    # A full run at `docs`: per-document stages extrapolated from the analysed run's throughput,
    # the rest as measured at that size.
    per_doc = {s.name: s for s in small if s.name in ("ingest", "analysis", "agent QA")}
    full_run = [
        Stage(s.name, docs, s.seconds * docs / n, s.peak_mb, extrapolated=True)
        for s in per_doc.values()
    ] + [s for s in large if s.name != "grow"]
    return Report(
        small,
        large,
        day,
        full_run,
        large_db.stat().st_size,
        snapshot_bytes,
        docs,
        pages,
    )


def report(r: Report) -> str:
    lines = []

    def table(title: str, stages: list[Stage]) -> None:
        lines.extend(
            ["", title, f"{'stage':28} {'docs':>9} {'seconds':>9} {'docs/s':>9} {'peak MB':>8}"]
        )
        for s in stages:
            mark = "*" if s.extrapolated else ""
            lines.append(
                f"{s.name + mark:28} {s.docs:9d} {s.seconds:9.1f} {s.docs_per_second:9.0f} "
                f"{s.peak_mb:8.0f}"
            )

    table("analysed through the real code", r.small)
    table(
        f"grown to {r.documents} documents (eval.scale.grow), then the whole-warehouse stages",
        r.large,
    )
    lines += ["", pages_report(r.pages, r.documents)]
    table("an incremental day (1 % new documents)", r.day)
    table(
        f"a full run at {r.documents} documents (* extrapolated from the analysed run)", r.full_run
    )
    full = sum(s.seconds for s in r.full_run)
    incremental = sum(s.seconds for s in r.day[1:])
    # The target is about the pipeline's tasks; growing the warehouse is this benchmark's own
    # tool (it copies every analysed row), reported on its own line.
    tasks = [s for s in [*r.small, *r.large, *r.day] if s.name != "grow"]
    peak = max(tasks, key=lambda s: s.peak_mb)
    grow_mb = max((s.peak_mb for s in r.large if s.name == "grow"), default=0.0)
    share = r.snapshot_bytes / r.warehouse_bytes
    first, warm = slowest(r.pages)
    mb = 1024 * 1024
    lines += [
        "",
        f"warehouse {r.warehouse_bytes / mb:.0f} MB, snapshot {r.snapshot_bytes / mb:.0f} MB: "
        f"{share:.1%} of the warehouse (target ≤ {SNAPSHOT_TARGET:.0%})",
        f"incremental day {incremental:.0f} s ÷ full run {full:.0f} s = {incremental / full:.1%} "
        f"(target ≤ {INCREMENTAL_TARGET:.0%})",
        f"peak resident memory of any pipeline task: {peak.peak_mb:.0f} MB ({peak.name}; target"
        f" ≤ {MEMORY_TARGET_MB} MB); growing the warehouse (the benchmark's tool): {grow_mb:.0f} MB",
        f"slowest dashboard page, first view after a publish: {_seconds(first)} "
        f"(target ≤ {FIRST_VIEW_TARGET_S:g} s); warm: {_seconds(warm)} "
        f"(target ≤ {WARM_TARGET_S:g} s)",
    ]
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    return "a page did not render" if value is None else f"{value:.2f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m eval.bench_scale", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--docs", type=int, default=1_000_000, help="documents in the grown warehouse"
    )
    parser.add_argument(
        "--analysed", type=int, default=100_000, help="documents analysed by the real code"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, help="keep the inbox and warehouses here")
    # A child process runs one stage (see `_run`).
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    for key in ("result", "warehouse", "inbox", "reports", "source", "start"):
        parser.add_argument(f"--{key}", help=argparse.SUPPRESS)
    for key in ("days", "per-day"):
        parser.add_argument(f"--{key}", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        counts = _stage(args.stage, args)
        result = {"counts": counts, "peak_mb": _peak_mb()}
        Path(args.result).write_text(json.dumps(result, default=str))
        return 0
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        print(report(run(args.docs, args.analysed, args.seed, args.workdir)))
        return 0
    with tempfile.TemporaryDirectory(prefix="koe-bench-scale-") as tmp:
        print(report(run(args.docs, args.analysed, args.seed, Path(tmp))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
