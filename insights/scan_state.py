"""Which days' emerging-issue tests the last run already made with the same input.

A day's tests (`insights.emerging.scan_days`) read only the `SPAN_DAYS` ending on it and the
first day of data. Each day gets a key: a hash of those days' fingerprints (made in SQL from what
the tests count, `warehouse.insights.day_fingerprints`), the first day, the code of the tests
and anything else they depend on. A stored day whose key is unchanged keeps its tests; the rest
run again. When one more day arrives, only that day runs; when documents of an old day change
(re-clustering, a late document), the days whose span holds it run again; a change to the tests'
code runs every day.

The alerts of flagged feedback (one per safety or SNS item) depend on their own day only: a day
whose flagged feedback has the same fingerprint keeps its stored alerts, unread.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import cache

from insights import emerging
from insights.emerging import SPAN_DAYS, EmergingAlert


@cache
def _code() -> str:
    return hashlib.sha256(inspect.getsource(emerging).encode()).hexdigest()


@cache
def _alert_code() -> str:
    from insights import alerts
    from koe import vocabulary

    made_of = [
        inspect.getsource(alerts),
        repr(vocabulary.ALERT_KINDS),
        repr(vocabulary.IMMEDIATE_FLAGS),
        vocabulary.NO_PRODUCT,
        vocabulary.SUPPORT_OFFICE,
    ]
    return hashlib.sha256("\x1f".join(made_of).encode()).hexdigest()


def flagged_keys(fingerprints: Mapping[date, str]) -> dict[date, str]:
    """Each day's key for the alerts of its flagged feedback (safety, SNS threats): its own
    fingerprint and the code and names that make those alerts. They depend on nothing else."""
    return {
        day: hashlib.sha256("\x1f".join([_alert_code(), day.isoformat(), fp]).encode()).hexdigest()
        for day, fp in fingerprints.items()
    }


def day_keys(
    fingerprints: Mapping[date, str], days: Iterable[date], context: str = ""
) -> dict[date, str]:
    """Each day's key: the fingerprints of its `SPAN_DAYS` (``-`` for a day without data), the
    first day with data, the tests' code and ``context`` (whatever else the inputs depend on)."""
    if not fingerprints:
        return {}
    first = min(fingerprints).isoformat()
    keys = {}
    for day in days:
        span = [fingerprints.get(day - timedelta(days=k), "-") for k in range(SPAN_DAYS)]
        text = "\x1f".join([_code(), context, first, day.isoformat(), *span])
        keys[day] = hashlib.sha256(text.encode()).hexdigest()
    return keys


def reusable(
    stored: Mapping[date, tuple[str, str]], keys: Mapping[date, str]
) -> dict[date, list[EmergingAlert]]:
    """The stored tests (day → (key, `to_json` text)) whose key is still the day's key."""
    return {day: from_json(text) for day, (key, text) in stored.items() if keys.get(day) == key}


def to_json(alerts: list[EmergingAlert]) -> str:
    """A day's tests as JSON text; `from_json` gives back equal alerts."""
    return json.dumps(
        [
            {
                "kind": a.kind,
                "issue_id": a.issue_id,
                "day": a.day.isoformat(),
                "window_days": a.window_days,
                "observed": a.observed,
                "expected": a.expected,
                "p_value": a.p_value,
                "evidence": a.evidence,
            }
            for a in alerts
        ],
        ensure_ascii=False,
    )


def from_json(text: str) -> list[EmergingAlert]:
    return [
        EmergingAlert(**{**row, "day": date.fromisoformat(row["day"])}) for row in json.loads(text)
    ]
