"""Command line: `python -m warehouse describe [--path P | --snapshot]` prints every table's rows;
`python -m warehouse publish [--path P]` publishes the snapshot.

Two `describe` outputs taken before and after a rerun of the pipeline should be identical.
"""

from __future__ import annotations

import argparse
import sys

import duckdb

from koe.settings import settings
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
