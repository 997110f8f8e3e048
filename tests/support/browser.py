"""Helpers for the browser tests: a real `streamlit run` server on a free loopback port, and
Playwright steps that wait for Streamlit to finish before looking. The server and the browser's
settings are those of the page timings (`eval.app_server`, `eval.page_timing`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from eval.app_server import StreamlitServer
from eval.page_timing import CHROMIUM, CHROMIUM_ARGS, EXCEPTION
from tests.support import REPO

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "EXCEPTION", "StreamlitServer"]  # and the helpers below

ARTIFACTS = REPO / "tests" / "artifacts"
# Streamlit renders after the websocket connects and each query returns; allow for a cold start.
RENDER_TIMEOUT_MS = 30_000


def _serve(snapshot: Path, name: str) -> Iterator[StreamlitServer]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = StreamlitServer(snapshot, ARTIFACTS / f"streamlit-{name}.log")
    try:
        yield server
    finally:
        server.stop()


def _open(page, url: str, heading: str):
    page.goto(url)
    page.get_by_role("heading", name=heading, exact=True).wait_for()
    return page


def _see(page, text: str) -> None:
    """Wait until `text` is visible somewhere on the page."""
    page.get_by_text(text, exact=False).first.wait_for(state="visible")


def _charts(page, expected: int) -> int:
    """Wait for `expected` Plotly charts to draw (the Plotly bundle loads lazily); the count."""
    page.locator(".js-plotly-plot").nth(expected - 1).wait_for(state="visible")
    return page.locator(".js-plotly-plot").count()


def _finish(page, name: str) -> None:
    # Wait for Streamlit's "running" indicator to go, so the screenshot shows the finished page.
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).first.inner_text()
