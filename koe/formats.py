"""Number formats the dashboard and the weekly reports share, so both write a figure the same way."""

from __future__ import annotations

import math


def interval_text(value: float | None, low: float, high: float, unit: str = "%") -> str:
    """A share with its interval in percent (or points), e.g. 「12.0%（5.1〜21.3%）」; 「—」 when
    undefined."""
    if value is None or math.isnan(value):
        return "—"
    point, low, high = (round(x * 100, 1) + 0.0 for x in (value, low, high))  # + 0.0: no "-0.0"
    return f"{point:.1f}{unit}（{low:.1f}〜{high:.1f}{unit}）"
