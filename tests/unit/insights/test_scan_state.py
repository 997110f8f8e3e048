"""Reusing a day's emerging-issue tests while its span of days is unchanged."""

from __future__ import annotations

from datetime import date, timedelta

from insights.emerging import SPAN_DAYS, DailyCounts, scan, scan_days
from insights.scan_state import day_keys, from_json, reusable, to_json

START = date(2026, 8, 1)


def day(k: int) -> date:
    return START + timedelta(days=k)


def history(days: int) -> tuple[DailyCounts, dict]:
    """Eight steady issues over ``days`` days, one of them about fourfold from day 45 on, and
    a sentiment series that sours from day 50."""
    totals = {day(k): 60 for k in range(days)}
    issues = {f"iss_{i}": {day(k): 2 + (k + i) % 2 for k in range(days)} for i in range(8)}
    for k in range(45, days):
        issues["iss_3"][day(k)] = 9
    scores = {
        "iss_5": [(day(k), 0.1 if k % 2 else -0.1) for k in range(days) for _ in range(3)]
        + [(day(k), -0.8) for k in range(50, days) for _ in range(3)]
    }
    return DailyCounts(totals, issues), scores


def fingerprints(data: DailyCounts) -> dict[date, str]:
    return {
        d: repr((n, sorted((i, c.get(d, 0)) for i, c in data.issues.items())))
        for d, n in data.totals.items()
    }


def test_a_new_day_tests_only_itself_and_finds_what_a_full_scan_finds():
    before, scores_before = history(60)
    after, scores_after = history(61)
    first_seen = {i: day(0) for i in after.issues}
    stored = {
        d: (key, to_json(found))
        for (d, key), found in zip(
            day_keys(fingerprints(before), before.days()).items(),
            scan_days(before, scores_before, before.days()).values(),
            strict=True,
        )
    }

    keys = day_keys(fingerprints(after), after.days())
    reuse = reusable(stored, keys)

    assert set(after.days()) - set(reuse) == {day(60)}
    full = scan(after, first_seen, scores_after)
    assert {a.kind for a in full} == {"volume_spike", "sentiment_drop"}
    assert scan(after, first_seen, scores_after, reuse=reuse) == full


def test_a_changed_day_tests_again_the_days_whose_span_holds_it():
    data, _ = history(90)
    keys = day_keys(fingerprints(data), data.days())
    changed = fingerprints(data) | {day(40): "re-clustered"}

    again = day_keys(changed, data.days())

    retested = sorted(d for d in data.days() if again[d] != keys[d])
    assert retested == [day(k) for k in range(40, 40 + SPAN_DAYS)]


def test_older_data_arriving_tests_every_day_again():
    data, _ = history(60)
    keys = day_keys(fingerprints(data), data.days())
    earlier = fingerprints(data) | {day(-100): "a late file"}

    again = day_keys(earlier, data.days())

    assert all(again[d] != keys[d] for d in data.days())


def test_stored_tests_read_back_equal():
    data, scores = history(60)
    found = [a for day_found in scan_days(data, scores, data.days()).values() for a in day_found]
    assert found
    assert from_json(to_json(found)) == found
