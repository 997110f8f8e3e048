"""Publishing: the snapshot is a new DuckDB file with the app's layers only."""

from __future__ import annotations

import duckdb

from warehouse.snapshot import PUBLISHED, open_snapshot, publish_snapshot


def _warehouse(path):
    with duckdb.connect(str(path)) as con:
        for schema in ("raw", "nlp", *PUBLISHED):
            con.execute(f"CREATE SCHEMA {schema}")
        con.execute("CREATE TABLE raw.feedback AS SELECT 'secret text' AS text_masked")
        con.execute("CREATE TABLE nlp.embeddings AS SELECT [0.5, 0.25]::FLOAT[] AS vector")
        con.execute("CREATE TABLE marts.feedback AS SELECT range AS n FROM range(3)")
        con.execute("CREATE TABLE insights.alerts AS SELECT 'a1' AS alert_id")


def test_the_default_warehouse_name_publishes_only_marts_and_insights(tmp_path):
    # data/warehouse.duckdb is the default: its own catalog is called "warehouse".
    source = tmp_path / "warehouse.duckdb"
    _warehouse(source)
    target = publish_snapshot(source)
    assert target == tmp_path / "warehouse.snapshot.duckdb"
    with open_snapshot(target) as snap:
        tables = snap.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'snapshot'"
        ).fetchall()
        assert sorted(tables) == [("insights", "alerts"), ("marts", "feedback")]
        assert snap.execute("SELECT count(*) FROM marts.feedback").fetchone() == (3,)
    assert b"secret text" not in target.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "warehouse.duckdb",
        "warehouse.snapshot.duckdb",
    ]


def test_publishing_again_replaces_the_snapshot(tmp_path):
    source = tmp_path / "koe.duckdb"
    _warehouse(source)
    publish_snapshot(source)
    with duckdb.connect(str(source)) as con:
        con.execute("INSERT INTO marts.feedback VALUES (3)")
    with open_snapshot(publish_snapshot(source)) as snap:
        assert snap.execute("SELECT count(*) FROM marts.feedback").fetchone() == (4,)
