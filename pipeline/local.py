"""Every step of the three data-driven DAGs in their order, in this process: for scripts, the
benchmark and tests. Airflow runs the same functions one task each."""

from __future__ import annotations

import os
from pathlib import Path

from koe.vocabulary import CHANNELS
from pipeline.analysis import analyze_new_feedback, review_calls, update_issues
from pipeline.ingest import ingest_channel
from pipeline.marts import build_marts, find_insights


def run_all(inbox: Path, path: str | os.PathLike[str] | None = None) -> dict:
    """ingest → analysis → marts → insights on the warehouse at ``path``; no alerts are sent and
    no weekly reports written. Returns each step's counts."""
    done = {channel: ingest_channel(channel, inbox, path) for channel in CHANNELS}
    done["analysis"] = analyze_new_feedback(path)
    done["issues"] = update_issues(path)
    done["calls"] = review_calls(path)
    done["marts"] = build_marts(path)
    done["insights"] = find_insights(path)
    return done
