"""Load masked inbox files into the raw layer as a partition replace, one transaction per batch.

`load_sources` deletes what each file contributed before and bulk-inserts what it holds now
(Arrow batches, never row by row), for a batch of files in one transaction: the result is the same
as loading them one after the other, and a failure leaves none of them half-loaded. `load_source`
does it for one file; `loaded_hashes` lets the pipeline skip files whose stat or hash is
unchanged. Mail files also store each message's thread link (`raw.mail_links`): `thread_links`
gives back the threads a run's new mail touches, and `forget_sources` sets the first responses
they change on messages loaded earlier.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from ingest.records import Call, Feedback, Quarantined, ReadResult, ThreadLink, content_hash
from warehouse.arrow import STRINGS, TIMESTAMP
from warehouse.db import run_with_batches, sql, transaction

FEEDBACK_BATCH = pa.schema(
    [
        ("feedback_id", pa.string()),
        ("channel", pa.string()),
        ("source_key", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int32()),
        ("created_at", TIMESTAMP),
        ("product", pa.string()),
        ("customer_id", pa.string()),
        ("author_masked", pa.string()),
        ("subject_masked", pa.string()),
        ("text_masked", pa.string()),
        ("content_hash", pa.string()),
        ("first_response_at", TIMESTAMP),
        ("attributes", pa.string()),
        ("pii_types", STRINGS),
        ("contact_keys", STRINGS),
        ("loaded_at", TIMESTAMP),
        ("batch_position", pa.int64()),
    ]
)

CALLS_BATCH = pa.schema(
    [
        ("call_id", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int32()),
        ("started_at", TIMESTAMP),
        ("product", pa.string()),
        ("answered_after_s", pa.float64()),
        ("abandoned", pa.bool_()),
        ("resolved_first_contact", pa.bool_()),
        ("customer_id", pa.string()),
        ("agent_id", pa.string()),
        ("team", pa.string()),
        ("hold_segments", pa.string()),
        ("turns_masked", pa.string()),
        ("loaded_at", TIMESTAMP),
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
        ("quarantined_at", TIMESTAMP),
        ("batch_position", pa.int64()),
    ]
)


MANIFEST_BATCH = pa.schema(
    [
        ("source_file", pa.string()),
        ("channel", pa.string()),
        ("sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("records", pa.int32()),
        ("quarantined", pa.int32()),
        ("loaded_at", TIMESTAMP),
        ("stat", pa.string()),
    ]
)

LINKS_BATCH = pa.schema(
    [
        ("source_file", pa.string()),
        ("source_line", pa.int32()),
        ("message_key", pa.string()),
        ("parent_key", pa.string()),
        ("from_support", pa.bool_()),
        ("sent_at", TIMESTAMP),
    ]
)


@dataclass(frozen=True)
class SourceLoad:
    """One inbox file to load: where it came from, its version, and what it holds (masked)."""

    source_file: str
    channel: str
    sha256: str  # the manifest version: the content hash
    size_bytes: int
    result: ReadResult
    stat: str | None = None  # the stat fingerprint it was hashed at (ingest.inbox.stat_fingerprint)


def loaded_versions(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """source_file → the version loaded last, for every file in the manifest (one query)."""
    return dict(con.execute(sql("load/loaded_versions")).fetchall())


def loaded_hashes(
    con: duckdb.DuckDBPyConnection, channel: str
) -> dict[str, tuple[str | None, str]]:
    """source_file → (stat fingerprint, sha256) it was loaded at, for the files of ``channel``."""
    rows = con.execute(sql("load/loaded_hashes"), {"channel": channel}).fetchall()
    return {source_file: (stat, sha256) for source_file, stat, sha256 in rows}


def refresh_stats(con: duckdb.DuckDBPyConnection, stats: Mapping[str, str | None]) -> None:
    """Record new stat fingerprints of loaded files whose bytes did not change."""
    batch = pa.table(
        {"source_file": list(stats), "stat": list(stats.values())},
        schema=pa.schema([("source_file", pa.string()), ("stat", pa.string())]),
    )
    if batch.num_rows:
        run_with_batches(con, ["load/refresh_stats"], stats_batch=batch)


def upgrade_mail_versions(
    con: duckdb.DuckDBPyConnection,
    versions: Mapping[str, tuple[str, str | None]],
    links: Iterable[ThreadLink],
) -> None:
    """Store the thread links of mail files loaded before links were stored, and record their
    plain content hash and stat (``versions``: source_file → (sha256, stat)), in one transaction."""
    files = pa.table(
        {
            "source_file": list(versions),
            "sha256": [sha for sha, _ in versions.values()],
            "stat": [stat for _, stat in versions.values()],
        },
        schema=pa.schema(
            [("source_file", pa.string()), ("sha256", pa.string()), ("stat", pa.string())]
        ),
    )
    if files.num_rows:
        run_with_batches(
            con,
            ["load/upgrade_mail_versions"],
            files_batch=files,
            links_batch=_links_batch(list(links)),
        )


def thread_links(
    con: duckdb.DuckDBPyConnection, keys: Iterable[str], source_files: Iterable[str]
) -> list[ThreadLink]:
    """The stored links of every thread that a message key of ``keys`` or a mail file of
    ``source_files`` takes part in, in file and message order (see load/thread_links.sql)."""
    keys_batch = pa.table({"key": pa.array(sorted(set(keys)), pa.string())})
    files = pa.table({"source_file": pa.array(sorted(set(source_files)), pa.string())})
    for name, batch in (("keys_batch", keys_batch), ("files_batch", files)):
        con.register(name, batch)
    try:
        rows = con.execute(sql("load/thread_links")).fetchall()
    finally:
        for name in ("keys_batch", "files_batch"):
            con.unregister(name)
    return [ThreadLink(*row) for row in rows]


def loaded_files(con: duckdb.DuckDBPyConnection, channel: str) -> set[str]:
    """The files of ``channel`` in the manifest."""
    rows = con.execute(sql("load/loaded_files"), {"channel": channel}).fetchall()
    return {source_file for (source_file,) in rows}


def forget_sources(
    con: duckdb.DuckDBPyConnection,
    source_files: Iterable[str],
    first_responses: Mapping[str, datetime | None] | None = None,
) -> int:
    """Remove everything the given files contributed, manifest entry included (for files deleted
    from the inbox: the inbox is the source of truth), and set ``first_responses`` (mail
    feedback_id → first support reply, None for none) where they differ, in one transaction.

    The responses are those of the threads this run's mail touches; setting them before the new
    files load is safe, since a file not yet recorded is read again next run. Returns how many
    messages' first response changed.
    """
    files = pa.table({"source_file": pa.array(sorted(source_files), pa.string())})
    responses = pa.table(
        {
            "feedback_id": pa.array(list(first_responses or {}), pa.string()),
            "first_response_at": pa.array(list((first_responses or {}).values()), TIMESTAMP),
        }
    )
    if files.num_rows == 0 and responses.num_rows == 0:
        return 0
    changed = 0
    batches = {"files_batch": files, "responses_batch": responses}
    for name, batch in batches.items():
        con.register(name, batch)
    try:
        with transaction(con):
            con.execute(sql("load/forget_sources"))
            [(changed,)] = con.execute(sql("load/set_first_responses")).fetchall()
    finally:
        for name in batches:
            con.unregister(name)
    return int(changed)


def record_owners(con: duckdb.DuckDBPyConnection, record_ids: Iterable[str]) -> dict[str, str]:
    """record id (feedback_id or call_id) → the file it was loaded from, for ids already loaded."""
    ids = pa.table({"record_id": pa.array(list(record_ids), pa.string())})
    if ids.num_rows == 0:
        return {}
    con.register("ids_batch", ids)
    try:
        return dict(con.execute(sql("load/record_owners")).fetchall())
    finally:
        con.unregister("ids_batch")


# Files are loaded in transactions of about this many records: few enough to hold in memory,
# many enough that per-statement costs stay small beside the rows.
BATCH_RECORDS = 2000


def load_in_batches(
    con: duckdb.DuckDBPyConnection, loads: Iterable[SourceLoad], records: int = BATCH_RECORDS
) -> None:
    """`load_sources` over ``loads`` (consumed lazily), whole files, about ``records`` per batch."""
    batch: list[SourceLoad] = []
    pending = 0
    for load in loads:
        batch.append(load)
        result = load.result
        pending += len(result.feedback) + len(result.calls) + len(result.quarantine)
        if pending >= records:
            load_sources(con, batch)
            batch, pending = [], 0
    load_sources(con, batch)


def load_sources(con: duckdb.DuckDBPyConnection, loads: Sequence[SourceLoad]) -> None:
    """Replace what each file contributed to raw.* by its result, all in one transaction.

    Results must already be masked: Feedback.text/author/subject, call turns and quarantine
    excerpts are stored as the *_masked columns as they are. The outcome is that of loading the
    files one by one in the given order. (The pipeline quarantines a record another file already
    holds before it gets here; see `ingest.checks.without_copies`.)
    Loading the same results twice leaves the same rows. If anything fails, the transaction rolls
    back and every file's previous rows (if any) stay as they were.
    """
    if not loads:
        return
    with transaction(con):
        replace_sources(con, loads)


def replace_sources(con: duckdb.DuckDBPyConnection, loads: Sequence[SourceLoad]) -> None:
    """`load_sources`'s statements inside the caller's transaction (a loader that loads many
    batches as one)."""
    if not loads:
        return
    if len({load.source_file for load in loads}) != len(loads):
        raise ValueError("a file may appear once in a batch of loads")
    for load in loads:
        _check_source_file(load.source_file, load.result)
    loaded_at = datetime.now(UTC)
    # One batch per table over all the files; positions run on across files, so the later
    # file's occurrence of an id wins, as it would if the files were loaded one by one.
    feedback = _feedback_batch([f for load in loads for f in load.result.feedback], loaded_at)
    calls = _calls_batch([c for load in loads for c in load.result.calls], loaded_at)
    quarantine = _quarantine_batch([q for load in loads for q in load.result.quarantine], loaded_at)
    manifest = pa.table(
        {
            "source_file": [load.source_file for load in loads],
            "channel": [load.channel for load in loads],
            "sha256": [load.sha256 for load in loads],
            "size_bytes": [load.size_bytes for load in loads],
            "records": [
                len({f.feedback_id for f in load.result.feedback})
                + len({c.call_id for c in load.result.calls})
                for load in loads
            ],
            "quarantined": [
                len({q.quarantine_id for q in load.result.quarantine}) for load in loads
            ],
            "loaded_at": [loaded_at] * len(loads),
            "stat": [load.stat for load in loads],
        },
        schema=MANIFEST_BATCH,
    )
    links = _links_batch([link for load in loads for link in load.result.links])
    con.register("files_batch", manifest)
    try:
        con.execute(sql("load/delete_partitions"))
        _insert_batch(con, "feedback_batch", feedback, "load/upsert_feedback")
        _insert_batch(con, "calls_batch", calls, "load/upsert_calls")
        _insert_batch(con, "quarantine_batch", quarantine, "load/upsert_quarantine")
        _insert_batch(con, "links_batch", links, "load/insert_mail_links")
        con.execute(sql("load/upsert_source_files"))
    finally:
        con.unregister("files_batch")


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
    for record in (*result.feedback, *result.calls, *result.quarantine, *result.links):
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
        columns["contact_keys"].append(list(f.contacts))
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


def _links_batch(links: list[ThreadLink]) -> pa.Table:
    return pa.table(
        {
            "source_file": [link.source_file for link in links],
            "source_line": [link.source_line for link in links],
            "message_key": [link.message_key for link in links],
            "parent_key": [link.parent_key for link in links],
            "from_support": [link.from_support for link in links],
            "sent_at": [link.sent_at for link in links],
        },
        schema=LINKS_BATCH,
    )


def _to_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
