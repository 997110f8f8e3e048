"""Command line: `python -m warehouse describe [--path P | --snapshot]` prints every table's rows;
`python -m warehouse publish [--path P]` publishes the snapshot.

Two `describe` outputs taken before and after a rerun of the pipeline should be identical.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

from koe.settings import settings
from warehouse import insights
from warehouse.db import connect, sql
from warehouse.snapshot import open_snapshot, publish_snapshot


def describe(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    """(schema.table, table|view, row count) for every relation of raw, nlp, staging and marts."""
    relations = con.execute(sql("describe_relations")).fetchall()
    rows = []
    for schema, name, kind in relations:
        # Identifiers come from the catalog, not from input; quoted all the same.
        [(count,)] = con.execute(f'SELECT count(*) FROM "{schema}"."{name}"').fetchall()
        rows.append((f"{schema}.{name}", kind, count))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m warehouse", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    show = commands.add_parser("describe", help="row counts of every table and view")
    where = show.add_mutually_exclusive_group()
    where.add_argument(
        "--path", help="warehouse file (default $KOE_WAREHOUSE or data/warehouse.duckdb)"
    )
    where.add_argument("--snapshot", action="store_true", help="describe the published snapshot")
    publish = commands.add_parser("publish", help="publish the read-only snapshot for the app")
    publish.add_argument("--path", help="warehouse file to publish")
    args = parser.parse_args(argv)

    if args.command == "publish":
        print(publish_snapshot(args.path))
        return 0
    if args.snapshot:
        con = open_snapshot()
    else:
        path = args.path or settings().warehouse
        con = connect(path, read_only=True)
    with con:
        for relation, kind, count in describe(con):
            print(f"{relation:<32} {kind:<5} {count:>10}")
        print(alerts_and_incidents(con))
    return 0


def alerts_and_incidents(con: duckdb.DuckDBPyConnection) -> str:
    """One line: the alerts the insights step stored against the incidents and episodes that
    group them (what a person works through, and what is delivered)."""
    try:
        n = insights.grouped_counts(con)
    except duckdb.CatalogException:  # a warehouse whose insights step has not run yet
        return "no alerts yet: the insights step has not run"
    per_flag = ", ".join(
        f"{flag} {n[key]:,}"
        for key in sorted(n)
        if key.startswith("incidents_")
        for flag in [key.removeprefix("incidents_")]
    )
    return (
        f"alerts {n['alerts']:,} ({n['alerts_per_voice']:,} one per flagged voice, "
        f"{n['emerging_alerts']:,} emerging) → incidents {n['incidents']:,} holding "
        f"{n['incident_voices']:,} flagged voices ({per_flag or 'none'}), "
        f"episodes {n['episodes']:,}"
    )


if __name__ == "__main__":
    sys.exit(main())
