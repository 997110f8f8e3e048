"""Servers koe starts listen on loopback only, also when started without koe's own flags."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support import REPO


def _listening_addresses(port: int) -> set[str]:
    """Local IPv4 addresses with a socket listening on ``port`` (from /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_a_plain_streamlit_run_binds_to_loopback(tmp_path):
    port = _free_port()
    env = {**os.environ, "KOE_SNAPSHOT": str(tmp_path / "absent.duckdb")}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app/streamlit_app.py",
            "--server.port",
            str(port),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        assert _listening_addresses(port) == {"127.0.0.1"}
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.mark.slow
def test_the_generated_airflow_config_binds_the_api_server_to_loopback(tmp_path):
    home = tmp_path / "airflow"
    subprocess.run(
        ["make", "-s", "airflow-db", f"AIRFLOW_HOME={home}"], cwd=REPO, check=True, timeout=600
    )
    config = (home / "airflow.cfg").read_text()
    assert "[api]\nhost = 127.0.0.1\n" in config
    value = subprocess.run(
        [str(REPO / ".venv" / "bin" / "airflow"), "config", "get-value", "api", "host"],
        env={k: v for k, v in os.environ.items() if k != "AIRFLOW__API__HOST"}
        | {"AIRFLOW_HOME": str(home)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert value.stdout.strip() == "127.0.0.1"
