"""Load one masked inbox file into the raw layer as a single-transaction partition replace.

`load_source` deletes what the file contributed before and bulk-inserts what it holds now
(Arrow batches, never row by row); `is_loaded` lets the pipeline skip files whose hash is unchanged.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from ingest.records import Call, Feedback, Quarantined, ReadResult, content_hash
from warehouse.db import sql, transaction

_TIMESTAMP = pa.timestamp("us", tz="UTC")
_STRINGS = pa.list_(pa.string())

FEEDBACK_BATCH = pa.schema(
    [
        ("feedback_id", pa.string()),
        ("channel", pa.string()),
        ("source_key", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int32()),
        ("created_at", _TIMESTAMP),
        ("product", pa.string()),
        ("customer_id", pa.string()),
        ("author_masked", pa.string()),
        ("subject_masked", pa.string()),
        ("text_masked", pa.string()),
        ("content_hash", pa.string()),
        ("first_response_at", _TIMESTAMP),
        ("attributes", pa.string()),
        ("pii_types", _STRINGS),
        ("loaded_at", _TIMESTAMP),
        ("batch_position", pa.int64()),
    ]
)

CALLS_BATCH = pa.schema(
    [
        ("call_id", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int32()),
        ("started_at", _TIMESTAMP),
        ("product", pa.string()),
        ("answered_after_s", pa.float64()),
        ("abandoned", pa.bool_()),
        ("resolved_first_contact", pa.bool_()),
        ("customer_id", pa.string()),
        ("agent_id", pa.string()),
        ("team", pa.string()),
        ("hold_segments", pa.string()),
        ("turns_masked", pa.string()),
        ("loaded_at", _TIMESTAMP),
        ("batch_position", pa.int64()),
    ]
)

QUARANTINE_BATCH = pa.schema(
    [
        ("quarantine_id", pa.string()),
        ("channel", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int32()),
        ("reason", pa.string()),
        ("excerpt_masked", pa.string()),
        ("quarantined_at", _TIMESTAMP),
        ("batch_position", pa.int64()),
    ]
)


def is_loaded(con: duckdb.DuckDBPyConnection, source_file: str, sha256: str) -> bool:
    """True when this file with exactly this content hash is already loaded (skip it)."""
    params = {"source_file": source_file, "sha256": sha256}
    [(loaded,)] = con.execute(sql("load/is_loaded"), params).fetchall()
    return bool(loaded)


def load_source(
    con: duckdb.DuckDBPyConnection,
    source_file: str,
    channel: str,
    sha256: str,
    size_bytes: int,
    result: ReadResult,
) -> None:
    """Replace everything `source_file` contributed to raw.* by `result`, in one transaction.

    `result` must already be masked: Feedback.text/author/subject, call turns and quarantine
    excerpts are stored as the *_masked columns as they are. Loading the same result twice leaves
    the same rows. If anything fails, the transaction rolls back and the file's previous rows
    (if any) stay as they were.
    """
    _check_source_file(source_file, result)
    loaded_at = datetime.now(UTC)
    feedback = _feedback_batch(result.feedback, loaded_at)
    calls = _calls_batch(result.calls, loaded_at)
    quarantine = _quarantine_batch(result.quarantine, loaded_at)
    records = len(set(feedback["feedback_id"].to_pylist())) + len(set(calls["call_id"].to_pylist()))
    quarantined = len(set(quarantine["quarantine_id"].to_pylist()))

    partition = {"source_file": source_file}
    with transaction(con):
        con.execute(sql("load/delete_feedback_partition"), partition)
        con.execute(sql("load/delete_calls_partition"), partition)
        con.execute(sql("load/delete_quarantine_partition"), partition)
        _insert_batch(con, "feedback_batch", feedback, "load/upsert_feedback")
        _insert_batch(con, "calls_batch", calls, "load/upsert_calls")
        _insert_batch(con, "quarantine_batch", quarantine, "load/upsert_quarantine")
        con.execute(
            sql("load/upsert_source_file"),
            {
                "source_file": source_file,
                "channel": channel,
                "sha256": sha256,
                "size_bytes": size_bytes,
                "records": records,
                "quarantined": quarantined,
                "loaded_at": loaded_at,
            },
        )


def _insert_batch(
    con: duckdb.DuckDBPyConnection, view_name: str, batch: pa.Table, statement: str
) -> None:
    if batch.num_rows == 0:
        return
    con.register(view_name, batch)
    try:
        con.execute(sql(statement))
    finally:
        con.unregister(view_name)


def _check_source_file(source_file: str, result: ReadResult) -> None:
    """A record filed under another path would escape this file's partition replace."""
    for record in (*result.feedback, *result.calls, *result.quarantine):
        if record.source_file != source_file:
            raise ValueError(
                f"{source_file}: record from {record.source_file!r} line {record.source_line} "
                f"in its ReadResult; every record must carry source_file={source_file!r}"
            )


def _feedback_batch(feedback: list[Feedback], loaded_at: datetime) -> pa.Table:
    columns: dict[str, list] = {name: [] for name in FEEDBACK_BATCH.names}
    for position, f in enumerate(feedback):
        columns["feedback_id"].append(f.feedback_id)
        columns["channel"].append(f.channel)
        columns["source_key"].append(f.source_key)
        columns["source_file"].append(f.source_file)
        columns["source_line"].append(f.source_line)
        columns["created_at"].append(f.created_at)
        columns["product"].append(f.product)
        columns["customer_id"].append(f.customer_id)
        columns["author_masked"].append(f.author)
        columns["subject_masked"].append(f.subject)
        columns["text_masked"].append(f.text)
        columns["content_hash"].append(content_hash(f.text))
        columns["first_response_at"].append(f.first_response_at)
        columns["attributes"].append(
            json.dumps(dict(f.attributes), ensure_ascii=False, sort_keys=True)
        )
        columns["pii_types"].append(list(f.pii_types))
        columns["loaded_at"].append(loaded_at)
        columns["batch_position"].append(position)
    return pa.table(columns, schema=FEEDBACK_BATCH)


def _calls_batch(calls: list[Call], loaded_at: datetime) -> pa.Table:
    columns: dict[str, list] = {name: [] for name in CALLS_BATCH.names}
    for position, c in enumerate(calls):
        columns["call_id"].append(c.call_id)
        columns["source_file"].append(c.source_file)
        columns["source_line"].append(c.source_line)
        columns["started_at"].append(c.started_at)
        columns["product"].append(c.product)
        columns["answered_after_s"].append(c.answered_after_s)
        columns["abandoned"].append(c.abandoned)
        columns["resolved_first_contact"].append(c.resolved_first_contact)
        columns["customer_id"].append(c.customer_id)
        columns["agent_id"].append(c.agent_id)
        columns["team"].append(c.team)
        columns["hold_segments"].append(_to_json([asdict(h) for h in c.hold_segments]))
        columns["turns_masked"].append(_to_json([asdict(t) for t in c.turns]))
        columns["loaded_at"].append(loaded_at)
        columns["batch_position"].append(position)
    return pa.table(columns, schema=CALLS_BATCH)


def _quarantine_batch(quarantine: list[Quarantined], loaded_at: datetime) -> pa.Table:
    columns: dict[str, list] = {name: [] for name in QUARANTINE_BATCH.names}
    for position, q in enumerate(quarantine):
        columns["quarantine_id"].append(q.quarantine_id)
        columns["channel"].append(q.channel)
        columns["source_file"].append(q.source_file)
        columns["source_line"].append(q.source_line)
        columns["reason"].append(q.reason)
        columns["excerpt_masked"].append(q.excerpt)
        columns["quarantined_at"].append(loaded_at)
        columns["batch_position"].append(position)
    return pa.table(columns, schema=QUARANTINE_BATCH)


def _to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
