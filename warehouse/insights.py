"""Read the marts the insight statistics need and store what they find (insights.*).

The statistics live in insights/ (`emerging`, `alerts`, `root_causes`); this module only moves
frames in and out of DuckDB, in one transaction per write.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import duckdb
import pandas as pd
import pyarrow as pa

from koe.vocabulary import CASE_OWNERS, FLAGS, NO_PRODUCT, PRODUCT_HAZARD_FLAGS
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
EPISODE_COLUMNS = pa.schema(
    [
        ("episode_id", pa.string()),
        ("kind", pa.string()),
        ("issue_id", pa.string()),
        ("product", pa.string()),
        ("first_day", pa.date32()),
        ("last_day", pa.date32()),
        ("days", pa.int32()),
        ("alert_ids", pa.list_(pa.string())),
        ("route", pa.string()),
        ("title", pa.string()),
        ("peak_ratio", pa.float64()),
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
    sentiment, flags, issue terms and masked text. For checks on small warehouses: the pipeline
    reads the daily counts below, whose size does not grow with the documents."""
    return _documents(con.execute(sql("insights/feedback_for_insights")).df())


def daily_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Feedback per day, issue, product and complaint with sentiment sums (marts.feedback_daily)."""
    frame = con.execute(sql("insights/daily_counts")).df()
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame


def issue_products(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each issue's documents per product, with the first document naming it."""
    return con.execute(sql("insights/issue_products")).df()


def sentiment_windows(
    con: duckdb.DuckDBPyConnection, pairs, window_days: int, baseline_days: int
) -> list[tuple]:
    """For each (issue, day) in ``pairs``, its documents per sentiment score over the
    ``window_days`` ending on the day (recent) and the ``baseline_days`` before them: rows of
    (issue_id, day, recent, score, documents)."""
    windows = pa.table(
        {
            "issue_id": pa.array([i for i, _ in pairs], pa.string()),
            "day": pa.array([d for _, d in pairs], pa.date32()),
        }
    )
    con.register("sentiment_windows", windows)
    try:
        return con.execute(
            sql("insights/sentiment_windows"),
            {"window_days": window_days, "baseline_days": baseline_days},
        ).fetchall()
    finally:
        con.unregister("sentiment_windows")


def day_fingerprints(con: duckdb.DuckDBPyConnection) -> dict:
    """Day → a fingerprint of what the emerging-issue tests count on it."""
    return dict(con.execute(sql("insights/day_fingerprints")).fetchall())


def scan_state(con: duckdb.DuckDBPyConnection) -> dict:
    """Day → (input key, tests as JSON) as the last run stored them."""
    return {
        day: (key, found) for day, key, found in con.execute(sql("insights/scan_state")).fetchall()
    }


def flagged_feedback(con: duckdb.DuckDBPyConnection, flags, days=None) -> pd.DataFrame:
    """The feedback of ``days`` (default: every day) carrying any of ``flags``: each is an
    alert of its own."""
    days = None if days is None else list(days)
    return _documents(
        con.execute(sql("insights/flagged_feedback"), {"flags": list(flags), "days": days}).df()
    )


def flagged_days(con: duckdb.DuckDBPyConnection, flags) -> dict:
    """Day → a fingerprint of its feedback carrying any of ``flags`` (what their alerts show)."""
    return dict(con.execute(sql("insights/flagged_days"), {"flags": list(flags)}).fetchall())


def flagged_state(con: duckdb.DuckDBPyConnection) -> dict:
    """Day → the input key of its flagged feedback's alerts as the last run stored them."""
    return dict(con.execute(sql("insights/flagged_state")).fetchall())


def alert_kinds(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Kind → how many alerts of it are stored."""
    return dict(con.execute(sql("insights/alert_kinds")).fetchall())


def cause_counts(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Complaints per issue, product, attribute and value (with each value's onset), and
    complaints per issue and product: the root-cause and key-phrase tests' input."""
    counts = con.execute(sql("insights/cause_counts")).df()
    sizes = con.execute(sql("insights/complaint_sizes")).df()
    return counts, sizes


def _documents(frame: pd.DataFrame) -> pd.DataFrame:
    frame["created_date"] = pd.to_datetime(frame["created_date"]).dt.date
    for column in ("flags", "terms"):
        if column in frame:
            frame[column] = [_as_list(v) for v in frame[column]]
    frame["issue_id"] = frame["issue_id"].astype(object).where(frame["issue_id"].notna(), None)
    return frame


def issue_labels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute(sql("insights/issue_labels")).fetchall())


@dataclass(frozen=True)
class Grouping:
    """What the insights step groups besides alerts: the emerging alerts' ``episodes``
    (`insights.episodes.Episode`), and the incidents of the voices carrying one of ``flags``,
    a voice joining its key's open incident within ``window_days`` (insights/save_incidents)."""

    episodes: list
    flags: tuple[str, ...]
    window_days: int


def save(
    con: duckdb.DuckDBPyConnection,
    alerts: list,
    candidates: list,
    scanned: dict | None = None,
    flagged: tuple[dict, set] | None = None,
    grouping: Grouping | None = None,
) -> None:
    """Replace alerts (keeping first-detection times), root-cause candidates and, when given,
    each day's emerging-issue tests (``scanned``: day → (input key, JSON)), in one transaction.
    ``flagged`` is (day → input key of its flagged feedback, the days whose flagged feedback's
    alerts are kept as stored rather than given in ``alerts``). With ``grouping``, the episodes
    and incidents are replaced in the same transaction."""
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
    statements = ["insights/save_alerts", "insights/save_root_causes"]
    keys, kept = flagged if flagged is not None else ({}, set())
    batches = {
        "alerts_batch": alert_batch,
        "root_causes_batch": cause_batch,
        "kept_days_batch": pa.table({"day": pa.array(sorted(kept), pa.date32())}),
    }
    if flagged is not None:
        statements.append("insights/save_flagged_state")
        batches["flagged_batch"] = pa.table(
            {
                "day": pa.array(list(keys), pa.date32()),
                "input_key": pa.array(list(keys.values()), pa.string()),
            }
        )
    if scanned is not None:
        statements.append("insights/save_scan_state")
        batches["scan_batch"] = pa.table(
            {
                "day": pa.array(list(scanned), pa.date32()),
                "input_key": pa.array([k for k, _ in scanned.values()], pa.string()),
                "found": pa.array([f for _, f in scanned.values()], pa.string()),
            }
        )
    if grouping is not None:
        statements += ["insights/save_episodes", "insights/save_incidents", "insights/save_notices"]
        batches |= _grouping_batches(grouping)
    run_with_batches(con, statements, **batches)


def _grouping_batches(grouping: Grouping) -> dict[str, pa.Table]:
    episodes = pa.Table.from_pylist(
        [
            {
                "episode_id": e.episode_id,
                "kind": e.kind,
                "issue_id": e.issue_id,
                "product": e.product,
                "first_day": e.first_day,
                "last_day": e.last_day,
                "days": e.days,
                "alert_ids": list(e.alert_ids),
                "route": e.route,
                "title": e.title,
                "peak_ratio": e.peak_ratio,
            }
            for e in grouping.episodes
        ],
        schema=EPISODE_COLUMNS,
    )
    return {
        "episodes_batch": episodes,
        "incident_flags_batch": pa.table(
            {
                "flag": pa.array(grouping.flags, pa.string()),
                "by_product": pa.array([f in PRODUCT_HAZARD_FLAGS for f in grouping.flags]),
            }
        ),
        "incident_window_batch": pa.table({"days": pa.array([grouping.window_days], pa.int32())}),
        "notice_names_batch": pa.table(
            {
                "code": pa.array(grouping.flags, pa.string()),
                "name": pa.array([FLAGS[f] for f in grouping.flags], pa.string()),
                "route": pa.array([CASE_OWNERS[f] for f in grouping.flags], pa.string()),
                "no_product": pa.array([NO_PRODUCT] * len(grouping.flags), pa.string()),
            }
        ),
    }


def grouped_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How many alerts, incidents (and per flag), episodes and flagged voices are stored."""
    return dict(con.execute(sql("insights/grouped_counts")).fetchall())


def latest_day(con: duckdb.DuckDBPyConnection):
    """The last day with feedback (JST), None in an empty warehouse."""
    [(latest,)] = con.execute(sql("insights/latest_day")).fetchall()
    return latest


def undelivered(con: duckdb.DuckDBPyConnection, channel: str, target: str) -> pd.DataFrame:
    """Notices (insights.notices: an incident at its count, an episode) not yet sent to
    ``target`` over ``channel``, oldest first, in the columns of an alert."""
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
