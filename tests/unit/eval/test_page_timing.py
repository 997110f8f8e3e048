"""The page-timing report: medians of repeated views and the targets' marks (no browser here;
tests/browser/test_page_timing.py drives a real one)."""

from __future__ import annotations

from eval.page_timing import PageTiming, PageTimings, View, _median, report, slowest


def test_the_median_view_counts_a_page_that_never_rendered_as_the_slowest():
    assert _median([View(3.0), View(None), View(1.0)]).seconds == 3.0
    assert _median([View(None), View(None), View(1.0)]).seconds is None
    failed = _median([View(1.0), View(2.0, ("KeyError",)), View(3.0)])
    assert failed.seconds == 2.0 and failed.exceptions == ("KeyError",) and not failed.rendered


def test_the_report_marks_each_missed_target_and_names_the_slowest():
    timings = PageTimings(
        [
            PageTiming("executive", "経営ダッシュボード", View(4.2), View(1.7)),
            PageTiming("alerts", "アラート", View(5.5), View(0.9)),
            PageTiming("trends", "トレンド", View(None), View(1.0)),
        ],
        server_start_s=6.0,
        server_peak_mb=700.0,
        snapshot_bytes=300 * 2**20,
    )
    lines = report(timings, 1_000_000).splitlines()
    assert "1,000,000 documents" in lines[0] and "snapshot 300 MB" in lines[0]
    executive, alerts, trends = lines[3:]
    assert executive.split() == ["executive", "4.20", "s", "1.70", "s", "!"]
    assert alerts.split() == ["alerts", "5.50", "s", "!", "0.90", "s"]
    assert "not rendered" in trends
    assert slowest(timings) == (None, 1.7)
