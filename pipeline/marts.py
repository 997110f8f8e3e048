"""koe_marts's steps: customer links and marts → insights → published snapshot → alerts delivered.

Voices are linked to their customers (`nlp.linking` over the identifier pseudonyms masking made)
and the marts rebuilt in one transaction; insights (alerts, root causes) are computed from them
and stored in one transaction; the snapshot the app reads is then published, and only after that
are the alerts sent, so the app already shows what a message announces.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from koe.settings import Settings, for_warehouse

logger = logging.getLogger(__name__)


def build_marts(path: str | os.PathLike[str] | None = None) -> dict:
    """Link each customer's voices across channels (nlp.customer_links), then rebuild every
    marts.* table in one transaction; returns their row counts."""
    from nlp.linking import link_customers
    from warehouse import customers, marts
    from warehouse.db import apply_schema, connect

    with connect(path) as con:
        apply_schema(con)
        linked = customers.save_customer_links(con, link_customers(customers.voice_contacts(con)))
        return {**marts.build_marts(con), "linked_voices": linked}


def find_insights(path: str | os.PathLike[str] | None = None) -> dict:
    """Alerts and root-cause candidates from the marts, stored in insights.* in one transaction.

    They are computed from counts per day and issue (marts.feedback_daily, marts.issue_products,
    marts.root_cause_counts), never from every document: only the feedback that raises an alert
    of its own (safety, SNS threats) and the scores of the few windows whose sentiment may have
    dropped are read as documents, and both only for days whose documents changed since the last
    run (`insights.scan_state`). ``input_rows`` says how many rows each read returned.
    """
    from insights import scan_state
    from insights.alerts import alerts_from, emerging_inputs_from_counts
    from insights.emerging import scan_days, window_samples
    from insights.episodes import build_episodes
    from insights.root_causes import causes_from_counts, phrases_from_counts
    from koe.vocabulary import CASE_FLAGS, IMMEDIATE_FLAGS
    from warehouse import insights
    from warehouse.db import apply_schema, connect

    read: dict[str, int] = {"sentiment_windows": 0}
    with connect(path) as con:
        apply_schema(con)

        def windows(pairs, window_days, baseline_days):
            rows = insights.sentiment_windows(con, pairs, window_days, baseline_days)
            read["sentiment_windows"] += len(rows)
            return window_samples(pairs, rows)

        daily, products = insights.daily_counts(con), insights.issue_products(con)
        # Flagged feedback is read only for days whose flagged documents changed.
        flag_keys = scan_state.flagged_keys(insights.flagged_days(con, IMMEDIATE_FLAGS))
        stored_flags = insights.flagged_state(con)
        kept = {day for day, key in flag_keys.items() if stored_flags.get(day) == key}
        flagged = insights.flagged_feedback(
            con, IMMEDIATE_FLAGS, [day for day in flag_keys if day not in kept]
        )
        inputs = emerging_inputs_from_counts(daily, products, windows)
        # Days whose tests read the same counts as last time keep their tests (scan_state). The
        # complaint column's type is part of every key: with a NULL in it pandas hands out its own
        # booleans, which `is True` in emerging_inputs never matches, so no product is counted.
        keys = scan_state.day_keys(
            insights.day_fingerprints(con),
            inputs.issues.days(),
            context=str(daily["is_complaint"].dtype),
        )
        reuse = scan_state.reusable(insights.scan_state(con), keys)
        fresh = scan_days(
            inputs.issues,
            inputs.scores,
            [d for d in inputs.issues.days() if d not in reuse],
            inputs.products,
        )
        found = reuse | fresh
        alerts = alerts_from(inputs, flagged, insights.issue_labels(con), found)
        counts, sizes = insights.cause_counts(con)
        candidates = causes_from_counts(counts, sizes) + phrases_from_counts(counts, sizes)
        scanned = {day: (keys[day], scan_state.to_json(found[day])) for day in keys}
        # Episodes read every day's tests (stored or fresh), incidents every flagged voice in SQL:
        # both are whole again after each run, and nothing per document comes to Python.
        grouping = insights.Grouping(
            build_episodes(found, alerts), CASE_FLAGS, for_warehouse(path).incident_window_days
        )
        insights.save(con, alerts, candidates, scanned, (flag_keys, kept), grouping)
        stored = insights.alert_kinds(con)
        grouped = insights.grouped_counts(con)
    read |= {
        "daily_counts": len(daily),
        "issue_products": len(products),
        "cause_counts": len(counts) + len(sizes),
        "flagged_feedback": len(flagged),
        "days_tested": len(fresh),
        "flagged_days_read": len(flag_keys) - len(kept),
    }
    logger.info(
        "%d alerts (%d of them one per flagged voice) → %d incidents holding %d voices, "
        "%d episodes of emerging alerts",
        grouped.get("alerts", 0),
        grouped.get("alerts_per_voice", 0),
        grouped.get("incidents", 0),
        grouped.get("incident_voices", 0),
        grouped.get("episodes", 0),
    )
    return {
        "alerts": stored,
        "grouped": grouped,
        "root_causes": len(candidates),
        "input_rows": read,
    }


def publish_snapshot(path: str | os.PathLike[str] | None = None) -> Path:
    """Copy the finished warehouse to the snapshot the app reads, atomically."""
    from warehouse.snapshot import publish_snapshot as publish

    return publish(path)


def deliver_alerts(
    path: str | os.PathLike[str] | None = None, config: Settings | None = None
) -> dict:
    """Send the notices (incidents at their count, episodes) of the last days of data not sent yet
    along the configured route (webhook, SMTP or files; see `insights.delivery`). ``config``
    defaults to the settings."""
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
