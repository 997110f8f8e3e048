"""Reads and writes of the issue catalogue (nlp.issues, nlp.issue_assignment, nlp.clustering_runs,
nlp.issue_lineage), as the objects of `nlp.issues`.

A clustering run replaces the catalogue and its assignment and appends its run and lineage rows,
all in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from nlp.issues.catalogue import History
from nlp.issues.identity import LineageEvent
from nlp.issues.model import Issue
from warehouse.arrow import STRINGS, TIMESTAMP, frame_batch, is_missing
from warehouse.db import run_with_batches, sql

ISSUE_COLUMNS = pa.schema(
    [
        ("issue_id", pa.string()),
        ("label", pa.string()),
        ("keywords", STRINGS),
        ("size", pa.int32()),
        ("representative_ids", STRINGS),
        ("product", pa.string()),
        ("centroid", pa.list_(pa.float32())),
        ("join_threshold", pa.float64()),
    ]
)
ASSIGNMENT_COLUMNS = pa.schema([("feedback_id", pa.string()), ("issue_id", pa.string())])
RUN_COLUMNS = pa.schema(
    [
        ("run_at", TIMESTAMP),
        ("mode", pa.string()),
        ("documents", pa.int32()),
        ("complaints", pa.int32()),
        ("issues", pa.int32()),
        ("unclassified", pa.int32()),
        ("retained_share", pa.float64()),
        ("input_digest", pa.string()),
    ]
)
LINEAGE_COLUMNS = pa.schema(
    [
        ("event", pa.string()),
        ("issue_id", pa.string()),
        ("source_issue_id", pa.string()),
        ("documents", pa.int32()),
    ]
)


def known_issues(con: duckdb.DuckDBPyConnection) -> list[Issue]:
    """The current catalogue. Issues stored before identities were kept (no centroid) are left
    out: the next run starts afresh for them."""
    issues = []
    for row in con.sql(sql("analysis/known_issues")).df().itertuples(index=False):
        if is_missing(row.centroid):
            continue
        issues.append(
            Issue(
                issue_id=row.issue_id,
                label=row.label,
                keywords=_strings(row.keywords),
                size=0,
                representative_ids=_strings(row.representative_ids),
                product=None if is_missing(row.product) else row.product,
                centroid=np.asarray(row.centroid, dtype=np.float64),
                threshold=float(row.join_threshold),
            )
        )
    return issues


def current_assignment(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """feedback_id → issue_id (None = unclassified) as the last clustering run left it."""
    rows = con.execute(sql("analysis/current_assignment")).fetchall()
    return dict(rows)


def history(con: duckdb.DuckDBPyConnection) -> tuple[list[str], History]:
    """Every issue id used so far, and what `nlp.issues.catalogue.plan_run` needs to know of the
    earlier runs."""
    ((taken, last_full, last_digest),) = con.execute(sql("analysis/issue_history")).fetchall()
    return list(taken or []), History(known_issues(con), last_full, last_digest)


def replace_issues(
    con: duckdb.DuckDBPyConnection,
    issues: Sequence[Issue],
    assignment: Mapping[str, str | None],
    run: dict[str, Any] | None = None,
    events: Sequence[LineageEvent] = (),
) -> None:
    """Replace all issues and assignments with one clustering run's output, in one transaction.

    ``assignment`` maps each feedback id to its issue (None = unclassified). ``run`` (mode,
    documents, complaints, issues, unclassified, retained_share, input_digest) and ``events`` are
    appended to nlp.clustering_runs and nlp.issue_lineage in the same transaction.
    """
    statements = [
        "analysis/delete_issues",
        "analysis/delete_issue_assignment",
        "analysis/insert_issues",
        "analysis/insert_issue_assignment",
    ]
    issues_frame = pd.DataFrame(
        {
            "issue_id": [i.issue_id for i in issues],
            "label": [i.label for i in issues],
            "keywords": [list(i.keywords) for i in issues],
            "size": [i.size for i in issues],
            "representative_ids": [list(i.representative_ids) for i in issues],
            "product": [i.product for i in issues],
            "centroid": [None if i.centroid is None else list(i.centroid) for i in issues],
            "join_threshold": [i.threshold for i in issues],
        }
    )
    assignment_frame = pd.DataFrame(
        {"feedback_id": list(assignment), "issue_id": list(assignment.values())},
        columns=["feedback_id", "issue_id"],
    )
    batches = {
        "issues_batch": frame_batch(issues_frame, ISSUE_COLUMNS, "issues"),
        "issue_assignment_batch": frame_batch(assignment_frame, ASSIGNMENT_COLUMNS, "assignment"),
    }
    if run is not None:
        lineage = pd.DataFrame(
            [
                {
                    "event": e.event,
                    "issue_id": e.issue_id,
                    "source_issue_id": e.source_issue_id,
                    "documents": e.documents,
                }
                for e in events
            ],
            columns=LINEAGE_COLUMNS.names,
        )
        frame = pd.DataFrame([{"run_at": datetime.now(UTC), **run}])
        batches["clustering_run_batch"] = frame_batch(
            frame, RUN_COLUMNS, "run", optional=("retained_share", "input_digest")
        )
        batches["issue_lineage_batch"] = frame_batch(lineage, LINEAGE_COLUMNS, "lineage")
        statements += ["analysis/insert_clustering_run", "analysis/insert_issue_lineage"]
    run_with_batches(con, statements, **batches)


def _strings(value: Any) -> tuple[str, ...]:
    return () if value is None else tuple(value)
