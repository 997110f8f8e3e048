"""Reads and writes of the recurring questions (nlp.questions, nlp.question_assignment,
nlp.question_runs, nlp.question_lineage), as the objects of `nlp.issues`.

A run replaces the questions and their assignment and appends its run and lineage rows, all in
one transaction, as `warehouse.issues` does for the issue catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from nlp.issues.catalogue import History
from nlp.issues.identity import LineageEvent
from nlp.issues.model import Issue
from warehouse import issues
from warehouse.arrow import frame_batch
from warehouse.db import run_with_batches, sql
from warehouse.issues import ISSUE_COLUMNS, catalogue_rows


def _named_for_questions(schema: pa.Schema, drop: tuple[str, ...] = ()) -> pa.Schema:
    """An issue table's columns as its question table names them (the analysts' columns left
    out: nobody edits the recurring questions)."""
    return pa.schema([(_NAMES.get(f.name, f.name), f.type) for f in schema if f.name not in drop])


_NAMES = {
    "issue_id": "question_id",
    "source_issue_id": "source_question_id",
    "complaints": "inquiries",
    "issues": "questions",
}
QUESTION_COLUMNS = _named_for_questions(ISSUE_COLUMNS, ("origin", "status", "machine_label"))
ASSIGNMENT_COLUMNS = pa.schema([("feedback_id", pa.string()), ("question_id", pa.string())])
RUN_COLUMNS = _named_for_questions(issues.RUN_COLUMNS)
LINEAGE_COLUMNS = _named_for_questions(issues.LINEAGE_COLUMNS, ("actor", "decision_id"))


def known_questions(con: duckdb.DuckDBPyConnection) -> list[Issue]:
    """The current recurring questions, shaped as the catalogue's issues (ids ``faq_…``)."""
    return catalogue_rows(con.sql(sql("questions/known")).df(), "question_id")


def current_assignment(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """feedback_id → question_id (None = none) as the last run left it."""
    return dict(con.execute(sql("questions/current_assignment")).fetchall())


def history(con: duckdb.DuckDBPyConnection) -> tuple[list[str], History]:
    """Every question id used so far, and what `plan_question_run` needs of the earlier runs."""
    ((taken, last_full, last_digest),) = con.execute(sql("questions/history")).fetchall()
    return list(taken or []), History(known_questions(con), last_full, last_digest)


def replace_questions(
    con: duckdb.DuckDBPyConnection,
    questions: Sequence[Issue],
    assignment: Mapping[str, str | None],
    run: dict[str, Any],
    events: Sequence[LineageEvent] = (),
) -> None:
    """Replace the recurring questions and their assignment with one run's output and append the
    run (mode, documents, inquiries, questions, unclassified, retained_share, input_digest) and
    its lineage, in one transaction."""
    questions_frame = pd.DataFrame(
        {
            "question_id": [q.issue_id for q in questions],
            "label": [q.label for q in questions],
            "keywords": [list(q.keywords) for q in questions],
            "size": [q.size for q in questions],
            "representative_ids": [list(q.representative_ids) for q in questions],
            "product": [q.product for q in questions],
            "centroid": [None if q.centroid is None else list(q.centroid) for q in questions],
            "join_threshold": [q.threshold for q in questions],
        },
        columns=QUESTION_COLUMNS.names,
    )
    # Only voices in a recurring question are stored: the rest is NULL by absence.
    placed = {doc: q for doc, q in assignment.items() if q is not None}
    assignment_frame = pd.DataFrame(
        {"feedback_id": list(placed), "question_id": list(placed.values())},
        columns=ASSIGNMENT_COLUMNS.names,
    )
    lineage = pd.DataFrame(
        [
            {
                "event": e.event,
                "question_id": e.issue_id,
                "source_question_id": e.source_issue_id,
                "documents": e.documents,
            }
            for e in events
        ],
        columns=LINEAGE_COLUMNS.names,
    )
    run_frame = pd.DataFrame([{"run_at": datetime.now(UTC), **run}])
    run_with_batches(
        con,
        ["questions/replace", "questions/insert_run"],
        questions_batch=frame_batch(questions_frame, QUESTION_COLUMNS, "questions"),
        question_assignment_batch=frame_batch(assignment_frame, ASSIGNMENT_COLUMNS, "assignment"),
        question_run_batch=frame_batch(
            run_frame, RUN_COLUMNS, "run", optional=("retained_share", "input_digest")
        ),
        question_lineage_batch=frame_batch(lineage, LINEAGE_COLUMNS, "lineage"),
    )
