"""Read the marts the insight statistics need and store what they find (insights.*).

The statistics live in insights/ (`emerging`, `alerts`, `root_causes`); this module only moves
frames in and out of DuckDB, in one transaction per write.
"""

from __future__ import annotations

import json
import math

import duckdb
import pandas as pd
import pyarrow as pa

from warehouse.db import run_with_batches, sql

ALERT_COLUMNS = pa.schema(
    [
        ("alert_id", pa.string()),
        ("kind", pa.string()),
        ("day", pa.date32()),
        ("window_days", pa.int32()),
        ("issue_id", pa.string()),
        ("feedback_id", pa.string()),
        ("product", pa.string()),
        ("route", pa.string()),
        ("title", pa.string()),
        ("observed", pa.float64()),
        ("expected", pa.float64()),
        ("p_value", pa.float64()),
        ("evidence", pa.string()),
    ]
)
ROOT_CAUSE_COLUMNS = pa.schema(
    [
        ("issue_id", pa.string()),
        ("rank", pa.int32()),
        ("attribute", pa.string()),
        ("value", pa.string()),
        ("count", pa.int32()),
        ("issue_docs", pa.int32()),
        ("reference_count", pa.int32()),
        ("reference_docs", pa.int32()),
        ("lift", pa.float64()),
        ("p_value", pa.float64()),
        ("q_value", pa.float64()),
        ("onset", pa.date32()),
    ]
)


def feedback(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per original feedback: issue, product (own or its issue's), attributes, day,
    sentiment, flags, issue terms and masked text."""
    frame = con.execute(sql("insights/feedback_for_insights")).df()
    frame["created_date"] = pd.to_datetime(frame["created_date"]).dt.date
    for column in ("flags", "terms"):
        frame[column] = [_as_list(v) for v in frame[column]]
    frame["issue_id"] = frame["issue_id"].astype(object).where(frame["issue_id"].notna(), None)
    return frame


def issue_labels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute(sql("insights/issue_labels")).fetchall())


def save(con: duckdb.DuckDBPyConnection, alerts: list, candidates: list) -> None:
    """Replace alerts (keeping first-detection times) and root-cause candidates, in one transaction."""
    alert_batch = pa.Table.from_pylist(
        [
            {
                "alert_id": a.alert_id,
                "kind": a.kind,
                "day": a.day,
                "window_days": a.window_days,
                "issue_id": a.issue_id,
                "feedback_id": a.feedback_id,
                "product": a.product,
                "route": a.route,
                "title": a.title,
                "observed": a.observed,
                "expected": a.expected,
                "p_value": a.p_value,
                "evidence": json.dumps(a.evidence, ensure_ascii=False, default=str),
            }
            for a in alerts
        ],
        schema=ALERT_COLUMNS,
    )
    cause_batch = pa.Table.from_pylist(
        [
            {
                "issue_id": c.issue_id,
                "rank": c.rank,
                "attribute": c.attribute,
                "value": c.value,
                "count": c.count,
                "issue_docs": c.issue_docs,
                "reference_count": c.reference_count,
                "reference_docs": c.reference_docs,
                "lift": c.lift if math.isfinite(c.lift) else None,
                "p_value": c.p_value,
                "q_value": c.q_value,
                "onset": c.onset,
            }
            for c in candidates
        ],
        schema=ROOT_CAUSE_COLUMNS,
    )
    run_with_batches(
        con,
        ["insights/save_alerts", "insights/save_root_causes"],
        alerts_batch=alert_batch,
        root_causes_batch=cause_batch,
    )


def latest_day(con: duckdb.DuckDBPyConnection):
    """The last day with feedback (JST), None in an empty warehouse."""
    [(latest,)] = con.execute(sql("insights/latest_day")).fetchall()
    return latest


def undelivered(con: duckdb.DuckDBPyConnection, channel: str, target: str) -> pd.DataFrame:
    """Alerts not yet sent to ``target`` over ``channel``, oldest first."""
    return con.execute(
        sql("insights/undelivered_alerts"), {"channel": channel, "target": target}
    ).df()


def record_delivery(
    con: duckdb.DuckDBPyConnection, alert_id: str, channel: str, target: str
) -> None:
    con.execute(
        sql("insights/record_delivery"),
        {"alert_id": alert_id, "channel": channel, "target": target},
    )


def record_delivery_failure(
    con: duckdb.DuckDBPyConnection,
    alert_id: str,
    channel: str,
    target: str,
    reason: str,
    transient: bool,
) -> None:
    con.execute(
        sql("insights/record_delivery_failure"),
        {
            "alert_id": alert_id,
            "channel": channel,
            "target": target,
            "reason": reason,
            "transient": transient,
        },
    )


def _as_list(value) -> list:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return list(value)
