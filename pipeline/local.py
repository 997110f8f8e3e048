"""Every step of the three data-driven DAGs in their order, in this process: for scripts, the
benchmark and tests. Airflow runs the same functions one task each."""

from __future__ import annotations

import os
from pathlib import Path

from koe.vocabulary import CHANNELS
from pipeline.analysis import (
    analyze_new_feedback,
    review_calls,
    update_issues,
    update_questions,
)
from pipeline.ingest import ingest_channel
from pipeline.marts import build_marts, find_insights


def run_all(inbox: Path, path: str | os.PathLike[str] | None = None) -> dict:
    """ingest → analysis → marts → insights on the warehouse at ``path``; no alerts are sent and
    no weekly reports written. Returns each step's counts.

    Each step starts with the per-process caches empty (recent tokens and vectors), as an
    Airflow task does in its own process: what this run costs is what the DAGs would."""
    done = {}
    for channel in CHANNELS:
        done[channel] = _as_a_task(ingest_channel, channel, inbox, path)
    done["analysis"] = _as_a_task(analyze_new_feedback, path)
    done["issues"] = _as_a_task(update_issues, path)
    done["questions"] = _as_a_task(update_questions, path)
    done["calls"] = _as_a_task(review_calls, path)
    done["marts"] = _as_a_task(build_marts, path)
    done["insights"] = _as_a_task(find_insights, path)
    return done


def _as_a_task(step, *args):
    from nlp.embed import forget_recent_vectors
    from nlp.tokenize import forget_tokens

    forget_recent_vectors()
    forget_tokens()
    return step(*args)
