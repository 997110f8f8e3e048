"""Connections, schema creation, transactions and the .sql file loader.

Every SQL statement of the project lives in `warehouse/sql/<folder>/<name>.sql`; Python code
fetches it with `sql("folder/name")` and binds parameters, never formats values into the text.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb

from koe.settings import settings

SQL_DIR = Path(__file__).resolve().parent / "sql"

# Dates (created_date, day) are computed explicitly in Asia/Tokyo inside the SQL. The session
# time zone only decides how TIMESTAMPTZ values come back to Python: as JST-aware timestamps.
SESSION_TIME_ZONE = "Asia/Tokyo"


def connect(
    path: str | os.PathLike[str] | None = None,
    read_only: bool = False,
    memory_limit: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file (default `$KOE_WAREHOUSE`, see `koe.settings`).

    DuckDB's memory is capped at ``memory_limit`` (a size such as ``500MB``, from code), else at
    ``$KOE_DUCKDB_MEMORY_LIMIT``, else DuckDB's default; past the cap it spills to disk.

    DuckDB allows one read-write process or many read-only ones per file; the pipeline is the
    only writer, the app reads the published snapshot instead (`warehouse.snapshot`).
    """
    target = Path(path) if path is not None else settings().warehouse
    if not read_only:
        target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target), read_only=read_only)
    con.execute(f"SET TimeZone = '{SESSION_TIME_ZONE}'")
    limit = memory_limit or settings().duckdb_memory_limit
    if limit is not None:  # a checked size (koe.settings), never a value from data
        con.execute(f"SET memory_limit = '{limit}'")
    return con


@cache
def sql(name: str) -> str:
    """The text of `warehouse/sql/<name>.sql`, e.g. `sql("load/upsert_feedback")`."""
    path = SQL_DIR / (name if name.endswith(".sql") else f"{name}.sql")
    if not path.is_file():
        raise FileNotFoundError(f"no SQL file {path} (asked for {name!r})")
    return path.read_text(encoding="utf-8")


def sql_files(folder: str) -> list[str]:
    """Names of the .sql files in one folder, in file-name order (the numeric prefix)."""
    return [f"{folder}/{p.stem}" for p in sorted((SQL_DIR / folder).glob("*.sql"))]


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw, nlp and insights tables if missing and (re)create the staging views.

    Idempotent: tables use CREATE ... IF NOT EXISTS, views CREATE OR REPLACE. Marts are made by
    `warehouse.marts.build_marts`, not here.
    """
    with transaction(con):
        for name in sql_files("schema") + sql_files("staging"):
            con.execute(sql(name))


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT, or ROLLBACK and re-raise on any error. Transactions do not nest."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def run_with_batches(con: duckdb.DuckDBPyConnection, statements: list[str], **batches) -> None:
    """Register the Arrow batches under their names and run the statements in one transaction."""
    for name, batch in batches.items():
        con.register(name, batch)
    try:
        with transaction(con):
            for statement in statements:
                con.execute(sql(statement))
    finally:
        for name in batches:
            con.unregister(name)
