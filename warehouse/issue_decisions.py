"""Analysts' decisions about the issue catalogue, kept in the app's own audit log.

The app records an edit (rename, merge, split, move, not-an-issue) or its undo as one event of
`warehouse.alert_status`'s append-only log: who, when, what. It never writes the warehouse. The
pipeline reads the standing decisions at its next clustering run (`pipeline.analysis`) and
applies them over what clustering found (`nlp.issues.decisions`), so an edit shows after that
run and holds through every later one, incremental or full.

A decision's id is ``dec_<seq>``, its event's place in the log. The event's target is the issue
edited, and its detail a JSON object with what the kind needs (a label, a target issue, a
feedback id, the split's sub-group centres).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import duckdb
import pandas as pd

from nlp.issues.decisions import KINDS, Decision, Undo
from warehouse import alert_status
from warehouse.db import sql

ACTION_PREFIX = "issue_"
UNDO = "issue_undo"
# The app holds the log open only while it appends an event; the pipeline waits out such a
# moment rather than fail its run.
OPEN_ATTEMPTS = 20
OPEN_WAIT_SECONDS = 0.25


def record(
    kind: str,
    issue_id: str,
    actor: str,
    role: str | None = None,
    path: str | os.PathLike[str] | None = None,
    **detail,
) -> str:
    """Append one decision of ``kind`` about ``issue_id``; returns its id (``dec_<seq>``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown decision kind {kind!r}; expected one of {KINDS}")
    if detail.get("label"):
        # A label is shown on every page and report: a name or a number an analyst pasted into
        # it is masked like any customer's (Sudachi loads only when someone names an issue).
        from nlp.pii import mask

        detail["label"] = mask(detail["label"]).text
    seq = alert_status.record(
        ACTION_PREFIX + kind,
        [issue_id],
        actor,
        role=role,
        detail=json.dumps(detail, ensure_ascii=False),
        path=path,
    )
    return f"dec_{seq}"


def undo(
    decision_id: str,
    actor: str,
    role: str | None = None,
    path: str | os.PathLike[str] | None = None,
) -> None:
    """Take a decision back: the next run stops applying it (the decision stays on record)."""
    alert_status.record(UNDO, [decision_id], actor, role=role, path=path)


def read(path: str | os.PathLike[str]) -> tuple[list[Decision], list[Undo]]:
    """Every decision and undo in the app's log at ``path``, oldest first, for the pipeline.

    Opens the log read-only, so the pipeline never writes the app's file; an absent log has none.
    """
    return parse(_read_only(Path(path)))


def parse(events: pd.DataFrame) -> tuple[list[Decision], list[Undo]]:
    """Decisions and undos from the log's rows (`alert_status.issue_events`), oldest first."""
    decisions, undos = [], []
    for row in events.itertuples(index=False):
        decision_id = f"dec_{row.seq}"
        if row.action == UNDO:
            undos.append(Undo(decision_id, row.target, row.actor))
            continue
        detail = json.loads(row.detail or "{}")
        decisions.append(
            Decision(
                decision_id=decision_id,
                kind=row.action.removeprefix(ACTION_PREFIX),
                issue_id=row.target,
                actor=row.actor,
                label=detail.get("label"),
                target_issue_id=detail.get("target_issue_id"),
                feedback_id=detail.get("feedback_id"),
                centroids=tuple(tuple(c) for c in detail.get("centroids", ())),
                chosen=detail.get("chosen"),
                keywords=tuple(detail.get("keywords", ())),
            )
        )
    return decisions, undos


def log(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The decisions for the app, newest first: decision_id, happened_at, actor, kind, issue_id,
    detail (a dict) and undone."""
    events = alert_status.issue_events(path)
    undone = set(events.loc[events["action"] == UNDO, "target"])
    rows = events[events["action"] != UNDO]
    return (
        pd.DataFrame(
            {
                "decision_id": [f"dec_{s}" for s in rows["seq"]],
                "happened_at": rows["happened_at"].tolist(),
                "actor": rows["actor"].tolist(),
                "kind": [a.removeprefix(ACTION_PREFIX) for a in rows["action"]],
                "issue_id": rows["target"].tolist(),
                "detail": [json.loads(d or "{}") for d in rows["detail"]],
                "undone": [f"dec_{s}" in undone for s in rows["seq"]],
            },
            columns=["decision_id", "happened_at", "actor", "kind", "issue_id", "detail", "undone"],
        )
        .iloc[::-1]
        .reset_index(drop=True)
    )


def _read_only(path: Path) -> pd.DataFrame:
    columns = ["seq", "happened_at", "actor", "action", "target", "detail"]
    if not path.is_file():
        return pd.DataFrame(columns=columns)
    for attempt in range(OPEN_ATTEMPTS):
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                if not con.execute(sql("alert_status/has_audit_log")).fetchone()[0]:
                    return pd.DataFrame(columns=columns)
                return con.execute(sql("alert_status/issue_decisions")).df()
        except duckdb.IOException:
            # The app is appending an event (it holds the file for milliseconds); wait it out.
            if attempt == OPEN_ATTEMPTS - 1:
                raise
            time.sleep(OPEN_WAIT_SECONDS)
    raise AssertionError("unreachable")
