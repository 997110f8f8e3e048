"""Long-running processes the launcher starts and, later, stops: each in its own session (so its
children can be stopped with it), its output in a log file, and a pid file that records the
process's start time too, so a stop never signals a process that merely reuses an old pid."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def start(
    name: str,
    argv: Sequence[str],
    *,
    run_dir: Path,
    log: Path,
    env: Mapping[str, str],
    cwd: Path | None = None,
) -> int:
    """Start ``argv`` detached from this process, record it as ``name``; returns its pid."""
    if (pid := running(run_dir, name)) is not None:
        raise RuntimeError(f"{name} is already running (pid {pid}, {run_dir / (name + '.pid')})")
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        process = subprocess.Popen(
            list(argv),
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() reaches its children too
        )
    record(run_dir, name, process.pid)
    return process.pid


def record(run_dir: Path, name: str, pid: int) -> None:
    """Write ``name``'s pid file for a process started elsewhere (PostgreSQL's postmaster)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / f"{name}.pid").write_text(f"{pid} {_start_ticks(pid)}\n")


def running(run_dir: Path, name: str) -> int | None:
    """The pid of ``name`` if the process its pid file names is still that process, alive."""
    pid_file = run_dir / f"{name}.pid"
    try:
        pid_text, ticks = pid_file.read_text().split()
    except (FileNotFoundError, ValueError):
        return None
    pid = int(pid_text)
    return pid if alive(pid) and _start_ticks(pid) == int(ticks) else None


def recorded(run_dir: Path) -> list[str]:
    """Names with a pid file, newest first (the order to stop them in)."""
    files = sorted(run_dir.glob("*.pid"), key=lambda p: p.stat().st_mtime, reverse=True)
    return [p.stem for p in files]


def stop(run_dir: Path, name: str, timeout: float = 60) -> bool:
    """SIGTERM ``name``, wait up to ``timeout`` s, then SIGKILL what is left of its process group.
    Returns whether it was running. The pid file goes either way."""
    pid = running(run_dir, name)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        # Whatever the leader left behind (a worker's task processes) goes with it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    (run_dir / f"{name}.pid").unlink(missing_ok=True)
    return pid is not None


def wait_until(check, what: str, timeout: float, interval: float = 0.5):
    """Call ``check()`` until it returns something truthy; raise TimeoutError naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def alive(pid: int) -> bool:
    """Whether process ``pid`` exists and has not exited."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has exited; only its parent has not collected it yet


def _start_ticks(pid: int) -> int:
    """When the process started, in clock ticks since boot (field 22 of /proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return -1
    return int(fields[19])
