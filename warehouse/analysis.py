"""Reads and writes of the analysis step: what to analyse, the embeddings cache, and the results.

Frames in, frames out; the NLP itself lives in nlp/. Every write is a bulk Arrow load and one
transaction, and running it again with the same input leaves the same rows.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from ingest.records import Call, HoldSegment, Turn
from nlp.agent_qa import CallReview
from nlp.feedback import FeedbackText
from warehouse.arrow import STRINGS, TIMESTAMP, frame_batch, is_missing
from warehouse.db import run_with_batches, sql

FEEDBACK_ANALYSIS_COLUMNS = pa.schema(
    [
        ("feedback_id", pa.string()),
        ("content_hash", pa.string()),
        ("sentiment", pa.string()),
        ("sentiment_score", pa.float64()),
        ("flags", STRINGS),
        ("keywords", STRINGS),
        ("analyzed_at", TIMESTAMP),
        ("is_complaint", pa.bool_()),
        ("analysis_version", pa.string()),
        ("terms", STRINGS),
        ("inquiry", pa.string()),
    ]
)
CALL_QA_COLUMNS = pa.schema([("call_id", pa.string()), ("findings", pa.int32())])
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
    "is_complaint",
    "analysis_version",
    "terms",
    "inquiry",
    "turn",
    "phrase",
    "text_masked",
}


# --- feedback -----------------------------------------------------------------------------------


def delete_orphans(con: duckdb.DuckDBPyConnection) -> None:
    """Delete the analysis, assignments, embeddings and QA of records no longer in raw.*."""
    con.execute(sql("analysis/delete_orphans"))


def pending_feedback(con: duckdb.DuckDBPyConnection, analysis_version: str) -> pd.DataFrame:
    """Originals whose current text has no analysis by ``analysis_version`` yet.

    Columns: feedback_id, channel, created_at, product, subject_masked, text_masked, content_hash.
    """
    return con.execute(
        sql("analysis/pending_feedback"), {"analysis_version": analysis_version}
    ).df()


def clustering_inputs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every original, oldest first, without its text: feedback_id, product, channel,
    content_hash, is_complaint, inquiry. `clustering_texts` reads the texts a run needs."""
    return con.sql(sql("analysis/clustering_inputs")).df()


def clustering_texts(
    con: duckdb.DuckDBPyConnection, feedback_ids: Iterable[str]
) -> dict[str, tuple[str, tuple[str, ...] | None]]:
    """feedback_id → (masked text, issue terms or None when not analysed yet)."""
    wanted = pa.table({"feedback_id": pa.array(sorted(set(feedback_ids)), type=pa.string())})
    if wanted.num_rows == 0:
        return {}
    con.register("wanted_feedback", wanted)
    try:
        rows = con.sql(sql("analysis/clustering_texts")).fetchall()
    finally:
        con.unregister("wanted_feedback")
    return {fid: (text or "", _terms(terms)) for fid, text, terms in rows}


def embedding_matrix(
    con: duckdb.DuckDBPyConnection, model: str, hashes: Sequence[str], batch_rows: int = 50_000
) -> tuple[np.ndarray, list[int]]:
    """The cached ``model`` vectors of ``hashes`` as one float32 matrix (row i: ``hashes[i]``),
    and the rows that have none (left zero). Read in Arrow batches straight into the matrix: no
    per-vector objects, so a million rows cost their 4 bytes a dimension and little more."""
    wanted = pa.table(
        {
            "row_number": pa.array(range(len(hashes)), type=pa.int64()),
            "content_hash": pa.array(list(hashes), type=pa.string()),
        }
    )
    matrix: np.ndarray | None = None
    found = np.zeros(len(hashes), dtype=bool)
    con.register("wanted_rows", wanted)
    try:
        reader = con.sql(sql("analysis/embedding_rows"), params={"model": model}).to_arrow_reader(
            batch_rows
        )
        for batch in reader:
            if batch.num_rows == 0:
                continue
            rows = batch.column("row_number").to_numpy()
            vectors = batch.column("vector")
            flat = vectors.values.to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
            block = flat.reshape(len(rows), -1)
            if matrix is None:
                matrix = np.zeros((len(hashes), block.shape[1]), dtype=np.float32)
            matrix[rows] = block
            found[rows] = True
    finally:
        con.unregister("wanted_rows")
    if matrix is None:
        matrix = np.zeros((len(hashes), 0), dtype=np.float32)
    return matrix, [int(i) for i in np.flatnonzero(~found)]


def feedback_texts(frame: pd.DataFrame) -> list[FeedbackText]:
    """Rows of `pending_feedback` or `clustering_inputs` as
    `FeedbackText`s (the last without text: ``text`` is empty and ``terms`` None)."""
    return [
        FeedbackText(
            feedback_id=row.feedback_id,
            text=getattr(row, "text_masked", None) or "",
            content_hash=row.content_hash,
            # A few dozen products and four channels: one shared string each, not one per row.
            product=None if is_missing(row.product) else sys.intern(row.product),
            channel=_interned(getattr(row, "channel", None)),
            # Not analysed yet (NULL): cluster it as a complaint rather than hide it from every
            # issue, and let clustering tokenize the text itself.
            complaint=_complaint(getattr(row, "is_complaint", None)),
            terms=_terms(getattr(row, "terms", None)),
            inquiry=_inquiry(getattr(row, "inquiry", None)),
        )
        for row in frame.itertuples(index=False)
    ]


def _interned(value: str | None) -> str | None:
    return None if value is None else sys.intern(value)


def _complaint(value: Any) -> bool:
    return True if value is None or pd.isna(value) else bool(value)


def _inquiry(value: Any) -> str | None:
    # Not analysed yet (NULL) is no inquiry: recurring questions wait for the classifier.
    return None if is_missing(value) else sys.intern(str(value))


def _terms(value: Any) -> tuple[str, ...] | None:
    return None if is_missing(value) else tuple(value)


def save_feedback_analysis(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Upsert per-feedback results.

    `frame` columns: feedback_id, content_hash (of the text analysed), sentiment, sentiment_score,
    flags (list of str), keywords (list of str, optional), analyzed_at (optional, default now),
    is_complaint (bool, optional), analysis_version (optional), terms (list of str, optional),
    inquiry (question, request or None, optional).
    """
    batch = frame_batch(frame, FEEDBACK_ANALYSIS_COLUMNS, "feedback analysis", _OPTIONAL)
    run_with_batches(con, ["analysis/save_feedback_analysis"], feedback_analysis_batch=batch)


# --- partitions of the mapped analysis tasks ---------------------------------------------------

VECTOR = pa.list_(pa.float32())


def count_pending_feedback(con: duckdb.DuckDBPyConnection, analysis_version: str) -> int:
    """How many originals `pending_feedback` would return."""
    [(count,)] = con.execute(
        sql("analysis/count_pending_feedback"), {"analysis_version": analysis_version}
    ).fetchall()
    return int(count)


def pending_feedback_batches(
    con: duckdb.DuckDBPyConnection, model: str, analysis_version: str, rows: int
) -> Iterator[pa.RecordBatch]:
    """`pending_feedback`'s originals, with the cached ``model`` vector of each text
    (``cached_vector``, NULL when none), streamed in Arrow batches of about ``rows`` rows.

    The vectors are looked up for each batch's texts on a second cursor, so the stream stays open
    and DuckDB only ever joins the cache with a batch it knows the size of."""
    reader = con.sql(
        sql("analysis/pending_partitions"), params={"analysis_version": analysis_version}
    ).to_arrow_reader(rows)
    lookup = con.cursor()
    try:
        for batch in reader:
            vectors = _cached_vectors(lookup, model, batch.column("content_hash"))
            at = batch.schema.get_field_index("content_hash") + 1
            yield batch.add_column(at, "cached_vector", vectors)
    finally:
        lookup.close()


def _cached_vectors(con: duckdb.DuckDBPyConnection, model: str, hashes: pa.Array) -> pa.Array:
    """The cached vector of each of ``hashes``, in their order; null where none is cached."""
    import pyarrow.compute as pc

    wanted = pa.table({"content_hash": pc.unique(hashes)})
    con.register("wanted_hashes", wanted)
    try:
        found = con.sql(sql("analysis/cached_vectors"), params={"model": model}).to_arrow_table()
    finally:
        con.unregister("wanted_hashes")
    position = pc.index_in(hashes, value_set=found.column("content_hash"))
    return found.column("vector").take(position).combine_chunks()


def analysis_result_batch(
    frame: pd.DataFrame, model: str, new_vectors: Mapping[str, np.ndarray]
) -> pa.Table:
    """A partition's results: the `save_feedback_analysis` columns, plus the embedding ``model``
    and, on the first row of each text embedded anew, its ``vector`` (NULL when it was cached)."""
    batch = frame_batch(frame, FEEDBACK_ANALYSIS_COLUMNS, "feedback analysis", _OPTIONAL)
    todo = dict(new_vectors)
    vectors = []
    for content_hash in frame["content_hash"]:
        vector = todo.pop(content_hash, None)
        vectors.append(None if vector is None else np.asarray(vector, np.float32).tolist())
    batch = batch.append_column("model", pa.array([model] * len(frame), type=pa.string()))
    return batch.append_column("vector", pa.array(vectors, type=VECTOR))


def load_analysis_results(con: duckdb.DuckDBPyConnection, files: Sequence[str]) -> None:
    """Load the partitions' results (`analysis_result_batch` files): new vectors into the cache
    and the per-feedback analysis, in one transaction, streamed from the Parquet files."""
    import pyarrow.dataset as ds

    if not files:
        return
    results = ds.dataset(list(files), format="parquet")
    run_with_batches(
        con,
        ["analysis/load_partition_embeddings", "analysis/save_feedback_analysis"],
        feedback_analysis_batch=results,
    )


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


# --- calls --------------------------------------------------------------------------------------


def pending_calls(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Calls not yet reviewed, or whose turns/holds changed since their review: the raw.calls
    columns with `hold_segments` and `turns` (masked) as lists of dicts, plus qa_input_hash."""
    frame = con.sql(sql("analysis/pending_calls")).df()
    frame["hold_segments"] = [_json_list(v) for v in frame["hold_segments"]]
    frame["turns"] = [_json_list(v) for v in frame.pop("turns_masked")]
    return frame


def calls_to_records(frame: pd.DataFrame) -> list[Call]:
    """Rows of `pending_calls` as `ingest.records.Call` (text fields hold masked text)."""
    records = []
    for row in frame.itertuples(index=False):
        records.append(
            Call(
                call_id=row.call_id,
                source_file=row.source_file,
                source_line=None if is_missing(row.source_line) else int(row.source_line),
                started_at=row.started_at.to_pydatetime(),
                product=None if is_missing(row.product) else row.product,
                answered_after_s=None
                if is_missing(row.answered_after_s)
                else float(row.answered_after_s),
                abandoned=bool(row.abandoned),
                resolved_first_contact=(
                    None
                    if is_missing(row.resolved_first_contact)
                    else bool(row.resolved_first_contact)
                ),
                hold_segments=tuple(HoldSegment(**h) for h in row.hold_segments),
                turns=tuple(Turn(**t) for t in row.turns),
                customer_id=None if is_missing(row.customer_id) else row.customer_id,
                agent_id=None if is_missing(row.agent_id) else row.agent_id,
                team=None if is_missing(row.team) else row.team,
            )
        )
    return records


def save_call_qa(con: duckdb.DuckDBPyConnection, reviews: Sequence[CallReview]) -> None:
    """Store the QA reviews of calls, replacing their earlier results and findings."""
    qa_frame = pd.DataFrame(
        {"call_id": [r.call_id for r in reviews], "findings": [len(r.findings) for r in reviews]}
    )
    findings_frame = pd.DataFrame(
        [row for r in reviews for row in r.findings_rows()], columns=CALL_QA_FINDING_COLUMNS.names
    )
    save_call_qa_rows(con, qa_frame, findings_frame)


def save_call_qa_rows(
    con: duckdb.DuckDBPyConnection, qa_frame: pd.DataFrame, findings_frame: pd.DataFrame
) -> None:
    """`save_call_qa` from frames: ``qa_frame`` (call_id, findings) and ``findings_frame`` (the
    columns of nlp.call_qa_findings)."""
    qa = frame_batch(qa_frame, CALL_QA_COLUMNS, "call QA")
    findings = frame_batch(findings_frame, CALL_QA_FINDING_COLUMNS, "call QA findings", _OPTIONAL)
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


def _json_list(value: Any) -> list[dict[str, Any]]:
    return [] if is_missing(value) else json.loads(value)
