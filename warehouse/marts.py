"""Rebuild the marts the app reads from staging + nlp, all in one transaction.

Each `warehouse/sql/marts/NN_<mart>.sql` is a CREATE OR REPLACE TABLE with its COMMENTs; the
numeric prefix is the build order (issues count from marts.feedback, so it comes first).
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from koe.settings import settings
from koe.vocabulary import KPIS
from warehouse.db import apply_schema, sql, sql_files, transaction
from warehouse.search import normalize_new_feedback

MARTS = (
    "feedback",
    "issues",
    "issue_daily",
    "feedback_daily",
    "flag_daily",
    "issue_products",
    "root_cause_counts",
    "customer_contacts",
    "calls",
    "impact_cells",
    "kpi_daily",
    "kpi_targets",
    "agent_qa_findings",
    "call_turns",
    "quarantine",
    "issue_lineage",
    "issue_subgroups",
    "question_feedback",
    "questions",
    "question_daily",
    "question_examples",
    "question_lineage",
)


def build_marts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rebuild every mart; readers see either all old or all new marts. Returns row counts."""
    apply_schema(con)  # staging views are part of the code: keep them current
    normalize_new_feedback(con)  # marts.feedback carries each text's search form
    # The KPI targets are defined once, in the vocabulary; marts.kpi_targets is built from them.
    con.register("kpi_targets_batch", _kpi_targets())
    # How close two contacts about one issue must be to count as a repeat (marts.customer_contacts).
    con.register("repeat_window", pa.table({"days": [settings().repeat_contact_days]}))
    try:
        with transaction(con):
            for name in sql_files("marts"):
                con.execute(sql(name))
    finally:
        con.unregister("kpi_targets_batch")
        con.unregister("repeat_window")
    return {
        mart: con.execute(f"SELECT count(*) FROM marts.{mart}").fetchall()[0][0]  # noqa: S608 - fixed names
        for mart in MARTS
    }


def _kpi_targets() -> pa.Table:
    return pa.table(
        {
            "kpi": [k.code for k in KPIS],
            "label_ja": [k.name for k in KPIS],
            "target": pa.array([k.target for k in KPIS], type=pa.float64()),
            "direction": [k.direction for k in KPIS],
            "informational": [k.informational for k in KPIS],
        }
    )
