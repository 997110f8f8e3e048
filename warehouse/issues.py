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
from nlp.issues.decisions import ACTIVE, MACHINE, Curated
from nlp.issues.identity import LineageEvent
from nlp.issues.model import Issue
from nlp.issues.subgroups import Subgroup
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
        ("origin", pa.string()),
        ("status", pa.string()),
        ("machine_label", pa.string()),
    ]
)
ASSIGNMENT_COLUMNS = pa.schema(
    [("feedback_id", pa.string()), ("issue_id", pa.string()), ("machine_issue_id", pa.string())]
)
SUBGROUP_COLUMNS = pa.schema(
    [
        ("issue_id", pa.string()),
        ("subgroup", pa.int32()),
        ("label", pa.string()),
        ("keywords", STRINGS),
        ("share", pa.float64()),
        ("centroid", pa.list_(pa.float32())),
        ("example_ids", STRINGS),
    ]
)
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
        ("actor", pa.string()),
        ("decision_id", pa.string()),
    ]
)


def known_issues(con: duckdb.DuckDBPyConnection) -> list[Issue]:
    """The current catalogue. Issues stored before identities were kept (no centroid) are left
    out: the next run starts afresh for them."""
    return catalogue_rows(con.sql(sql("analysis/known_issues")).df(), "issue_id")


def catalogue_rows(frame: pd.DataFrame, id_column: str) -> list[Issue]:
    """Stored catalogue rows (id, label, keywords, representative_ids, product, centroid,
    join_threshold) as the `Issue`s a run continues; rows without a centroid are left out."""
    issues = []
    for row in frame.itertuples(index=False):
        if is_missing(row.centroid):
            continue
        issues.append(
            Issue(
                issue_id=getattr(row, id_column),
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
    curated: Curated | None = None,
    subgroups: Sequence[Subgroup] | None = None,
) -> None:
    """Replace all issues and assignments with one clustering run's output, in one transaction.

    ``issues`` and ``assignment`` (feedback id → issue id, None = unclassified) are the
    algorithm's; ``curated`` is the same with analysts' decisions applied
    (`nlp.issues.decisions`), which is what everything downstream reads. ``run`` (mode,
    documents, complaints, issues, unclassified, retained_share, input_digest) and ``events`` are
    appended to nlp.clustering_runs and nlp.issue_lineage in the same transaction; ``subgroups``,
    when given, replace the split proposals.
    """
    statements = [
        "analysis/delete_issues",
        "analysis/delete_issue_assignment",
        "analysis/insert_issues",
        "analysis/insert_issue_assignment",
    ]
    shown = curated.issues if curated else issues
    effective = curated.assignment if curated else assignment
    status = curated.status if curated else {}
    origin = curated.origin if curated else {}
    machine_labels = curated.machine_labels if curated else {}
    issues_frame = pd.DataFrame(
        {
            "issue_id": [i.issue_id for i in shown],
            "label": [i.label for i in shown],
            "keywords": [list(i.keywords) for i in shown],
            "size": [i.size for i in shown],
            "representative_ids": [list(i.representative_ids) for i in shown],
            "product": [i.product for i in shown],
            "centroid": [None if i.centroid is None else list(i.centroid) for i in shown],
            "join_threshold": [i.threshold for i in shown],
            "origin": [origin.get(i.issue_id, MACHINE) for i in shown],
            "status": [status.get(i.issue_id, ACTIVE) for i in shown],
            "machine_label": [machine_labels.get(i.issue_id, i.label) for i in shown],
        }
    )
    assignment_frame = pd.DataFrame(
        {
            "feedback_id": list(effective),
            "issue_id": list(effective.values()),
            "machine_issue_id": [assignment.get(doc) for doc in effective],
        },
        columns=ASSIGNMENT_COLUMNS.names,
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
                    "actor": e.actor,
                    "decision_id": e.decision_id,
                }
                for e in [*events, *(curated.events if curated else ())]
            ],
            columns=LINEAGE_COLUMNS.names,
        )
        frame = pd.DataFrame([{"run_at": datetime.now(UTC), **run}])
        batches["clustering_run_batch"] = frame_batch(
            frame, RUN_COLUMNS, "run", optional=("retained_share", "input_digest")
        )
        batches["issue_lineage_batch"] = frame_batch(lineage, LINEAGE_COLUMNS, "lineage")
        statements += ["analysis/insert_clustering_run", "analysis/insert_issue_lineage"]
    if subgroups is not None:
        frame = pd.DataFrame(
            {
                "issue_id": [g.issue_id for g in subgroups],
                "subgroup": [g.subgroup for g in subgroups],
                "label": [g.label for g in subgroups],
                "keywords": [list(g.keywords) for g in subgroups],
                "share": [g.share for g in subgroups],
                "centroid": [list(g.centroid) for g in subgroups],
                "example_ids": [list(g.example_ids) for g in subgroups],
            },
            columns=SUBGROUP_COLUMNS.names,
        )
        batches["subgroups_batch"] = frame_batch(frame, SUBGROUP_COLUMNS, "subgroups")
        statements.append("analysis/replace_issue_subgroups")
    run_with_batches(con, statements, **batches)


def recorded_decisions(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Ids of the analysts' decisions (and undos) the lineage already shows."""
    rows = con.execute(
        "SELECT DISTINCT decision_id FROM nlp.issue_lineage WHERE decision_id IS NOT NULL"
    ).fetchall()
    return {r[0] for r in rows}


def _strings(value: Any) -> tuple[str, ...]:
    return () if value is None else tuple(value)
