"""Settings: the environment read in one place, with the defaults the README lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from koe.settings import REPO_ROOT, for_warehouse, from_environ, reload, settings


def test_without_variables_everything_lives_under_data():
    config = from_environ({})
    data = REPO_ROOT / "data"
    assert config.inbox == data / "inbox"
    assert config.warehouse == data / "warehouse.duckdb"
    assert config.snapshot == data / "warehouse.snapshot.duckdb"
    assert config.alert_status == data / "warehouse.alert_status.duckdb"
    assert (config.alerts_dir, config.reports_dir) == (data / "alerts", data / "reports")
    assert config.smtp is None and config.alert_webhook is None and config.pseudonym_key is None


def test_paths_beside_the_warehouse_follow_it_unless_set():
    config = from_environ({"KOE_WAREHOUSE": "/srv/koe/wh.duckdb", "KOE_REPORTS_DIR": "/out"})
    assert config.snapshot == Path("/srv/koe/wh.snapshot.duckdb")
    assert config.alerts_dir == Path("/srv/koe/alerts")
    assert config.reports_dir == Path("/out")


def test_koe_snapshot_is_honoured_and_the_alert_status_sits_beside_it():
    config = from_environ({"KOE_SNAPSHOT": "/srv/app/koe.snapshot.duckdb"})
    assert config.snapshot == Path("/srv/app/koe.snapshot.duckdb")
    assert config.alert_status == Path("/srv/app/koe.alert_status.duckdb")
    assert from_environ({"KOE_ALERT_STATUS": "/x.duckdb"}).alert_status == Path("/x.duckdb")


def test_smtp_and_support_addresses_are_parsed():
    config = from_environ(
        {
            "KOE_SMTP_HOST": "mail.example",
            "KOE_ALERT_MAIL_TO": "soudan@example.jp",
            "KOE_SUPPORT_ADDRESSES": " Support@Shop.example , @help.example ,",
        }
    )
    assert (config.smtp.host, config.smtp.port, config.smtp.mail_from) == (
        "mail.example",
        25,
        "koe@localhost",
    )
    assert config.support_addresses == ("support@shop.example", "@help.example")


def test_settings_are_read_once_until_reloaded(monkeypatch, tmp_path):
    monkeypatch.setenv("KOE_WAREHOUSE", str(tmp_path / "a.duckdb"))
    reload()
    monkeypatch.setenv("KOE_WAREHOUSE", str(tmp_path / "b.duckdb"))
    assert settings().warehouse == tmp_path / "a.duckdb"
    assert reload().warehouse == tmp_path / "b.duckdb"


def test_another_warehouse_moves_the_paths_beside_it(monkeypatch, tmp_path):
    monkeypatch.delenv("KOE_SNAPSHOT", raising=False)
    reload()
    assert for_warehouse(tmp_path / "w.duckdb").snapshot == tmp_path / "w.snapshot.duckdb"
    assert for_warehouse(None) == settings()


@pytest.mark.parametrize("port", ["2525"])
def test_a_configured_smtp_port_is_a_number(port):
    assert from_environ({"KOE_SMTP_HOST": "h", "KOE_SMTP_PORT": port}).smtp.port == 2525


def test_the_duckdb_memory_limit_is_a_checked_size_applied_to_every_connection(
    monkeypatch, tmp_path
):
    from koe.settings import SettingsError
    from warehouse.db import connect

    assert from_environ({}).duckdb_memory_limit is None
    assert from_environ({"KOE_DUCKDB_MEMORY_LIMIT": "750MB"}).duckdb_memory_limit == "750MB"
    for bad in ("lots", "1GB'; DROP TABLE x; --", "-1GB"):
        with pytest.raises(SettingsError, match="KOE_DUCKDB_MEMORY_LIMIT"):
            from_environ({"KOE_DUCKDB_MEMORY_LIMIT": bad})

    def limit(con) -> str:
        return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]

    monkeypatch.setenv("KOE_DUCKDB_MEMORY_LIMIT", "750MB")
    reload()
    try:
        with connect(tmp_path / "w.duckdb") as con:
            assert limit(con) == "715.2 MiB"  # DuckDB shows 750 × 10^6 bytes in MiB
        with connect(tmp_path / "w.duckdb", memory_limit="500MB") as con:
            assert limit(con) == "476.8 MiB"  # a task's own budget wins
    finally:
        monkeypatch.delenv("KOE_DUCKDB_MEMORY_LIMIT")
        reload()


def test_the_incident_window_and_the_case_due_hours_have_defaults_and_can_be_set():
    default = from_environ({})
    assert default.incident_window_days == 7
    assert default.case_due_hours == {"safety": 24, "sns_threat": 24, "legal_threat": 72}
    custom = from_environ(
        {"KOE_INCIDENT_WINDOW_DAYS": "3", "KOE_CASE_DUE_HOURS": "safety=12, legal_threat=48"}
    )
    assert custom.incident_window_days == 3
    assert custom.case_due_hours == {"safety": 12, "sns_threat": 24, "legal_threat": 48}


@pytest.mark.parametrize("value", ["safety", "safety=0", "churn=24", "safety=one day"])
def test_case_due_hours_name_a_case_flag_and_whole_hours(value):
    from koe.settings import SettingsError

    with pytest.raises(SettingsError, match="KOE_CASE_DUE_HOURS"):
        from_environ({"KOE_CASE_DUE_HOURS": value})
