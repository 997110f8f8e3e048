"""Helpers for the browser tests: a real `streamlit run` server on a free loopback port, and
Playwright steps that wait for Streamlit to finish before looking."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.support import REPO

ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Streamlit renders after the websocket connects and each query returns; allow for a cold start.
RENDER_TIMEOUT_MS = 30_000
EXCEPTION = '[data-testid="stException"]'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """`streamlit run app/streamlit_app.py` on a free loopback port, reading `snapshot`."""

    def __init__(
        self,
        snapshot: Path,
        log: Path,
        env: dict[str, str] | None = None,
        port: int | None = None,
        args: tuple[str, ...] = (),
    ) -> None:
        self.snapshot = snapshot
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # Without other settings, the development mode: every role, no login (loopback only).
        env = {**os.environ, "KOE_DEV_NO_LOGIN": "1", **(env or {})}
        env["KOE_SNAPSHOT"] = str(snapshot)
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app/streamlit_app.py",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(self.port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                *args,
            ],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self._wait_healthy(log)

    def _wait_healthy(self, log: Path, timeout_s: float = 30.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"streamlit exited early:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as reply:
                    if reply.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {timeout_s}s:\n{log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


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
