"""koe's settings: the one place that reads the environment, with the defaults the README lists.

`settings()` reads ``os.environ`` once per process and caches the result; `reload()` reads it
again (tests that change the environment call it). Paths that default to a place beside the
warehouse file follow ``warehouse``, so ``replace(settings(), warehouse=path)`` moves them too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from koe.vocabulary import CASE_FLAGS

REPO_ROOT = Path(__file__).resolve().parents[1]

# Hours a case may stay unfinished after its incident's first voice, by flag (KOE_CASE_DUE_HOURS):
# a hazard is answered within a day; a threat to sue leaves time to consult counsel.
CASE_DUE_HOURS = {"safety": 24, "sns_threat": 24, "legal_threat": 72}


class SettingsError(ValueError):
    """A setting koe cannot run with; the message names the variable and what it must be."""


@dataclass(frozen=True)
class Smtp:
    """Where alert mails go (``KOE_SMTP_*``, ``KOE_ALERT_MAIL_*``)."""

    host: str
    port: int
    mail_to: str | None
    mail_from: str
    user: str | None
    password: str
    starttls: bool


@dataclass(frozen=True)
class Settings:
    """Every setting koe reads from the environment. A ``*_override`` field is None unless the
    variable was set; the property of the same name without the suffix gives the path to use."""

    inbox: Path
    warehouse: Path
    snapshot_override: Path | None = None
    alert_status_override: Path | None = None
    alerts_dir_override: Path | None = None
    reports_dir_override: Path | None = None
    staging_dir_override: Path | None = None
    partition_size: int = 2000  # KOE_PARTITION_SIZE: documents per mapped analysis task
    # KOE_DUCKDB_MEMORY_LIMIT: DuckDB's memory per connection, e.g. 4GB (None: DuckDB's own
    # default, 80 % of RAM). Past it DuckDB spills to disk; the marts at 1 M documents need 2–3 GB.
    duckdb_memory_limit: str | None = None
    product_teams: Path | None = None
    embedding_model: str | None = None
    model_dir_override: Path | None = None
    pseudonym_key: str | None = None
    dev_pseudonym_key_allowed: bool = False  # KOE_ALLOW_DEV_PSEUDONYM_KEY=1: demo and tests only
    support_addresses: tuple[str, ...] = ()
    alert_webhook: str | None = None
    smtp: Smtp | None = None
    # KOE_EARLIEST_DATE: records dated before it are quarantined (a broken clock or a misread field).
    earliest_date: datetime = datetime(2000, 1, 1, tzinfo=UTC)
    dev_no_login: bool = False  # KOE_DEV_NO_LOGIN=1: the app without login, on loopback only
    role_claim: str = (
        "koe_roles"  # the ID-token claim listing a user's roles (koe.vocabulary.ROLES)
    )
    team_claim: str = "koe_team"  # the ID-token claim naming a product team's team
    # KOE_WORKER_NAME: the name a Celery worker of the cluster demo records on its task instances.
    worker_name: str | None = None
    # KOE_INCIDENT_WINDOW_DAYS: a flagged voice joins the open incident of its flag, issue and
    # product when it comes within this many days of the incident's latest voice.
    incident_window_days: int = 7
    case_due_hours: Mapping[str, int] = field(default_factory=lambda: dict(CASE_DUE_HOURS))
    # KOE_REPEAT_CONTACT_DAYS: the same customer about the same issue within this many days is a
    # repeat contact (再問い合わせ).
    repeat_contact_days: int = 7

    @property
    def snapshot(self) -> Path:
        """The read-only copy the app opens: ``$KOE_SNAPSHOT``, else ``<stem>.snapshot.duckdb``
        beside the warehouse file."""
        if self.snapshot_override is not None:
            return self.snapshot_override
        return self.warehouse.with_name(f"{self.warehouse.stem}.snapshot.duckdb")

    @property
    def alert_status(self) -> Path:
        """The app's record of closed alerts: ``$KOE_ALERT_STATUS``, else
        ``<stem>.alert_status.duckdb`` beside the snapshot."""
        if self.alert_status_override is not None:
            return self.alert_status_override
        snapshot = self.snapshot
        return snapshot.with_name(f"{snapshot.name.split('.')[0]}.alert_status.duckdb")

    @property
    def model_dir(self) -> Path:
        """Where trained text classifiers are stored (``$KOE_MODEL_DIR``, else ``data/models``
        in the repository): built once per training-data digest, shared by every warehouse."""
        return self.model_dir_override or REPO_ROOT / "data" / "models"

    @property
    def alerts_dir(self) -> Path:
        """Where alerts are written when neither a webhook nor SMTP is set."""
        return self.alerts_dir_override or self.warehouse.parent / "alerts"

    @property
    def staging_dir(self) -> Path:
        """Where a run's partitions wait between the mapped tasks and the task that loads them
        (``$KOE_STAGING_DIR``, else ``staging/`` beside the warehouse). On a cluster every worker
        must see it: a shared volume, like the warehouse's."""
        return self.staging_dir_override or self.warehouse.parent / "staging"

    @property
    def reports_dir(self) -> Path:
        """Where the weekly reports are written."""
        return self.reports_dir_override or self.warehouse.parent / "reports"


def from_environ(environ: Mapping[str, str]) -> Settings:
    """Settings from an environment mapping (``os.environ`` in `settings()`)."""

    def path(name: str) -> Path | None:
        value = environ.get(name)
        return Path(value) if value else None

    def header(name: str) -> str | None:
        value = environ.get(name) or None
        if value is not None and any(c in value for c in "\r\n"):
            raise SettingsError(f"{name} must be one line: a mail header cannot hold a line break")
        return value

    smtp = None
    if environ.get("KOE_SMTP_HOST"):
        smtp = Smtp(
            host=environ["KOE_SMTP_HOST"],
            port=int(environ.get("KOE_SMTP_PORT") or 25),
            mail_to=header("KOE_ALERT_MAIL_TO"),
            mail_from=header("KOE_ALERT_MAIL_FROM") or "koe@localhost",
            user=environ.get("KOE_SMTP_USER") or None,
            password=environ.get("KOE_SMTP_PASSWORD", ""),
            starttls=bool(environ.get("KOE_SMTP_STARTTLS")),
        )
    listed = environ.get("KOE_SUPPORT_ADDRESSES", "")
    return Settings(
        inbox=path("KOE_INBOX") or REPO_ROOT / "data" / "inbox",
        warehouse=path("KOE_WAREHOUSE") or REPO_ROOT / "data" / "warehouse.duckdb",
        snapshot_override=path("KOE_SNAPSHOT"),
        alert_status_override=path("KOE_ALERT_STATUS"),
        alerts_dir_override=path("KOE_ALERTS_DIR"),
        reports_dir_override=path("KOE_REPORTS_DIR"),
        staging_dir_override=path("KOE_STAGING_DIR"),
        partition_size=_positive_int(environ, "KOE_PARTITION_SIZE", 2000),
        duckdb_memory_limit=_memory_size(environ.get("KOE_DUCKDB_MEMORY_LIMIT")),
        product_teams=path("KOE_PRODUCT_TEAMS"),
        embedding_model=environ.get("KOE_EMBEDDING_MODEL") or None,
        model_dir_override=path("KOE_MODEL_DIR"),
        pseudonym_key=environ.get("KOE_PSEUDONYM_KEY") or None,
        dev_pseudonym_key_allowed=environ.get("KOE_ALLOW_DEV_PSEUDONYM_KEY") == "1",
        support_addresses=tuple(
            entry.strip().lower() for entry in listed.split(",") if entry.strip()
        ),
        alert_webhook=_webhook(environ.get("KOE_ALERT_WEBHOOK") or None),
        smtp=smtp,
        earliest_date=_earliest(environ.get("KOE_EARLIEST_DATE")),
        dev_no_login=environ.get("KOE_DEV_NO_LOGIN") == "1",
        role_claim=environ.get("KOE_ROLE_CLAIM") or "koe_roles",
        team_claim=environ.get("KOE_TEAM_CLAIM") or "koe_team",
        worker_name=environ.get("KOE_WORKER_NAME") or None,
        incident_window_days=_positive_int(environ, "KOE_INCIDENT_WINDOW_DAYS", 7),
        case_due_hours=_due_hours(environ.get("KOE_CASE_DUE_HOURS")),
        repeat_contact_days=_positive_int(environ, "KOE_REPEAT_CONTACT_DAYS", 7),
    )


def _due_hours(value: str | None) -> dict[str, int]:
    """``safety=24,legal_threat=48``: the hours of the flags named, the defaults for the rest."""
    hours = dict(CASE_DUE_HOURS)
    for entry in (value or "").split(","):
        if not entry.strip():
            continue
        flag, _, number = entry.partition("=")
        flag, number = flag.strip(), number.strip()
        if flag not in CASE_FLAGS or not number.isdigit() or int(number) < 1:
            raise SettingsError(
                "KOE_CASE_DUE_HOURS must list flag=hours pairs such as safety=24,legal_threat=72"
                f" (flags: {', '.join(CASE_FLAGS)}; hours at least 1), not {entry.strip()!r}"
            )
        hours[flag] = int(number)
    return hours


def _earliest(value: str | None) -> datetime:
    if not value:
        return datetime(2000, 1, 1, tzinfo=UTC)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise SettingsError(
            f"KOE_EARLIEST_DATE must be a date like 2015-01-01, got {value!r}"
        ) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise SettingsError(f"{name} must be a whole number of at least 1, not {value!r}")
    return number


def _memory_size(value: str | None) -> str | None:
    """A DuckDB memory size (``512MB``, ``1GB``, ``2.5GiB``), checked here: the value is set in a
    statement, so nothing else may pass."""
    if not value:
        return None
    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", value.strip()):
        raise SettingsError(
            f"KOE_DUCKDB_MEMORY_LIMIT must be a size such as 512MB or 2GB, not {value!r}"
        )
    return value.strip()


def _webhook(url: str | None) -> str | None:
    """The webhook URL, which must be http(s): urllib would open file:// or ftp:// as well."""
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SettingsError(
            "KOE_ALERT_WEBHOOK must be an http:// or https:// URL with a host"
            f" (got scheme '{parts.scheme or 'none'}')"
        )
    return url


@cache
def settings() -> Settings:
    """The process's settings, read from ``os.environ`` on first use."""
    return from_environ(os.environ)


def reload() -> Settings:
    """Read the environment again (after a test or a script changed it)."""
    settings.cache_clear()
    return settings()


def for_warehouse(path: str | os.PathLike[str] | None) -> Settings:
    """The settings with the warehouse file at ``path`` (None: as configured); the paths that
    default to a place beside the warehouse follow it."""
    return settings() if path is None else replace(settings(), warehouse=Path(path))
