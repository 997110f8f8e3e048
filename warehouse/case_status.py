"""Cases: what people do about an incident that needs the organisation, kept in the app's own store.

Every incident of a flag of ``koe.vocabulary.CASE_FLAGS`` is a case, opened by the incident
itself: 未対応, owned by its flag's default owner (``CASE_OWNERS``), due a number of hours after
its first voice (``KOE_CASE_DUE_HOURS``). Taking it (対応中, with an owner), adding a note and
completing it (完了) are events appended to the audit log of `warehouse.alert_status`, with who
and when; status, owner and history are read back from them, and nothing is updated or deleted.
Incident ids are stable across recomputation (insights/save_incidents.sql), so a case keeps its
record when the pipeline runs again.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from koe.settings import settings
from koe.vocabulary import CASE_FLAGS, CASE_OWNERS
from warehouse import alert_status
from warehouse.db import sql

OPEN, IN_PROGRESS, DONE = "open", "in_progress", "done"  # koe.vocabulary.CASE_STATUSES
TAKE, NOTE, COMPLETE = "case_take", "case_note", "case_complete"  # case_<CASE_EVENTS code>
SYSTEM = "koe"  # who opens a case: the pipeline, when it finds the incident
EVENT_COLUMNS = ["seq", "happened_at", "actor", "role", "action", "incident_id", "detail"]


class CaseError(ValueError):
    """An action the case's status does not allow (completing a case nobody took, …)."""


def events(
    incident_ids: Iterable[str] | None = None, path: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """The case events of the log, oldest first (of ``incident_ids`` only, when given)."""
    target = Path(path) if path else settings().alert_status
    if not target.is_file():
        return pd.DataFrame(columns=EVENT_COLUMNS)
    with alert_status.store(target) as con:
        return _events(con, incident_ids)


def _events(con, incident_ids: Iterable[str] | None) -> pd.DataFrame:
    targets = None if incident_ids is None else list(incident_ids)
    return con.execute(sql("case_status/events"), {"targets": targets}).df()


def _state(flag: str, log: pd.DataFrame) -> dict:
    """Status, owner, who took it and how many notes, from one case's events in order."""
    state = {"status": OPEN, "owner": CASE_OWNERS.get(flag), "taken_by": None, "notes": 0}
    for action, actor, detail in zip(log["action"], log["actor"], log["detail"], strict=True):
        if action == TAKE:
            state |= {"status": IN_PROGRESS, "owner": detail or state["owner"], "taken_by": actor}
        elif action == NOTE:
            state["notes"] += 1
        elif action == COMPLETE:
            state["status"] = DONE
    return state


def cases(
    incidents: pd.DataFrame, now: datetime, path: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """The cases of ``incidents`` (rows of insights.incidents; those of other flags are left
    out), each with ``status``, ``owner``, ``taken_by``, ``notes``, ``due_at`` and ``overdue``
    (not 完了 and past its due time at ``now``)."""
    rows = incidents[incidents["flag"].isin(CASE_FLAGS)].copy()
    log = events(rows["incident_id"], path)
    by_case = dict(tuple(log.groupby("incident_id"))) if len(log) else {}
    empty = pd.DataFrame(columns=EVENT_COLUMNS)
    states = [
        _state(flag, by_case.get(incident_id, empty))
        for incident_id, flag in zip(rows["incident_id"], rows["flag"], strict=True)
    ]
    for column in ("status", "owner", "taken_by", "notes"):
        rows[column] = [s[column] for s in states]
    hours = settings().case_due_hours
    rows["due_at"] = [
        first + timedelta(hours=hours[flag])
        for first, flag in zip(pd.to_datetime(rows["first_at"]), rows["flag"], strict=True)
    ]
    rows["overdue"] = (rows["status"] != DONE) & (pd.to_datetime(rows["due_at"]) < now)
    return rows


def history(incident: pd.Series, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One case's every step, oldest first: its opening (the incident's first voice), then each
    event with who, their roles, when and the owner or note (happened_at, actor, role, action,
    detail)."""
    opened = pd.DataFrame(
        [
            {
                "happened_at": pd.Timestamp(incident["first_at"]),
                "actor": SYSTEM,
                "role": None,
                "action": "case_open",
                "detail": CASE_OWNERS.get(incident["flag"]),
            }
        ]
    )
    log = events([incident["incident_id"]], path)
    steps = log[["happened_at", "actor", "role", "action", "detail"]]
    steps = pd.concat([opened, steps], ignore_index=True) if len(steps) else opened
    # The incident's time and the log's come back in different zones: one instant column.
    return steps.assign(happened_at=pd.to_datetime(steps["happened_at"], utc=True))


# What each action needs the case to be: a completed case is closed to taking and completing.
_ALLOWED = {TAKE: {OPEN, IN_PROGRESS}, NOTE: {OPEN, IN_PROGRESS, DONE}, COMPLETE: {IN_PROGRESS}}


def act(
    incident_id: str,
    flag: str,
    action: str,
    actor: str,
    detail: str | None = None,
    role: str | None = None,
    path: str | os.PathLike[str] | None = None,
) -> None:
    """Record ``action`` on the case of incident ``incident_id`` (of ``flag``) by ``actor``:
    `TAKE` (対応中, for the owner in ``detail``, default the case's), `NOTE` (``detail`` is the
    note, needed), or `COMPLETE` (完了, ``detail`` an optional note; only a case someone took).
    Raises `CaseError` when the case's status does not allow it."""
    detail = (detail or "").strip() or None
    if action == NOTE and detail is None:
        raise CaseError("a note needs some text")
    if flag not in CASE_FLAGS:
        raise CaseError(f"an incident flagged {flag!r} opens no case (cases: {CASE_FLAGS})")
    target = Path(path) if path else settings().alert_status
    # The check and the event are one step: two people clicking at once cannot both complete.
    with alert_status.store(target) as con:
        state = _state(flag, _events(con, [incident_id]))
        if state["status"] not in _ALLOWED[action]:
            raise CaseError(f"case {incident_id} is {state['status']}: {action} is not allowed")
        if action == TAKE and detail is None:
            detail = state["owner"]
        alert_status.append(con, action, [incident_id], actor, role, detail)
