"""Publish the warehouse as a read-only snapshot file for the app, and open it.

DuckDB lets one process write a file or many read it, never both. The pipeline therefore owns
`warehouse.duckdb`, and after each marts build publishes a byte copy, `<stem>.snapshot.duckdb`,
with an atomic `os.replace`. The app only ever opens the snapshot read-only: a reader that
holds the old file keeps reading it (the replaced inode lives on until it closes), and the next
`open_snapshot()` sees the new one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import duckdb

from koe.files import replacing
from koe.settings import for_warehouse, settings
from warehouse.db import SESSION_TIME_ZONE

_COPY_CHUNK = 16 * 1024 * 1024


def publish_snapshot(path: str | os.PathLike[str] | None = None) -> Path:
    """Copy the warehouse at `path` (default `$KOE_WAREHOUSE`) to its snapshot path (`$KOE_SNAPSHOT`,
    else beside it), atomically.

    Close the pipeline's write connection before calling this: publishing checkpoints the file
    (folds the write-ahead log into it) through its own connection, and that needs the file lock
    if the writer is another process. Returns the snapshot path.
    """
    config = for_warehouse(path)
    source = config.warehouse
    if not source.is_file():
        raise FileNotFoundError(f"no warehouse at {source} to publish; run the pipeline first")
    target = config.snapshot
    _checkpoint(source)

    with replacing(target) as out, source.open("rb") as src:
        shutil.copyfileobj(src, out, _COPY_CHUNK)
        out.flush()
        _check_readable(Path(out.name))
        # A WAL beside the snapshot would be replayed onto the new file: it can only be stale.
        with contextlib.suppress(FileNotFoundError):
            target.with_name(target.name + ".wal").unlink()
    return target


def open_snapshot(snapshot: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published snapshot (default `$KOE_SNAPSHOT`, see
    `koe.settings`).

    The file is ATTACHed to a fresh in-memory database and made the default catalog, so
    `marts.feedback` resolves as usual. Unlike `duckdb.connect(path)`, which reuses an instance
    already open in this process, every call sees the file as it is now. Use one cursor per
    thread (`con.cursor()`); reopen when `snapshot_version()` changes to pick up a new publish.
    """
    target = Path(snapshot) if snapshot is not None else settings().snapshot
    if not target.is_file():
        raise FileNotFoundError(
            f"no warehouse snapshot at {target} yet: run the pipeline (make pipeline), which "
            "builds the marts and publishes the snapshot"
        )
    con = duckdb.connect(":memory:")
    con.execute("ATTACH $path AS snapshot (READ_ONLY)", {"path": str(target)})
    con.execute("USE snapshot")
    con.execute(f"SET TimeZone = '{SESSION_TIME_ZONE}'")
    return con


def snapshot_version(snapshot: str | os.PathLike[str] | None = None) -> tuple[int, int] | None:
    """(inode, mtime_ns) of the snapshot, None if absent: a cache key that changes on publish."""
    target = Path(snapshot) if snapshot is not None else settings().snapshot
    try:
        stat = target.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns


def _checkpoint(source: Path) -> None:
    try:
        con = duckdb.connect(str(source))
    except duckdb.IOException as error:
        raise RuntimeError(
            f"cannot publish {source}: another process still has it open for writing; "
            f"close the pipeline's connection first ({error})"
        ) from error
    try:
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _check_readable(copy: Path) -> None:
    """Refuse to publish a copy DuckDB cannot open."""
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH $path AS candidate (READ_ONLY)", {"path": str(copy)})
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = 'candidate'"
        ).fetchall()
    finally:
        con.close()
