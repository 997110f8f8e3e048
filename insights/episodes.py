"""Episodes: the emerging-issue alerts about one subject on consecutive days, taken as one.

A rise that lasts fires its tests day after day, in the one-day window and the seven-day one.
`insights.emerging.episodes` keeps one alert per run of one test, yet one rise still made
several alerts (one per window, and again after a quiet day). Here every test that fired about
one subject (an issue, or a product's complaints as a whole) on consecutive days is one episode,
holding the alerts made on its days: a person reads one line, and one message is sent.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from insights.alerts import Alert
from insights.emerging import EmergingAlert

RISES = ("volume_spike", "product_spike")
# A quiet day between two days that fired ends the episode: "consecutive" means this many days.
MAX_GAP_DAYS = 1


@dataclass(frozen=True)
class Episode:
    episode_id: str
    kind: str  # koe.vocabulary.EPISODE_KINDS: rise, new_issue or sentiment_drop
    issue_id: str | None
    product: str | None
    first_day: date
    last_day: date
    days: int  # days on which a test of the episode fired
    alert_ids: tuple[str, ...]
    route: str
    title: str
    peak_ratio: float | None


def episode_kind(alert_kind: str) -> str:
    return "rise" if alert_kind in RISES else alert_kind


# A subject: (episode kind, whether it is a product, the issue id or the product name).
Subject = tuple[str, bool, str]


def _subject_of_test(test: EmergingAlert) -> Subject:
    return episode_kind(test.kind), test.kind == "product_spike", test.issue_id


def _subject_of_alert(alert: Alert) -> Subject:
    product_wide = alert.kind == "product_spike"
    return episode_kind(alert.kind), product_wide, alert.product if product_wide else alert.issue_id


def _runs(days: Iterable[date]) -> list[list[date]]:
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][-1]).days <= MAX_GAP_DAYS:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _id(subject: Subject, first_day: date) -> str:
    kind, product_wide, name = subject
    key = "\x1f".join((kind, "product" if product_wide else "issue", name, str(first_day)))
    return "eps_" + hashlib.sha256(key.encode()).hexdigest()[:16]


def build_episodes(
    tested: Mapping[date, Iterable[EmergingAlert]], alerts: Iterable[Alert]
) -> list[Episode]:
    """The episodes of ``alerts`` (those of `alerts_from`; the flagged items' are incidents,
    not episodes), oldest first. ``tested`` holds each day's tests before they were merged
    (`insights.emerging.scan_days`, as `pipeline.marts.find_insights` keeps them): the days an
    alert's test went on firing belong to its episode even though they made no alert."""
    fired: dict[Subject, set[date]] = defaultdict(set)
    ratios: dict[tuple[Subject, date], float] = {}
    for day, tests in tested.items():
        for test in tests:
            subject = _subject_of_test(test)
            fired[subject].add(day)
            if test.kind in RISES and test.expected > 0:
                ratio = test.observed / test.expected
                ratios[subject, day] = max(ratios.get((subject, day), 0.0), ratio)
    by_subject: dict[Subject, list[Alert]] = defaultdict(list)
    for alert in alerts:
        if alert.feedback_id is not None or (alert.issue_id is None and alert.product is None):
            continue
        subject = _subject_of_alert(alert)
        by_subject[subject].append(alert)
        fired[subject].add(alert.day)  # a new issue's alert is its only day
    episodes = []
    for subject, members in by_subject.items():
        for run in _runs(fired[subject]):
            held = sorted(
                (a for a in members if run[0] <= a.day <= run[-1]),
                key=lambda a: (a.day, a.window_days, a.alert_id),
            )
            if not held:
                continue
            peaks = [ratios[subject, d] for d in run if (subject, d) in ratios]
            first = held[0]
            episodes.append(
                Episode(
                    _id(subject, run[0]),
                    subject[0],
                    None if subject[1] else first.issue_id,
                    first.product,
                    run[0],
                    run[-1],
                    len(run),
                    tuple(a.alert_id for a in held),
                    first.route,
                    first.title,
                    round(max(peaks), 2) if peaks else None,
                )
            )
    episodes.sort(key=lambda e: (e.first_day, e.kind, e.episode_id))
    return episodes
