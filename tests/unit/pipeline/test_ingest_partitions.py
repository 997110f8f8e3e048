"""koe_ingest's mapped work: files read and masked in partitions that never open the warehouse,
staged as Parquet holding masked text only, and loaded by one task in one transaction."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import pipeline.ingest
from ingest.records import (
    Call,
    Feedback,
    HoldSegment,
    Quarantined,
    ReadResult,
    ThreadLink,
    Turn,
)
from pipeline.ingest import ingest_channel, load_ingest, mask_partition, plan_ingest
from pipeline.staged_records import StagedFile, read_results, write_results
from warehouse.db import connect

JST = timezone(timedelta(hours=9))
PHONE = "090-3141-5926"


def test_staged_records_read_back_as_they_were_written(tmp_path):
    at = datetime(2026, 8, 3, 9, 15, tzinfo=JST)
    call = Call(
        "c1", "calls/a.jsonl", 1, at, "加湿器 K2", 12.5, False, True,
        hold_segments=(HoldSegment(30.0, 95.0, False),),
        turns=(Turn("agent", 0.0, "お電話ありがとうございます。"), Turn("customer", 4.0, "電源が入りません。")),
        customer_id="customer-1a2b", agent_id="agent-3c4d", team="家電",
    )  # fmt: skip
    voice = Feedback(
        "f1", "call", "c1", "calls/a.jsonl", 1, at, "電源が入りません。", product="加湿器 K2",
        attributes={"agent_id": "agent-3c4d"}, pii_types=("phone",),
    )  # fmt: skip
    staged = [
        StagedFile(
            "calls/a.jsonl", "call", "sha-a", 120, "120:1:2:3",
            ReadResult(
                feedback=[voice], calls=[call], read=2,
                quarantine=[Quarantined("call", "calls/a.jsonl", 2, "missing started_at", "{")],
            ),
        ),
        StagedFile("email/b.eml", "email", "sha-b", 80, None, ReadResult(
            links=[ThreadLink("email/b.eml", None, "k1", None, True, at)], read=1, merged=1,
        )),
        StagedFile("sns/empty.jsonl", "sns", "sha-c", 0, None, ReadResult()),
    ]  # fmt: skip
    write_results(staged, tmp_path / "part.result.parquet")
    assert list(read_results(tmp_path / "part.result.parquet")) == staged


def _posts(inbox: Path, name: str, posts: list[tuple[str, str]]) -> None:
    lines = [
        json.dumps(
            {
                "post_id": post_id,
                "posted_at": "2026-08-03T10:00:00+09:00",
                "author": "@k",
                "text": text,
            },
            ensure_ascii=False,
        )
        for post_id, text in posts
    ]
    (inbox / "sns").mkdir(parents=True, exist_ok=True)
    (inbox / "sns" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_partitions_hold_masked_text_only_and_leave_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("KOE_STAGING_DIR", str(tmp_path / "staging"))
    from koe.settings import reload as reload_settings

    reload_settings()
    monkeypatch.setattr(pipeline.ingest, "PARTITION_BYTES", 1)  # one file a partition
    inbox, warehouse = tmp_path / "inbox", tmp_path / "koe.duckdb"
    _posts(inbox, "a.jsonl", [("p1", f"充電できません。折り返しは{PHONE}まで。")])
    _posts(inbox, "b.jsonl", [("p2", "画面が暗いです。"), ("p1", "充電できません。")])

    partitions, counts = plan_ingest(["sns"], inbox, warehouse)
    assert len(partitions) == 2 and counts["sns"]["skipped"] == 0
    results = [mask_partition(p) for p in partitions]
    staged_text = " ".join(str(pq.read_table(r).to_pylist()) for r in results)
    assert "充電できません" in staged_text and PHONE not in staged_text

    loaded = load_ingest(results, warehouse)
    # p1 again in the later file: quarantined there, and every file's count closes.
    assert loaded["sns"] == {
        "files": 2, "read": 3, "feedback": 2, "calls": 0, "quarantined": 1, "merged": 0
    }  # fmt: skip
    assert not any((tmp_path / "staging").rglob("*.parquet"))
    with connect(warehouse, read_only=True) as con:
        rows = con.execute("SELECT source_key, source_file FROM raw.feedback ORDER BY 1").fetchall()
        [(reason,)] = con.execute("SELECT reason FROM raw.quarantine").fetchall()
    assert rows == [("p1", "sns/a.jsonl"), ("p2", "sns/b.jsonl")]
    assert "already loaded from sns/a.jsonl" in reason


def test_a_failed_load_leaves_the_warehouse_as_it_was_and_the_next_run_loads_all(
    tmp_path, monkeypatch
):
    import warehouse.load as load_module

    monkeypatch.setenv("KOE_STAGING_DIR", str(tmp_path / "staging"))
    from koe.settings import reload as reload_settings

    reload_settings()
    monkeypatch.setattr(pipeline.ingest, "PARTITION_BYTES", 1)
    inbox, warehouse = tmp_path / "inbox", tmp_path / "koe.duckdb"
    _posts(inbox, "a.jsonl", [("p1", "充電できません。")])
    _posts(inbox, "b.jsonl", [("p2", "画面が暗いです。")])
    real = load_module.replace_sources
    calls = []

    def failing_second(con, loads):
        calls.append(loads)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real(con, loads)

    monkeypatch.setattr(load_module, "replace_sources", failing_second)
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_channel("sns", inbox, warehouse)
    with connect(warehouse, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw.feedback").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM raw.source_files").fetchone() == (0,)

    monkeypatch.setattr(load_module, "replace_sources", real)
    assert ingest_channel("sns", inbox, warehouse)["files"] == 2


def test_a_large_run_is_cut_into_no_more_partitions_than_airflow_maps(tmp_path, monkeypatch):
    import pipeline.partitions

    monkeypatch.setattr(pipeline.partitions, "MAX_PARTITIONS", 12)
    monkeypatch.setattr(pipeline.ingest, "PARTITION_BYTES", 1)
    inbox = tmp_path / "inbox"
    for number in range(40):
        # Small and large files by turns: the worst case for cutting whole files by size.
        posts = [(f"p{number}-{i}", "充電できません。") for i in range(1 + 30 * (number % 2))]
        _posts(inbox, f"{number:02d}.jsonl", posts)

    partitions, _ = plan_ingest(["sns"], inbox, tmp_path / "koe.duckdb")
    assert 1 < len(partitions) <= 12
    results = [mask_partition(p) for p in partitions]
    assert load_ingest(results, tmp_path / "koe.duckdb")["sns"]["files"] == 40
