"""The page timings of `make bench-scale` (eval.page_timing) on the small fixture snapshot: every
page of the dashboard opens in headless Chromium, first after a publish and then warm, and
renders without an exception. Times are printed, never asserted (the machine is shared)."""

from __future__ import annotations

import pytest

from eval.page_timing import pages, report, slowest, time_pages
from tests.support.warehouse_rows import build_fixture_warehouse

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_every_page_renders_first_after_a_publish_and_then_warm(tmp_path):
    snapshot = build_fixture_warehouse(tmp_path / "fixture.snapshot.duckdb")
    checks = pages(term="ログイン")  # a word of the fixture's login issue
    timings = time_pages(snapshot, tmp_path / "pages", checks, timeout_s=60)

    assert [t.path for t in timings.pages] == [c.path for c in checks]
    assert {c.path for c in checks} == {
        "executive",
        "alerts",
        "trends",
        "concordance",
        "cases",
        "issue",
        "reports",
        "agent-qa",
        "quarantine",
        "operations",
    }
    not_rendered = [
        (t.path, view, v.exceptions)
        for t in timings.pages
        for view, v in (("first view", t.first_view), ("warm", t.warm))
        if not v.rendered
    ]
    assert not_rendered == []
    assert timings.server_start_s > 0 and timings.snapshot_bytes > 0
    assert all(s is not None and s > 0 for s in slowest(timings))
    text = report(timings, 48)
    assert "first view after a publish" in text and "≤ 1.5 s" in text
    assert len(text.splitlines()) == 3 + len(checks)
    print(text)
