"""Emerging issues: which recurring issues rose, appeared or soured, each against its own baseline.

**Volume.** An issue's count over a window (the last day, or the last 7 days) is tested as its
share of all feedback in that window, against its share over the baseline (the 28 days before).
Conditioning on the window's total copes with weekday patterns: a Monday brings more of
everything, not more of one issue. The test is the exact upper tail of a beta-binomial, so low
counts need no normal approximation, and day-to-day overdispersion measured in the baseline
widens it (with none, it is the binomial). A rise must also be large (observed ≥ 2 × expected)
and not tiny (at least 3 documents) to alert.

**How strict.** The promise is at most one false alert per issue in 90 days, so the level of each
test is set from that budget: every issue is tested once a day for each window, 90 × 2 tests in
90 days, and ``ALPHA`` = ``FALSE_ALERTS_PER_90_DAYS`` / 180 keeps the expected number of false
alerts per issue at a quarter of the promise (fewer still, as a rise that lasts is one episode).
A correction over issues (Bonferroni) would make the test stricter the more issues koe finds,
and one planted rise split over several issues would go unseen.

**Products.** The same test runs on each product's complaints as a whole, with a lower bar for
the size of the rise (1.5 ×): one issue tripling lifts its product by less, and when the
clustering tells one problem apart in several issues (different symptoms of one release bug),
each of them rises too little to stand out alone while the product does.

**New issues.** An issue first seen after the data had a full baseline, that gathered at least 3
documents within 7 days of its first one.

**Sentiment drops.** An issue's sentiment scores over the last 7 days against its baseline's, by a
one-sided Mann–Whitney U test at the same level, with a mean drop of at least 0.2.

A rise that keeps going is one episode: it alerts on its first day, not again every day after.
Everything here is a pure function of per-day counts; `pipeline/marts.py` reads and stores.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

BASELINE_DAYS = 28
WINDOWS = (1, 7)  # days: the last day, and the last week
FALSE_ALERTS_PER_90_DAYS = 0.25  # expected, per issue; the promise is at most 1
ALPHA = FALSE_ALERTS_PER_90_DAYS / (90 * len(WINDOWS))
MIN_COUNT = 3
MIN_RATIO = 2.0
PRODUCT_MIN_RATIO = 1.5
NEW_ISSUE_DAYS = 7
MIN_SENTIMENT_DROP = 0.2
MIN_SENTIMENT_DOCS = 5


@dataclass(frozen=True)
class ShareTest:
    """An issue's count in a window against the count its baseline share predicts."""

    observed: int
    total: int  # all feedback in the window
    expected: float
    p_value: float  # one-sided, before correction
    dispersion: float  # ≥ 1; 1 = binomial

    @property
    def ratio(self) -> float:
        return self.observed / self.expected if self.expected > 0 else math.inf


def share_test(
    observed: int,
    total: int,
    baseline_counts: Sequence[int],
    baseline_totals: Sequence[int],
) -> ShareTest:
    """Is ``observed`` of ``total`` more than the issue's baseline share of daily totals predicts?

    The baseline share is (Σ counts + ½) / (Σ totals + 1), so an issue never seen in the baseline
    still has a small, positive expected share. Overdispersion φ is the Pearson χ² of the baseline
    days over their degrees of freedom (at least 1); the beta-binomial with intra-class correlation
    ρ = (φ − 1)/(n̄ − 1) has that variance inflation at the mean daily total n̄.
    """
    counts = np.asarray(baseline_counts, dtype=float)
    totals = np.asarray(baseline_totals, dtype=float)
    if total <= 0:
        return ShareTest(observed, total, 0.0, 1.0, 1.0)
    share = (counts.sum() + 0.5) / (totals.sum() + 1.0)
    dispersion = _dispersion(counts, totals, share)
    mean_total = totals[totals > 0].mean() if (totals > 0).any() else float(total)
    p_value = _upper_tail(observed, total, share, dispersion, mean_total)
    return ShareTest(observed, total, total * share, p_value, dispersion)


def _dispersion(counts: np.ndarray, totals: np.ndarray, share: float) -> float:
    used = totals > 0
    if used.sum() < 2:
        return 1.0
    expected = totals[used] * share
    chi2 = ((counts[used] - expected) ** 2 / (expected * (1 - share))).sum()
    return max(1.0, float(chi2 / (used.sum() - 1)))


def _upper_tail(observed: int, total: int, share: float, dispersion: float, n_bar: float) -> float:
    """P(X ≥ observed) for X counting the issue among ``total`` documents."""
    from scipy.stats import betabinom, binom

    if observed <= 0:
        return 1.0
    rho = (dispersion - 1.0) / (n_bar - 1.0) if n_bar > 1 else 0.0
    if rho <= 1e-9:
        return float(binom.sf(observed - 1, total, share))
    rho = min(rho, 0.99)
    a = share * (1.0 / rho - 1.0)
    b = (1.0 - share) * (1.0 / rho - 1.0)
    return float(betabinom.sf(observed - 1, total, a, b))


@dataclass(frozen=True)
class EmergingAlert:
    """One alert about an issue, with the figures that justify it."""

    kind: str  # "volume_spike" | "product_spike" | "new_issue" | "sentiment_drop"
    issue_id: str  # the product, for a product_spike
    day: date  # the last day of the window that triggered it
    window_days: int
    observed: float
    expected: float
    p_value: float | None  # one-sided; None where no test applies (a new issue)
    evidence: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DailyCounts:
    """Per-day feedback totals and per-issue counts, the input of the volume tests.

    ``totals[d]`` counts every piece of feedback of day ``d`` (any issue or none);
    ``issues[issue_id][d]`` counts that issue's documents. Missing days count zero.
    """

    totals: Mapping[date, int]
    issues: Mapping[str, Mapping[date, int]]

    def window(self, counts: Mapping[date, int], end: date, days: int) -> int:
        return sum(counts.get(end - timedelta(days=k), 0) for k in range(days))

    def days(self) -> list[date]:
        return sorted(self.totals)


def volume_spikes(
    data: DailyCounts,
    day: date,
    window_days: int = 1,
    baseline_days: int = BASELINE_DAYS,
    alpha: float = ALPHA,
    min_ratio: float = MIN_RATIO,
    kind: str = "volume_spike",
) -> list[EmergingAlert]:
    """Series (issues, or products) whose count over the ``window_days`` ending on ``day`` rose
    significantly; ``kind`` names the alerts."""
    baseline_end = day - timedelta(days=window_days)
    baseline = [baseline_end - timedelta(days=k) for k in range(baseline_days)]
    first = min(data.totals) if data.totals else day
    if baseline[-1] < first:
        return []  # not a full baseline of history yet
    total = data.window(data.totals, day, window_days)
    base_totals = [data.totals.get(d, 0) for d in baseline]
    tests = {}
    for issue_id, counts in data.issues.items():
        observed = data.window(counts, day, window_days)
        if observed < MIN_COUNT:
            continue
        tests[issue_id] = share_test(
            observed, total, [counts.get(d, 0) for d in baseline], base_totals
        )
    alerts = []
    for issue_id, test in sorted(tests.items()):
        if test.p_value < alpha and test.ratio >= min_ratio:
            alerts.append(
                EmergingAlert(
                    kind,
                    issue_id,
                    day,
                    window_days,
                    test.observed,
                    round(test.expected, 3),
                    test.p_value,
                    {
                        "window_total": test.total,
                        "baseline_days": baseline_days,
                        "baseline_count": sum(data.issues[issue_id].get(d, 0) for d in baseline),
                        "baseline_total": sum(base_totals),
                        "dispersion": round(test.dispersion, 3),
                        "ratio": round(test.ratio, 2),
                        "alpha": alpha,
                    },
                )
            )
    return alerts


def new_issues(
    first_seen: Mapping[str, date],
    data: DailyCounts,
    min_count: int = MIN_COUNT,
    within_days: int = NEW_ISSUE_DAYS,
    baseline_days: int = BASELINE_DAYS,
) -> list[EmergingAlert]:
    """Issues that appeared once the data had a baseline, alerted the day they reach ``min_count``."""
    if not data.totals:
        return []
    history_from = min(data.totals) + timedelta(days=baseline_days)
    alerts = []
    for issue_id, start in sorted(first_seen.items()):
        if start < history_from:
            continue  # present from the start: nothing to say it is new
        counts = data.issues.get(issue_id, {})
        running = 0
        for k in range(within_days):
            running += counts.get(start + timedelta(days=k), 0)
            if running >= min_count:
                alerts.append(
                    EmergingAlert(
                        "new_issue",
                        issue_id,
                        start + timedelta(days=k),
                        k + 1,
                        running,
                        0.0,
                        None,
                        {"first_seen": start.isoformat()},
                    )
                )
                break
    return alerts


@dataclass(frozen=True)
class DailyScores:
    """Each issue's sentiment per day, the input of the sentiment-drop test.

    ``sums[issue_id][d]`` is (documents with a score, the sum of their scores) on day ``d``: enough
    to see which windows could have dropped. ``samples`` returns, for the (issue, day) pairs that
    could, the exact scores of their recent and baseline windows (``window_days`` ending on the
    day, and ``baseline_days`` before them), which the test itself needs. Scores are read for those
    few windows only, never for the whole history.
    """

    sums: Mapping[str, Mapping[date, tuple[int, float]]]
    samples: Callable[
        [Sequence[tuple[str, date]], int, int],
        Mapping[tuple[str, date], tuple[np.ndarray, np.ndarray]],
    ]

    @classmethod
    def from_rows(cls, scores: Mapping[str, Sequence[tuple[date, float]]]) -> DailyScores:
        """From each issue's (day, score) pairs."""
        sums: dict[str, dict[date, tuple[int, float]]] = {}
        for issue_id, rows in scores.items():
            by_day: dict[date, tuple[int, float]] = {}
            for d, s in rows:
                n, total = by_day.get(d, (0, 0.0))
                by_day[d] = (n + 1, total + s)
            sums[issue_id] = by_day

        def samples(pairs, window_days, baseline_days):
            out = {}
            for issue_id, day in pairs:
                recent_from = day - timedelta(days=window_days - 1)
                base_from = recent_from - timedelta(days=baseline_days)
                rows = scores[issue_id]
                out[issue_id, day] = (
                    np.array([s for d, s in rows if recent_from <= d <= day], dtype=float),
                    np.array([s for d, s in rows if base_from <= d < recent_from], dtype=float),
                )
            return out

        return cls(sums, samples)


def window_samples(pairs, rows) -> dict[tuple[str, date], tuple[np.ndarray, np.ndarray]]:
    """`DailyScores.samples` from counted scores: ``rows`` of (issue_id, day, recent, score,
    documents) for the (issue, day) ``pairs``; each score repeated as often as it was given."""
    counted: dict = {pair: ([], []) for pair in pairs}
    for issue_id, day, recent, score, documents in rows:
        counted[issue_id, day][0 if recent else 1].append((score, documents))
    return {
        pair: tuple(
            np.repeat(np.array([s for s, _ in side], dtype=float), [n for _, n in side])
            for side in sides
        )
        for pair, sides in counted.items()
    }


# The sums say which windows may have dropped; the exact means decide. Summing in another order
# moves a mean by far less than this, so no window that drops is passed over.
_SUM_SLACK = 1e-9


def _could_drop(by_day, recent_from: date, day: date, base_from: date) -> bool:
    n_recent = s_recent = n_base = s_base = 0
    d = base_from
    while d <= day:
        n, total = by_day.get(d, (0, 0.0))
        if d < recent_from:
            n_base, s_base = n_base + n, s_base + total
        else:
            n_recent, s_recent = n_recent + n, s_recent + total
        d += timedelta(days=1)
    if n_recent < MIN_SENTIMENT_DOCS or n_base < MIN_SENTIMENT_DOCS:
        return False
    return s_base / n_base - s_recent / n_recent >= MIN_SENTIMENT_DROP - _SUM_SLACK


def sentiment_drops(
    scores: Mapping[str, Sequence[tuple[date, float]]] | DailyScores,
    day: date,
    window_days: int = 7,
    baseline_days: int = BASELINE_DAYS,
    alpha: float = ALPHA,
) -> list[EmergingAlert]:
    """Issues whose sentiment over the last ``window_days`` fell below their baseline's.
    ``scores``: each issue's (day, score) pairs, or its `DailyScores`."""
    return _sentiment_drops(scores, [day], window_days, baseline_days, alpha)


def _sentiment_drops(scores, days, window_days=7, baseline_days=BASELINE_DAYS, alpha=ALPHA):
    """`sentiment_drops` on each of ``days``: the daily sums pick the windows that may have
    dropped, and only their exact scores are read and tested."""
    from scipy.stats import mannwhitneyu

    if not isinstance(scores, DailyScores):
        scores = DailyScores.from_rows(scores)
    pairs = []
    for day in days:
        recent_from = day - timedelta(days=window_days - 1)
        base_from = recent_from - timedelta(days=baseline_days)
        pairs += [
            (issue_id, day)
            for issue_id, by_day in scores.sums.items()
            if _could_drop(by_day, recent_from, day, base_from)
        ]
    samples = scores.samples(pairs, window_days, baseline_days) if pairs else {}
    alerts = []
    for issue_id, day in sorted(pairs, key=lambda p: (p[1], p[0])):
        recent, base = samples[issue_id, day]
        if len(recent) < MIN_SENTIMENT_DOCS or len(base) < MIN_SENTIMENT_DOCS:
            continue
        drop = float(np.mean(base) - np.mean(recent))
        if drop < MIN_SENTIMENT_DROP:
            continue
        p = float(mannwhitneyu(recent, base, alternative="less").pvalue)
        if p < alpha:
            alerts.append(
                EmergingAlert(
                    "sentiment_drop",
                    issue_id,
                    day,
                    window_days,
                    round(float(np.mean(recent)), 3),
                    round(float(np.mean(base)), 3),
                    p,
                    {
                        "recent_docs": len(recent),
                        "baseline_docs": len(base),
                        "drop": round(drop, 3),
                        "alpha": alpha,
                    },
                )
            )
    return alerts


def episodes(alerts: Iterable[EmergingAlert]) -> list[EmergingAlert]:
    """The first alert of each run of consecutive days with the same kind, issue and window."""
    kept = []
    last_day: dict[tuple[str, str, int], date] = {}
    for alert in sorted(alerts, key=lambda a: (a.day, a.kind, a.issue_id, a.window_days)):
        key = (alert.kind, alert.issue_id, alert.window_days)
        previous = last_day.get(key)
        last_day[key] = alert.day
        if previous is not None and (alert.day - previous).days <= 1:
            continue
        kept.append(alert)
    return kept


def scan(
    data: DailyCounts,
    first_seen: Mapping[str, date],
    scores: Mapping[str, Sequence[tuple[date, float]]] | DailyScores,
    products: DailyCounts | None = None,
    windows: Sequence[int] = WINDOWS,
    reuse: Mapping[date, list[EmergingAlert]] | None = None,
) -> list[EmergingAlert]:
    """Every emerging-issue alert over the whole period, one per episode, oldest first.

    ``products`` counts each product's complaints per day (its ``issues`` keyed by product);
    their alerts are of kind ``product_spike`` with the product in ``issue_id``. ``reuse`` holds
    the tests of days whose `SPAN_DAYS` have not changed since they were run (see
    `insights.scan_state`); the other days are tested (`scan_days`).
    """
    reuse = reuse or {}
    fresh = scan_days(data, scores, [d for d in data.days() if d not in reuse], products, windows)
    found = [a for day in data.days() for a in (reuse[day] if day in reuse else fresh[day])]
    return episodes(found + new_issues(first_seen, data))


# A day's tests read the days of their longest window and its baseline, ending on that day.
SPAN_DAYS = BASELINE_DAYS + max(WINDOWS)


def scan_days(
    data: DailyCounts,
    scores: Mapping[str, Sequence[tuple[date, float]]] | DailyScores,
    days: Sequence[date],
    products: DailyCounts | None = None,
    windows: Sequence[int] = WINDOWS,
) -> dict[date, list[EmergingAlert]]:
    """The volume, product and sentiment tests of each of ``days``, before they are merged into
    episodes. A day's tests read only the `SPAN_DAYS` ending on it (and the first day of data),
    so the scan grows with days × issues, and a day whose span is unchanged need not run again.
    """
    found: dict[date, list[EmergingAlert]] = {day: [] for day in days}
    for day in days:
        for window in windows:
            found[day] += volume_spikes(data, day, window)
            if products is not None:
                found[day] += volume_spikes(
                    products, day, window, min_ratio=PRODUCT_MIN_RATIO, kind="product_spike"
                )
    for alert in _sentiment_drops(scores, days):
        found[alert.day].append(alert)
    return found
