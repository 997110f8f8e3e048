"""Atomic file replacement: readable by others, and no temporary copies left behind by a crash."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap

import duckdb
import pytest

from koe.files import remove_stale_temporaries, replacing, replacing_path, write_atomically


def test_a_replaced_file_is_readable_by_other_users(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomically(tmp_path / "koe.snapshot.duckdb", "x")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "koe.snapshot.duckdb").stat().st_mode)
    assert mode == 0o644


def test_a_temporary_left_by_a_killed_writer_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "koe.snapshot.duckdb"
    # A writer that dies (kill -9) in the middle of a publish leaves its temporary file behind.
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(os.getcwd())!r})
        from pathlib import Path
        from koe.files import replacing
        with replacing(Path({str(target)!r})) as out:
            out.write(b"x" * 100_000)
            out.flush()
            os.kill(os.getpid(), 9)
        """
    )
    subprocess.run([sys.executable, "-c", script], check=False)
    left = list(tmp_path.glob(".koe.snapshot.duckdb.*.tmp"))
    assert len(left) == 1 and not target.exists()

    write_atomically(target, "new")

    assert target.read_text() == "new"
    assert list(tmp_path.glob("*.tmp")) == []


def test_a_live_writers_temporary_is_left_alone(tmp_path):
    target = tmp_path / "report.html"
    with replacing(target) as out:
        out.write(b"half")
        assert remove_stale_temporaries(target) == []
        assert os.path.exists(out.name)
    assert target.read_bytes() == b"half"


def test_a_database_written_at_a_replacing_path_replaces_the_target(tmp_path):
    target = tmp_path / "koe.snapshot.duckdb"
    write_atomically(target, "old")
    with replacing_path(target) as path:
        assert not path.exists()  # DuckDB refuses to open an empty file: the writer creates it
        with duckdb.connect(str(path)) as con:
            con.execute("CREATE TABLE t AS SELECT 42 AS x")
        assert target.read_text() == "old"
    with duckdb.connect(str(target), read_only=True) as con:
        assert con.execute("SELECT x FROM t").fetchall() == [(42,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["koe.snapshot.duckdb"]


def test_a_failed_or_killed_database_writer_leaves_nothing_behind(tmp_path):
    target = tmp_path / "koe.snapshot.duckdb"
    with pytest.raises(RuntimeError), replacing_path(target) as path:
        duckdb.connect(str(path)).execute("CREATE TABLE t AS SELECT 1")
        raise RuntimeError("the copy failed")
    assert list(tmp_path.iterdir()) == []
    # A writer killed mid-way leaves its unlocked marker and its half-written database.
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(os.getcwd())!r})
        from pathlib import Path
        import duckdb
        from koe.files import replacing_path
        with replacing_path(Path({str(target)!r})) as path:
            duckdb.connect(str(path)).execute("CREATE TABLE t AS SELECT 1")
            os.kill(os.getpid(), 9)
        """
    )
    subprocess.run([sys.executable, "-c", script], check=False)
    assert len(list(tmp_path.glob(".koe.snapshot.duckdb.*.tmp.db*"))) >= 1

    with replacing_path(target) as path:
        duckdb.connect(str(path)).close()

    assert sorted(p.name for p in tmp_path.iterdir()) == ["koe.snapshot.duckdb"]
