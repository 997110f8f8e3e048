"""The sidebar period's default: the last 90 days with data, or all of them when fewer."""

from __future__ import annotations

from datetime import date

from app.filters import DEFAULT_DAYS, default_period


def test_the_period_opens_on_the_last_90_days_with_data():
    assert DEFAULT_DAYS == 90
    assert default_period(date(2026, 8, 1), date(2027, 7, 31)) == (
        date(2027, 5, 3),
        date(2027, 7, 31),
    )
    start, end = default_period(date(2026, 1, 1), date(2026, 12, 31))
    assert (end - start).days + 1 == 90


def test_a_shorter_history_opens_whole():
    assert default_period(date(2026, 8, 3), date(2026, 8, 16)) == (
        date(2026, 8, 3),
        date(2026, 8, 16),
    )
    assert default_period(date(2026, 8, 1), date(2026, 10, 29)) == (
        date(2026, 8, 1),
        date(2026, 10, 29),
    )
