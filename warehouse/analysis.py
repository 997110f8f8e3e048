"""Reads and writes of the analysis step: what to analyse, the embeddings cache, and the results.

Frames in, frames out; the NLP itself lives in nlp/. Every write is a bulk Arrow load and one
transaction, and running it again with the same input leaves the same rows.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from ingest.records import Call, HoldSegment, Turn
from warehouse.db import run_with_batches, sql

_TIMESTAMP = pa.timestamp("us", tz="UTC")
_STRINGS = pa.list_(pa.string())

FEEDBACK_ANALYSIS_COLUMNS = pa.schema(
    [
        ("feedback_id", pa.string()),
        ("content_hash", pa.string()),
        ("sentiment", pa.string()),
        ("sentiment_score", pa.float64()),
        ("flags", _STRINGS),
        ("keywords", _STRINGS),
        ("analyzed_at", _TIMESTAMP),
        ("is_complaint", pa.bool_()),
        ("analysis_version", pa.string()),
        ("terms", _STRINGS),
    ]
)
ISSUE_COLUMNS = pa.schema(
    [
        ("issue_id", pa.string()),
        ("label", pa.string()),
        ("keywords", _STRINGS),
        ("size", pa.int32()),
        ("representative_ids", _STRINGS),
        ("product", pa.string()),
        ("centroid", pa.list_(pa.float32())),
        ("join_threshold", pa.float64()),
    ]
)
CLUSTERING_RUN_COLUMNS = pa.schema(
    [
        ("run_at", _TIMESTAMP),
        ("mode", pa.string()),
        ("documents", pa.int32()),
        ("complaints", pa.int32()),
        ("issues", pa.int32()),
        ("unclassified", pa.int32()),
        ("retained_share", pa.float64()),
        ("input_digest", pa.string()),
    ]
)
ISSUE_LINEAGE_COLUMNS = pa.schema(
    [
        ("event", pa.string()),
        ("issue_id", pa.string()),
        ("source_issue_id", pa.string()),
        ("documents", pa.int32()),
    ]
)
ISSUE_ASSIGNMENT_COLUMNS = pa.schema([("feedback_id", pa.string()), ("issue_id", pa.string())])
CALL_QA_COLUMNS = pa.schema(
    [
        ("call_id", pa.string()),
        ("internal_contact_disclosed", pa.bool_()),
        ("escalation_requested", pa.bool_()),
        ("long_hold_without_report", pa.bool_()),
        ("findings", pa.int32()),
    ]
)
CALL_QA_FINDING_COLUMNS = pa.schema(
    [
        ("call_id", pa.string()),
        ("check_name", pa.string()),
        ("turn", pa.int32()),
        ("phrase", pa.string()),
        ("text_masked", pa.string()),
    ]
)
# Columns a caller may leave out (filled with NULL, or now() for analyzed_at).
_OPTIONAL = {
    "analyzed_at",
    "keywords",
    "product",
    "centroid",
    "join_threshold",
    "retained_share",
    "input_digest",
    "source_issue_id",
    "is_complaint",
    "analysis_version",
    "terms",
    "size",
    "representative_ids",
    "turn",
    "phrase",
    "text_masked",
}


# --- feedback -----------------------------------------------------------------------------------


def pending_feedback(con: duckdb.DuckDBPyConnection, analysis_version: str) -> pd.DataFrame:
    """Originals whose current text has no analysis by ``analysis_version`` yet.

    Columns: feedback_id, channel, created_at, product, subject_masked, text_masked, content_hash.
    """
    return con.execute(
        sql("analysis/pending_feedback"), {"analysis_version": analysis_version}
    ).df()


def all_feedback_for_clustering(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every original, oldest first: feedback_id, text_masked, product, channel, content_hash,
    is_complaint, terms."""
    return con.sql(sql("analysis/all_feedback_for_clustering")).df()


def save_feedback_analysis(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Upsert per-feedback results.

    `frame` columns: feedback_id, content_hash (of the text analysed), sentiment, sentiment_score,
    flags (list of str), keywords (list of str, optional), analyzed_at (optional, default now),
    is_complaint (bool, optional), analysis_version (optional), terms (list of str, optional).
    """
    batch = _arrow_batch(frame, FEEDBACK_ANALYSIS_COLUMNS, "feedback analysis")
    run_with_batches(con, ["analysis/save_feedback_analysis"], feedback_analysis_batch=batch)


# --- embeddings cache ---------------------------------------------------------------------------


def cached_embeddings(
    con: duckdb.DuckDBPyConnection, model: str, hashes: Iterable[str]
) -> dict[str, np.ndarray]:
    """The cached float32 vectors of `model` for those of `hashes` that have one."""
    wanted = pa.table({"content_hash": pa.array(sorted(set(hashes)), type=pa.string())})
    if wanted.num_rows == 0:
        return {}
    con.register("wanted_hashes", wanted)
    try:
        found = con.sql(sql("analysis/cached_embeddings"), params={"model": model}).to_arrow_table()
    finally:
        con.unregister("wanted_hashes")
    vectors = found.column("vector").combine_chunks()
    if isinstance(vectors, pa.ChunkedArray):  # a table with no rows has no chunk to combine
        return {}
    values = np.array(vectors.values.to_numpy(zero_copy_only=False), dtype=np.float32)
    offsets = vectors.offsets.to_numpy()
    return {
        content_hash: values[offsets[i] : offsets[i + 1]]
        for i, content_hash in enumerate(found.column("content_hash").to_pylist())
    }


def save_embeddings(
    con: duckdb.DuckDBPyConnection, model: str, entries: Mapping[str, np.ndarray]
) -> None:
    """Add vectors to the cache (content_hash → vector), replacing any of the same model + hash."""
    if not entries:
        return
    hashes = list(entries)
    arrays = [np.asarray(entries[h], dtype=np.float32).ravel() for h in hashes]
    offsets = np.concatenate([[0], np.cumsum([a.size for a in arrays])]).astype(np.int32)
    vectors = pa.ListArray.from_arrays(pa.array(offsets), pa.array(np.concatenate(arrays)))
    batch = pa.table(
        {
            "content_hash": pa.array(hashes, type=pa.string()),
            "model": pa.array([model] * len(hashes), type=pa.string()),
            "vector": vectors,
            "batch_position": pa.array(range(len(hashes)), type=pa.int64()),
        }
    )
    run_with_batches(con, ["analysis/save_embeddings"], embeddings_batch=batch)


# --- issues -------------------------------------------------------------------------------------


def known_issues(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The current catalogue: issue_id, label, keywords, representative_ids, product, centroid,
    join_threshold (centroid NULL for issues stored before identities were kept)."""
    return con.sql(sql("analysis/known_issues")).df()


def current_assignment(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """feedback_id → issue_id (None = unclassified) as the last clustering run left it."""
    rows = con.execute(sql("analysis/current_assignment")).fetchall()
    return dict(rows)


def issue_history(con: duckdb.DuckDBPyConnection) -> tuple[list[str], int | None, str | None]:
    """Every issue id used so far, how many complaints the last full run clustered, and the
    input digest of the last run."""
    ((taken, last_full, last_digest),) = con.execute(sql("analysis/issue_history")).fetchall()
    return list(taken or []), last_full, last_digest


def replace_issues(
    con: duckdb.DuckDBPyConnection,
    issues_frame: pd.DataFrame,
    assignment_frame: pd.DataFrame,
    run: dict[str, Any] | None = None,
    lineage_frame: pd.DataFrame | None = None,
) -> None:
    """Replace all issues and assignments with one clustering run's output, in one transaction.

    `issues_frame`: issue_id, label, keywords, size, representative_ids (feedback ids), and
    optionally product, centroid, join_threshold. `assignment_frame`: feedback_id, issue_id
    (None/NaN = unclassified). `run` (mode, documents, complaints, issues, unclassified,
    retained_share) and `lineage_frame` (event, issue_id, source_issue_id, documents) are
    appended to nlp.clustering_runs and nlp.issue_lineage in the same transaction.
    """
    statements = [
        "analysis/delete_issues",
        "analysis/delete_issue_assignment",
        "analysis/insert_issues",
        "analysis/insert_issue_assignment",
    ]
    batches = {
        "issues_batch": _arrow_batch(issues_frame, ISSUE_COLUMNS, "issues"),
        "issue_assignment_batch": _arrow_batch(
            assignment_frame, ISSUE_ASSIGNMENT_COLUMNS, "issue assignment"
        ),
    }
    if run is not None:
        frame = pd.DataFrame([{"run_at": datetime.now(UTC), **run}])
        lineage = lineage_frame if lineage_frame is not None else pd.DataFrame()
        if lineage.empty:
            lineage = pd.DataFrame(columns=ISSUE_LINEAGE_COLUMNS.names)
        batches["clustering_run_batch"] = _arrow_batch(frame, CLUSTERING_RUN_COLUMNS, "run")
        batches["issue_lineage_batch"] = _arrow_batch(lineage, ISSUE_LINEAGE_COLUMNS, "lineage")
        statements += ["analysis/insert_clustering_run", "analysis/insert_issue_lineage"]
    run_with_batches(con, statements, **batches)


# --- calls --------------------------------------------------------------------------------------


def pending_calls(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Calls not yet reviewed, or whose turns/holds changed since their review. See `all_calls`."""
    return _calls_for_qa(con, only_pending=True)


def all_calls(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every call for QA: the raw.calls columns with `hold_segments` and `turns` as lists of dicts
    (`turns` = masked turns), plus qa_input_hash. `calls_to_records` turns rows into `Call`s."""
    return _calls_for_qa(con, only_pending=False)


def calls_to_records(frame: pd.DataFrame) -> list[Call]:
    """Rows of `pending_calls`/`all_calls` as `ingest.records.Call` (text fields hold masked text)."""
    records = []
    for row in frame.itertuples(index=False):
        records.append(
            Call(
                call_id=row.call_id,
                source_file=row.source_file,
                source_line=None if _missing(row.source_line) else int(row.source_line),
                started_at=row.started_at.to_pydatetime(),
                product=None if _missing(row.product) else row.product,
                answered_after_s=None
                if _missing(row.answered_after_s)
                else float(row.answered_after_s),
                abandoned=bool(row.abandoned),
                resolved_first_contact=(
                    None
                    if _missing(row.resolved_first_contact)
                    else bool(row.resolved_first_contact)
                ),
                hold_segments=tuple(HoldSegment(**h) for h in row.hold_segments),
                turns=tuple(Turn(**t) for t in row.turns),
                customer_id=None if _missing(row.customer_id) else row.customer_id,
                agent_id=None if _missing(row.agent_id) else row.agent_id,
                team=None if _missing(row.team) else row.team,
            )
        )
    return records


def save_call_qa(
    con: duckdb.DuckDBPyConnection, qa_frame: pd.DataFrame, findings_frame: pd.DataFrame
) -> None:
    """Store QA results of the calls in `qa_frame`, replacing their earlier results and findings.

    `qa_frame`: call_id, internal_contact_disclosed, escalation_requested,
    long_hold_without_report, findings (count). `findings_frame`: call_id, check_name, turn,
    phrase, text_masked — check_name ∈ forbidden_phrase, internal_contact, escalation_request,
    long_hold_without_report.
    """
    qa = _arrow_batch(qa_frame, CALL_QA_COLUMNS, "call QA")
    findings = _arrow_batch(findings_frame, CALL_QA_FINDING_COLUMNS, "call QA findings")
    run_with_batches(
        con,
        [
            "analysis/delete_call_qa_findings",
            "analysis/save_call_qa",
            "analysis/insert_call_qa_findings",
        ],
        call_qa_batch=qa,
        call_qa_findings_batch=findings,
    )


def _calls_for_qa(con: duckdb.DuckDBPyConnection, only_pending: bool) -> pd.DataFrame:
    frame = con.sql(sql("analysis/calls_for_qa"), params={"only_pending": only_pending}).df()
    frame["hold_segments"] = [_json_list(v) for v in frame["hold_segments"]]
    frame["turns"] = [_json_list(v) for v in frame.pop("turns_masked")]
    return frame


# --- plumbing -----------------------------------------------------------------------------------


def _arrow_batch(frame: pd.DataFrame, schema: pa.Schema, what: str) -> pa.Table:
    """Frame → Arrow with the exact column types, plus batch_position for last-wins dedupe."""
    missing = [n for n in schema.names if n not in frame.columns and n not in _OPTIONAL]
    if missing:
        raise ValueError(f"{what} frame lacks columns {missing}; it has {list(frame.columns)}")
    rows = len(frame)
    columns: dict[str, pa.Array] = {}
    for field in schema:
        values = frame[field.name].tolist() if field.name in frame.columns else [None] * rows
        if field.name == "analyzed_at":
            now = datetime.now(UTC)
            values = [now if _missing(v) else v for v in values]
        columns[field.name] = pa.array(
            [_arrow_value(v, field.type) for v in values], type=field.type
        )
    columns["batch_position"] = pa.array(range(rows), type=pa.int64())
    return pa.table(columns)


def _arrow_value(value: Any, type_: pa.DataType) -> Any:
    if _missing(value):
        return None
    if pa.types.is_list(type_):
        if pa.types.is_floating(type_.value_type):
            return [float(v) for v in value]
        return [str(v) for v in value]
    if pa.types.is_timestamp(type_):
        return pd.Timestamp(value).to_pydatetime()
    if pa.types.is_boolean(type_):
        return bool(value)
    if pa.types.is_integer(type_):
        return int(value)
    if pa.types.is_floating(type_):
        return float(value)
    return str(value)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _json_list(value: Any) -> list[dict[str, Any]]:
    return [] if _missing(value) else json.loads(value)
