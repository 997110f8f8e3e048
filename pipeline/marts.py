"""koe_marts's steps: marts → insights → published snapshot → alerts delivered.

The marts are rebuilt in one transaction; insights (alerts, root causes) are computed from them
and stored in one transaction; the snapshot the app reads is then published, and only after that
are the alerts sent, so the app already shows what a message announces.
"""

from __future__ import annotations

import os
from pathlib import Path

from koe.settings import Settings, for_warehouse


def build_marts(path: str | os.PathLike[str] | None = None) -> dict:
    """Rebuild every marts.* table in one transaction; returns their row counts."""
    from warehouse import marts
    from warehouse.db import connect

    with connect(path) as con:
        return marts.build_marts(con)


def find_insights(path: str | os.PathLike[str] | None = None) -> dict:
    """Alerts and root-cause candidates from the marts, stored in insights.* in one transaction."""
    from insights.alerts import build_alerts
    from insights.root_causes import key_phrases, root_causes
    from warehouse import insights
    from warehouse.db import apply_schema, connect

    with connect(path) as con:
        apply_schema(con)
        frame = insights.feedback(con)
        alerts = build_alerts(frame, insights.issue_labels(con))
        candidates = root_causes(frame) + key_phrases(frame)
        insights.save(con, alerts, candidates)
    kinds: dict[str, int] = {}
    for alert in alerts:
        kinds[alert.kind] = kinds.get(alert.kind, 0) + 1
    return {"alerts": kinds, "root_causes": len(candidates)}


def publish_snapshot(path: str | os.PathLike[str] | None = None) -> Path:
    """Copy the finished warehouse to the snapshot the app reads, atomically."""
    from warehouse.snapshot import publish_snapshot as publish

    return publish(path)


def deliver_alerts(
    path: str | os.PathLike[str] | None = None, config: Settings | None = None
) -> dict:
    """Send the alerts of the last days of data not sent yet along the configured route
    (webhook, SMTP or files; see `insights.delivery`). ``config`` defaults to the settings."""
    from warehouse import insights
    from warehouse.db import apply_schema, connect

    config = config or for_warehouse(path)
    with connect(path) as con:
        apply_schema(con)
        return send_recent_alerts(con, config, insights.latest_day(con))


def send_recent_alerts(con, config: Settings, latest_day) -> dict:
    """The alerts of the days up to ``latest_day`` not sent yet, sent on an open warehouse
    connection. Each delivery is recorded as it succeeds, so a rerun never sends an alert twice
    to the same place."""
    from insights import delivery
    from warehouse import insights

    route = delivery.route(config)
    pending = delivery.recent(insights.undelivered(con, route.channel, route.target), latest_day)

    def record(outcome: delivery.Outcome) -> None:
        if outcome.failure is None:
            insights.record_delivery(con, outcome.alert_id, route.channel, route.target)
        else:
            insights.record_delivery_failure(
                con,
                outcome.alert_id,
                route.channel,
                route.target,
                outcome.failure,
                outcome.transient,
            )

    return delivery.deliver(pending, route, config, record)
