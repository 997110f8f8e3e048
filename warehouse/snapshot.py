"""Publish what the app reads as a read-only snapshot file, and open it.

DuckDB lets one process write a file or many read it, never both. The pipeline therefore owns
`warehouse.duckdb`, and after each marts build publishes `<stem>.snapshot.duckdb` with an atomic
`os.replace`. The snapshot holds the app's layers only, `marts` and `insights` (`PUBLISHED`),
copied table by table into a fresh file: never the raw text, the embedding cache or the nlp
tables, which are most of the warehouse and grow with every document (issue #14). The app only
ever opens the snapshot read-only: a reader that holds the old file keeps reading it (the
replaced inode lives on until it closes), and the next `open_snapshot()` sees the new one.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import duckdb

from koe.files import replacing_path
from koe.settings import for_warehouse, settings
from warehouse.db import SESSION_TIME_ZONE, sql

# The schemas the app reads (`warehouse/sql/app/`, `warehouse/scope.py`): every table in them
# is published, nothing else.
PUBLISHED = ("marts", "insights")


def publish_snapshot(path: str | os.PathLike[str] | None = None) -> Path:
    """Copy the `PUBLISHED` tables of the warehouse at `path` (default `$KOE_WAREHOUSE`) to its
    snapshot path (`$KOE_SNAPSHOT`, else beside it), atomically.

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

    with replacing_path(target) as copy:
        _copy_published(source, copy)
        _check_readable(copy)
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


def _copy_published(source: Path, copy: Path) -> None:
    """Write the `PUBLISHED` tables of ``source`` into a new DuckDB file ``copy``, in one go."""
    con = duckdb.connect(str(copy))
    try:
        # Not "warehouse": a DuckDB file's own catalog is named after its file (warehouse.…).
        con.execute("ATTACH $path AS publish_source (READ_ONLY)", {"path": str(source)})
        tables = con.execute(sql("publish/tables"), {"schemas": list(PUBLISHED)}).fetchall()
        con.execute("BEGIN")
        for schema in PUBLISHED:
            # Identifiers come from PUBLISHED and DuckDB's own catalog; quoted all the same.
            con.execute(f'CREATE SCHEMA "{schema}"')
        for schema, table in tables:
            con.execute(
                f'CREATE TABLE "{schema}"."{table}" AS FROM publish_source."{schema}"."{table}"'
            )
        con.execute("COMMIT")
        con.execute("DETACH publish_source")
        con.execute("CHECKPOINT")
    finally:
        con.close()


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
