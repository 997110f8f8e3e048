"""The per-text analysis over partitions: planned from the warehouse, analysed apart, loaded once."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from koe.settings import reload as reload_settings
from pipeline.analysis import analyze_new_feedback, analyze_partition, load_analysis, plan_analysis
from pipeline.ingest import ingest_channel
from pipeline.partitions import batches_of, result_path, rows_per_partition
from sample import generate
from warehouse.db import connect


def test_rows_per_partition_never_asks_for_more_than_the_map_limit():
    assert rows_per_partition(10, 2000) == 2000
    assert rows_per_partition(5_000_000, 2000, max_partitions=1024) == 4883
    assert rows_per_partition(0, 2000) == 2000


def test_batches_are_recut_to_the_partition_size():
    stream = pa.RecordBatchReader.from_batches(
        pa.schema([("n", pa.int64())]),
        [pa.record_batch([pa.array(range(i, i + 7))], names=["n"]) for i in range(0, 21, 7)],
    )
    cut = list(batches_of(stream, 5))
    assert [b.num_rows for b in cut] == [5, 5, 5, 5, 1]
    assert [v for b in cut for v in b.column(0).to_pylist()] == list(range(21))


def _analysed(warehouse) -> dict:
    with connect(warehouse, read_only=True) as con:
        return dict(
            con.execute(
                "SELECT feedback_id, sentiment || ':' || list_sort(flags)::VARCHAR"
                " FROM nlp.feedback_analysis"
            ).fetchall()
        )


def _originals(warehouse) -> int:
    with connect(warehouse, read_only=True) as con:
        return con.execute(
            "SELECT count(*) FROM staging.feedback WHERE duplicate_of IS NULL"
        ).fetchone()[0]


@pytest.mark.slow
def test_partitions_load_in_one_step_and_a_crash_before_loading_leaves_nothing(
    tmp_path, monkeypatch
):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "koe.duckdb"
    generate(inbox, days=3, per_day=25, seed=5)
    for channel in ("call", "email", "form", "sns"):
        ingest_channel(channel, inbox, warehouse)
    monkeypatch.setenv("KOE_PARTITION_SIZE", "20")
    monkeypatch.setenv("KOE_STAGING_DIR", str(tmp_path / "staging"))
    reload_settings()
    try:
        partitions = plan_analysis(warehouse)
        originals = _originals(warehouse)
        assert len(partitions) == -(-originals // 20) >= 3
        # Partitions hold masked text and cached vectors, nothing of the warehouse's raw layer.
        assert {pq.read_schema(p).names[i] for p in partitions for i in range(6)} >= {
            "feedback_id",
            "text_masked",
            "cached_vector",
        }
        # A crash after some partitions were analysed: the warehouse holds none of their rows,
        # and the next plan starts again from the warehouse.
        analyze_partition(partitions[0])
        assert result_path(partitions[0]).exists()
        assert _analysed(warehouse) == {}
        again = plan_analysis(warehouse)
        assert len(again) == len(partitions) and not any(p in again for p in partitions)

        counts = load_analysis([analyze_partition(p) for p in again], warehouse)
        assert (counts["partitions"], counts["analysed"]) == (len(again), originals)
        assert 0 < counts["embedded"] <= originals
        assert not (tmp_path / "staging" / "analysis").exists() or not any(
            (tmp_path / "staging" / "analysis").iterdir()
        )
        by_partition = _analysed(warehouse)
        assert len(by_partition) == originals
        assert plan_analysis(warehouse) == []
        assert analyze_new_feedback(warehouse) == {"partitions": 0, "analysed": 0, "embedded": 0}
    finally:
        monkeypatch.delenv("KOE_PARTITION_SIZE")
        reload_settings()

    # One partition or many: the same analysis.
    single = tmp_path / "single.duckdb"
    for channel in ("call", "email", "form", "sns"):
        ingest_channel(channel, inbox, single)
    assert analyze_new_feedback(single)["partitions"] == 1
    assert _analysed(single) == by_partition

    # Analysed again (another analysis version, say): every text's stored vector rides along in
    # its partition, looked up per batch, so no task embeds a text twice.
    with connect(single) as con:
        con.execute("DELETE FROM nlp.feedback_analysis")
    monkeypatch.setenv("KOE_PARTITION_SIZE", "20")
    reload_settings()
    try:
        partitions = plan_analysis(single)
        vectors = pq.read_table(partitions, columns=["content_hash", "cached_vector"])
        assert vectors.num_rows == originals and vectors.column("cached_vector").null_count == 0
        with connect(single, read_only=True) as con:
            stored = dict(con.execute("SELECT content_hash, vector FROM nlp.embeddings").fetchall())
        hashes = vectors.column("content_hash").to_pylist()
        assert all(
            v == stored[h]
            for h, v in zip(hashes, vectors.column("cached_vector").to_pylist(), strict=True)
        )
        counts = load_analysis([analyze_partition(p) for p in partitions], single)
        assert (counts["analysed"], counts["embedded"]) == (originals, 0)
    finally:
        monkeypatch.delenv("KOE_PARTITION_SIZE")
        reload_settings()
