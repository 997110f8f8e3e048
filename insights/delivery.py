"""Send new alerts where the organisation will see them: a webhook, mail, or files.

What is sent is a notice (insights.notices), not every alert: one per incident when it opens and
again when its count rises (a flagged voice joining an open incident does not make a message of
its own), and one per episode of emerging alerts. Each notice has the columns of an alert.

- ``KOE_ALERT_WEBHOOK``: each alert is POSTed there as JSON (Slack/Teams-style incoming hooks,
  or any HTTP endpoint).
- ``KOE_SMTP_HOST`` (with ``KOE_SMTP_PORT``, ``KOE_ALERT_MAIL_FROM``, ``KOE_ALERT_MAIL_TO``,
  optional ``KOE_SMTP_USER``/``KOE_SMTP_PASSWORD``/``KOE_SMTP_STARTTLS``): one mail per alert.
- Neither: each alert is written to ``<alerts dir>/<day>_<kind>_<alert_id>.json``.

Only alerts about the last ``RECENT_DAYS`` days of data are sent; older ones are history, shown in
the app. Each alert is sent on its own: a delivery is recorded in ``insights.alert_deliveries``
as soon as it succeeds, so a rerun (or an Airflow retry after a failure) never sends an alert
twice to the same place, and a failure in ``insights.alert_delivery_failures`` with its reason,
so one alert the mail server refuses never holds back the others.
"""

from __future__ import annotations

import json
import logging
import smtplib
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from koe.files import write_atomically
from koe.settings import Settings, Smtp

RECENT_DAYS = 7
HEADER_CHARS = 200
logger = logging.getLogger(__name__)


def _payload(row) -> dict:
    return {
        "alert_id": row.alert_id,
        "kind": row.kind,
        "day": str(row.day)[:10],
        "route": row.route,
        "title": row.title,
        "issue_id": row.issue_id,
        "feedback_id": row.feedback_id,
        "product": row.product,
        "observed": None if pd.isna(row.observed) else float(row.observed),
        "expected": None if pd.isna(row.expected) else float(row.expected),
        "p_value": None if pd.isna(row.p_value) else float(row.p_value),
        "evidence": json.loads(row.evidence) if isinstance(row.evidence, str) else None,
    }


def _send_webhook(url: str, payload: dict) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - configured URL
        if response.status >= 300:
            raise OSError(f"webhook answered {response.status}")


def header_text(value: str, limit: int = HEADER_CHARS) -> str:
    """``value`` made safe for a mail header: control characters and line breaks (which a
    customer can type into a product name) become spaces, runs of space collapse, and the
    result is cut to ``limit`` characters."""
    cleaned = "".join(" " if unicodedata.category(c) in {"Cc", "Zl", "Zp"} else c for c in value)
    return " ".join(cleaned.split())[:limit]


def _send_mail(smtp: Smtp, payload: dict) -> None:
    message = EmailMessage()
    message["Subject"] = header_text(f"[koe] {payload['title']}")
    message["From"] = smtp.mail_from
    message["To"] = smtp.mail_to
    lines = [
        payload["title"],
        "",
        f"種別: {payload['kind']}",
        f"対象日: {payload['day']}",
        f"対応: {payload['route']}",
        "",
        json.dumps(payload["evidence"], ensure_ascii=False, indent=2),
    ]
    message.set_content("\n".join(lines))
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as server:
        if smtp.starttls:
            server.starttls()
        if smtp.user:
            server.login(smtp.user, smtp.password)
        server.send_message(message)


def _write_file(directory: Path, payload: dict) -> None:
    target = directory / f"{payload['day']}_{payload['kind']}_{payload['alert_id']}.json"
    write_atomically(target, json.dumps(payload, ensure_ascii=False, indent=2))


@dataclass(frozen=True)
class Route:
    """Where alerts go: ``channel`` (webhook, smtp or file) and its target (URL, recipient or
    folder). Deliveries are recorded per route, so changing it sends the recent alerts again."""

    channel: str
    target: str


def route(config: Settings) -> Route:
    """The configured route: the webhook if set, else SMTP, else files in the alerts folder."""
    if config.alert_webhook:
        return Route("webhook", config.alert_webhook)
    if config.smtp is not None:
        if not config.smtp.mail_to:
            raise ValueError("KOE_SMTP_HOST is set but KOE_ALERT_MAIL_TO is not: no recipient")
        return Route("smtp", config.smtp.mail_to)
    return Route("file", str(config.alerts_dir))


def recent(alerts: pd.DataFrame, latest_day) -> pd.DataFrame:
    """The alerts about the last RECENT_DAYS days of data; older ones are history."""
    if alerts.empty or latest_day is None:
        return alerts
    days = pd.to_datetime(alerts["day"]).dt.date
    return alerts[days >= latest_day - timedelta(days=RECENT_DAYS - 1)]


@dataclass(frozen=True)
class Outcome:
    """What happened to one alert: sent (``failure`` is None) or not, and why."""

    alert_id: str
    failure: str | None = None
    transient: bool = False


def deliver(
    alerts: pd.DataFrame, to: Route, config: Settings, record: Callable[[Outcome], None]
) -> dict:
    """Send each alert along ``to`` on its own; ``record`` gets each one's outcome at once.

    One alert that cannot be sent never holds back the others. Raises after trying them all
    when a send failed for a reason a retry may cure (network, SMTP, files), so the Airflow task
    is retried; what was sent is recorded and not sent again. Returns how many went where.
    """
    sent, failed, transient = 0, 0, []
    for row in alerts.itertuples(index=False):
        try:
            payload = _payload(row)
            if to.channel == "webhook":
                _send_webhook(to.target, payload)
            elif to.channel == "smtp":
                _send_mail(config.smtp, payload)
            else:
                _write_file(Path(to.target), payload)
        except Exception as error:  # noqa: BLE001 - each alert is delivered or recorded alone
            outcome = _failure(row.alert_id, error)
            logger.warning("alert %s not delivered: %s", row.alert_id, outcome.failure)
            record(outcome)
            failed += 1
            if outcome.transient:
                transient.append(f"{row.alert_id}: {outcome.failure}")
            continue
        record(Outcome(row.alert_id))
        sent += 1
    if transient:
        raise RuntimeError(
            f"{len(transient)} alert(s) not delivered by {to.channel}: {transient[:3]}"
        )
    return {"channel": to.channel, "sent": sent, "failed": failed}


def _failure(alert_id: str, error: Exception) -> Outcome:
    # Network and SMTP messages describe the connection; other errors may quote the alert's
    # text (personal data), so only their type is kept. A refusal (HTTP 4xx, SMTP 5xx) would
    # come back the same on a retry.
    refused = (isinstance(error, urllib.error.HTTPError) and 400 <= error.code < 500) or (
        isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
    )
    transient = isinstance(error, OSError) and not refused
    reason = type(error).__name__
    if isinstance(error, OSError):
        reason = f"{reason}: {error}"[:300]
    return Outcome(alert_id, reason, transient)
