"""The emerging-issue statistics on hand-computed cases."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from insights.emerging import (
    ALPHA,
    DailyCounts,
    DailyScores,
    EmergingAlert,
    episodes,
    new_issues,
    scan,
    sentiment_drops,
    share_test,
    volume_spikes,
)

START = date(2026, 8, 1)


def day(k: int) -> date:
    return START + timedelta(days=k)


def binomial_upper_tail(x: int, n: int, p: float) -> float:
    """P(X ≥ x), X ~ Binomial(n, p), summed by hand."""
    return sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(x, n + 1))


def test_a_steady_baseline_gives_the_binomial_tail():
    # 1 of 50 a day for 28 days: share (28 + ½) / (1,400 + 1); 6 of 50 today.
    test = share_test(6, 50, [1] * 28, [50] * 28)

    share = 28.5 / 1401
    assert test.dispersion == 1.0
    assert test.expected == pytest.approx(50 * share)
    assert test.p_value == pytest.approx(binomial_upper_tail(6, 50, share), rel=1e-9)
    assert test.p_value < 1e-3


def test_a_jumpy_baseline_widens_the_test():
    steady = share_test(6, 50, [2] * 28, [50] * 28)
    jumpy = share_test(6, 50, [0, 4] * 14, [50] * 28)  # same mean, far more spread

    # Pearson χ² / df of the jumpy days: every day is 2 off an expectation of about 2.
    assert jumpy.dispersion > 1.5
    assert jumpy.expected == pytest.approx(steady.expected)
    assert jumpy.p_value > steady.p_value


def test_a_busy_weekday_is_not_a_rise():
    # Mondays bring 100 pieces of feedback, other days 40; the issue keeps 5 % of every day.
    totals = {day(k): 100 if day(k).weekday() == 0 else 40 for k in range(35)}
    issue = {d: round(0.05 * n) for d, n in totals.items()}
    monday = max(d for d in totals if d.weekday() == 0)

    found = volume_spikes(DailyCounts(totals, {"iss_a": issue}), monday)

    assert found == []


def test_a_fourfold_day_alerts_at_the_level_the_false_alert_budget_sets():
    totals = {day(k): 60 for k in range(40)}
    steady = {day(k): 2 for k in range(40)}
    rising = {**steady, day(39): 8}
    data = DailyCounts(totals, {"iss_rising": rising, "iss_b": steady, "iss_c": steady})

    [alert] = volume_spikes(data, day(39))

    assert alert.kind == "volume_spike" and alert.issue_id == "iss_rising"
    raw = binomial_upper_tail(8, 60, (56 + 0.5) / (28 * 60 + 1))
    assert alert.p_value == pytest.approx(raw, rel=1e-9)
    # 0.25 expected false alerts per issue in 90 days, tested daily over two windows.
    assert pytest.approx(0.25 / 180) == ALPHA and raw < ALPHA
    assert alert.observed == 8 and alert.expected == pytest.approx(60 * 56.5 / 1681, abs=1e-3)


def test_six_in_a_day_is_not_enough_where_two_are_usual():
    totals = {day(k): 60 for k in range(40)}
    steady = {day(k): 2 for k in range(40)}
    data = DailyCounts(totals, {"iss": {**steady, day(39): 6}})
    # P(X ≥ 6) ≈ 0.016 here: above the level, so no alert however many issues there are.
    assert binomial_upper_tail(6, 60, 56.5 / 1681) > ALPHA
    assert volume_spikes(data, day(39)) == []


def test_no_alert_without_a_full_baseline():
    totals = {day(k): 60 for k in range(10)}
    data = DailyCounts(totals, {"iss": {day(9): 30}})
    assert volume_spikes(data, day(9)) == []


def test_a_rise_too_small_to_matter_does_not_alert():
    totals = {day(k): 2000 for k in range(40)}
    issue = {day(k): 100 for k in range(40)}
    issue[day(39)] = 160  # clearly significant at this volume, but only 1.6 × expected
    found = volume_spikes(DailyCounts(totals, {"iss": issue}), day(39))
    assert found == []


def test_a_new_issue_alerts_the_day_it_reaches_three_documents():
    totals = {day(k): 50 for k in range(45)}
    data = DailyCounts(
        totals,
        {"iss_new": {day(35): 1, day(37): 2}, "iss_old": {day(k): 2 for k in range(45)}},
    )

    found = new_issues({"iss_new": day(35), "iss_old": day(0)}, data)

    assert [(a.issue_id, a.day, a.observed) for a in found] == [("iss_new", day(37), 3)]


def test_a_sentiment_drop_alerts_and_a_small_one_does_not():
    base = [(day(k), 0.1 if k % 2 else -0.1) for k in range(30)]
    soured = base + [(day(k), -0.7) for k in range(30, 37)]
    slight = base + [(day(k), -0.1) for k in range(30, 37)]

    found = sentiment_drops({"iss_soured": soured, "iss_slight": slight}, day(36))

    assert [a.issue_id for a in found] == ["iss_soured"]
    assert found[0].observed == pytest.approx(-0.7) and found[0].expected == pytest.approx(0.0)


def test_a_run_of_alerting_days_is_one_episode():
    def alert(k: int) -> EmergingAlert:
        return EmergingAlert("volume_spike", "iss", day(k), 1, 9, 2.0, 1e-5)

    kept = episodes([alert(10), alert(11), alert(12), alert(20)])

    assert [a.day for a in kept] == [day(10), day(20)]


def test_a_scan_finds_a_planted_spike_and_nothing_else():
    totals = {day(k): 60 for k in range(60)}
    issues = {f"iss_{i}": {day(k): 2 + (k + i) % 2 for k in range(60)} for i in range(8)}
    for k in range(45, 60):
        issues["iss_3"][day(k)] = 9  # about fourfold from day 45 on

    found = scan(DailyCounts(totals, issues), {i: day(0) for i in issues}, {})

    assert {(a.issue_id, a.window_days) for a in found} == {("iss_3", 1), ("iss_3", 7)}
    assert min(a.day for a in found) == day(45)


class CountingDays(dict):
    """A day → (documents, sum) mapping that counts every day it hands out, however it is read."""

    lookups = 0

    def get(self, key, default=None):
        CountingDays.lookups += 1
        return super().get(key, default)

    def __getitem__(self, key):
        CountingDays.lookups += 1
        return super().__getitem__(key)

    def __iter__(self):
        CountingDays.lookups += len(self)
        return super().__iter__()

    def items(self):
        CountingDays.lookups += len(self)
        return super().items()

    def values(self):
        CountingDays.lookups += len(self)
        return super().values()


def test_the_sentiment_scan_reads_each_days_own_window_only():
    # Twice the history, twice the look-ups: the scan is linear in days, not quadratic.
    def lookups(days: int) -> int:
        sums = {f"iss_{i}": CountingDays({day(k): (3, 0.3) for k in range(days)}) for i in range(4)}
        CountingDays.lookups = 0
        scan(
            DailyCounts({day(k): 60 for k in range(days)}, {}),
            {},
            DailyScores(sums, lambda pairs, window, baseline: {}),
        )
        return CountingDays.lookups

    assert lookups(200) == 2 * lookups(100) > 0
