"""Send new alerts where the organisation will see them: a webhook, mail, or files.

- ``KOE_ALERT_WEBHOOK``: each alert is POSTed there as JSON (Slack/Teams-style incoming hooks,
  or any HTTP endpoint).
- ``KOE_SMTP_HOST`` (with ``KOE_SMTP_PORT``, ``KOE_ALERT_MAIL_FROM``, ``KOE_ALERT_MAIL_TO``,
  optional ``KOE_SMTP_USER``/``KOE_SMTP_PASSWORD``/``KOE_SMTP_STARTTLS``): one mail per alert.
- Neither: each alert is written to ``<alerts dir>/<day>_<kind>_<alert_id>.json``.

Only alerts about the last ``RECENT_DAYS`` days of data are sent; older ones are history, shown in
the app. Each delivery is recorded in ``insights.alert_deliveries`` as soon as it succeeds, so a
rerun (or an Airflow retry after a failure) never sends an alert twice to the same place.
"""

from __future__ import annotations

import json
import os
import smtplib
import urllib.request
from collections.abc import Mapping
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pandas as pd

from warehouse import insights

RECENT_DAYS = 7


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


def _recent(frame: pd.DataFrame, latest_day) -> pd.DataFrame:
    if frame.empty or latest_day is None:
        return frame
    days = pd.to_datetime(frame["day"]).dt.date
    return frame[days >= latest_day - timedelta(days=RECENT_DAYS - 1)]


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


def _send_mail(env: Mapping[str, str], payload: dict) -> None:
    message = EmailMessage()
    message["Subject"] = f"[koe] {payload['title']}"
    message["From"] = env.get("KOE_ALERT_MAIL_FROM", "koe@localhost")
    message["To"] = env["KOE_ALERT_MAIL_TO"]
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
    port = int(env.get("KOE_SMTP_PORT", "25"))
    with smtplib.SMTP(env["KOE_SMTP_HOST"], port, timeout=10) as smtp:
        if env.get("KOE_SMTP_STARTTLS"):
            smtp.starttls()
        if env.get("KOE_SMTP_USER"):
            smtp.login(env["KOE_SMTP_USER"], env.get("KOE_SMTP_PASSWORD", ""))
        smtp.send_message(message)


def _write_file(directory: Path, payload: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{payload['day']}_{payload['kind']}_{payload['alert_id']}.json"
    partial = target.with_suffix(".json.partial")
    partial.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    partial.replace(target)  # a reader never sees half a file


def deliver(con, alerts_dir: Path, latest_day, env: Mapping[str, str] | None = None) -> dict:
    """Send every recent alert not yet delivered; returns how many went where.

    Raises after trying them all when any send failed, so the Airflow task is retried; what was
    sent before the failure is recorded and not sent again.
    """
    env = os.environ if env is None else env
    if env.get("KOE_ALERT_WEBHOOK"):
        channel, target = "webhook", env["KOE_ALERT_WEBHOOK"]
    elif env.get("KOE_SMTP_HOST"):
        if not env.get("KOE_ALERT_MAIL_TO"):
            raise ValueError("KOE_SMTP_HOST is set but KOE_ALERT_MAIL_TO is not: no recipient")
        channel, target = "smtp", env["KOE_ALERT_MAIL_TO"]
    else:
        channel, target = "file", str(alerts_dir)
    pending = _recent(insights.undelivered(con, channel, target), latest_day)
    sent, failed = 0, []
    for row in pending.itertuples(index=False):
        payload = _payload(row)
        try:
            if channel == "webhook":
                _send_webhook(target, payload)
            elif channel == "smtp":
                _send_mail(env, payload)
            else:
                _write_file(Path(target), payload)
        except OSError as error:  # network, SMTP and file errors alike
            failed.append(f"{row.alert_id}: {error}")
            continue
        insights.record_delivery(con, row.alert_id, channel, target)
        sent += 1
    if failed:
        raise RuntimeError(f"{len(failed)} alert(s) not delivered by {channel}: {failed[:3]}")
    return {"channel": channel, "sent": sent}
