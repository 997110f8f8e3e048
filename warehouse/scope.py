"""Row-level scope for a product team: the snapshot as only its own products' rows.

A 製品チーム user may see the issues, voices and weekly reports of its products and nothing
else, whatever page or URL it opens. Rather than trusting every page and query to filter, the
team's connection reads the snapshot through views: the snapshot is attached as ``src``, and
``marts.<table>`` / ``insights.<table>`` in the session's own catalog select from it only

- rows whose ``product`` is one of the team's;
- else rows of issues, feedback or calls that belong to those products;
- for ``insights.weekly_reports``, the team's own reports;
- and no rows of any other relation (KPIs, quarantine, delivery state): deny by default.

The app's queries run unchanged on top: they name ``marts.feedback`` and get the team's rows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.db import SESSION_TIME_ZONE, sql

_IN_SCOPE_PRODUCTS = "SELECT product FROM main.scope_products"
_RULES = (
    ("product", f"product IN ({_IN_SCOPE_PRODUCTS})"),
    (
        "issue_id",
        f"issue_id IN (SELECT issue_id FROM src.marts.feedback WHERE product IN ({_IN_SCOPE_PRODUCTS}))",
    ),
    (
        "feedback_id",
        f"feedback_id IN (SELECT feedback_id FROM src.marts.feedback WHERE product IN ({_IN_SCOPE_PRODUCTS}))",
    ),
    (
        "call_id",
        f"call_id IN (SELECT call_id FROM src.marts.calls WHERE product IN ({_IN_SCOPE_PRODUCTS}))",
    ),
)


@dataclass(frozen=True)
class ProductScope:
    """What one product team may read: its name and its products."""

    team: str
    products: tuple[str, ...]


def open_scoped(snapshot: str | os.PathLike[str], scope: ProductScope) -> duckdb.DuckDBPyConnection:
    """A connection whose ``marts`` and ``insights`` hold only ``scope``'s rows of ``snapshot``."""
    con = duckdb.connect(":memory:")
    con.execute("ATTACH $path AS src (READ_ONLY)", {"path": str(Path(snapshot))})
    con.execute(sql("scope/setup"))
    con.executemany("INSERT INTO main.scope_products VALUES (?)", [(p,) for p in scope.products])
    con.execute("INSERT INTO main.scope_team VALUES (?)", [scope.team])
    for schema, table, keys in con.execute(sql("scope/relations")).fetchall():
        # Identifiers come from DuckDB's own catalog; they cannot be bound, only quoted.
        name = f'"{schema}"."{table}"'
        con.execute(
            f"CREATE VIEW memory.{name} AS SELECT * FROM src.{name} WHERE {_rule(schema, table, keys or [])}"
        )
    con.execute(f"SET TimeZone = '{SESSION_TIME_ZONE}'")
    return con


def _rule(schema: str, table: str, keys: list[str]) -> str:
    if (schema, table) == ("insights", "weekly_reports"):
        return "team = (SELECT team FROM main.scope_team)"
    for key, condition in _RULES:
        if key in keys:
            return condition
    return "false"
