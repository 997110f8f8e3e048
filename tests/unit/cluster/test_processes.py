"""The launcher stops what it started, and only that: pid files carry the start time too."""

from __future__ import annotations

import os
import sys
import time

from cluster import processes

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


def test_a_started_process_is_running_until_stopped(tmp_path):
    pid = processes.start(
        "sleeper", SLEEPER, run_dir=tmp_path / "run", log=tmp_path / "sleeper.log", env=os.environ
    )
    assert processes.running(tmp_path / "run", "sleeper") == pid
    assert processes.stop(tmp_path / "run", "sleeper", timeout=10) is True
    assert processes.running(tmp_path / "run", "sleeper") is None
    assert not (tmp_path / "run" / "sleeper.pid").exists()


def test_stopping_reaches_the_children_of_the_process(tmp_path):
    # A parent that starts a child and ignores SIGTERM's effect on it, like a worker's task.
    parent = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    log = tmp_path / "parent.log"
    processes.start(
        "parent", [sys.executable, "-c", parent], run_dir=tmp_path, log=log, env=os.environ
    )
    child = int(processes.wait_until(lambda: log.read_text().strip(), "the child's pid", 20))
    processes.stop(tmp_path, "parent", timeout=10)
    processes.wait_until(lambda: not os.path.exists(f"/proc/{child}"), "the child to go", 10)


def test_a_pid_file_naming_another_process_is_not_ours(tmp_path):
    """A pid file whose pid now belongs to a process started later (pid reuse) is ignored."""
    (tmp_path / "stale.pid").write_text(f"{os.getpid()} 1\n")
    assert processes.running(tmp_path, "stale") is None
    assert processes.stop(tmp_path, "stale") is False
    assert not (tmp_path / "stale.pid").exists()


def test_a_name_that_runs_already_is_not_started_twice(tmp_path):
    processes.start("once", SLEEPER, run_dir=tmp_path, log=tmp_path / "once.log", env=os.environ)
    try:
        try:
            processes.start(
                "once", SLEEPER, run_dir=tmp_path, log=tmp_path / "once.log", env=os.environ
            )
        except RuntimeError as error:
            assert "already running" in str(error)
        else:
            raise AssertionError("a second start of a running name succeeded")
    finally:
        processes.stop(tmp_path, "once", timeout=10)


def test_stop_order_is_newest_first(tmp_path):
    for name in ("first", "second"):
        (tmp_path / f"{name}.pid").write_text("1 1\n")
        time.sleep(0.02)
        os.utime(tmp_path / f"{name}.pid")
    assert processes.recorded(tmp_path) == ["second", "first"]
