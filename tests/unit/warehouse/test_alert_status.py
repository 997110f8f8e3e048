"""The app's audit log and the alert status read from it: a real DuckDB file beside the snapshot."""

from __future__ import annotations

import duckdb
import pytest

from koe.settings import reload as reload_settings
from koe.settings import settings
from warehouse import alert_status


def test_nothing_is_closed_before_the_first_close(tmp_path):
    assert alert_status.closed_alerts(tmp_path / "status.duckdb").empty
    assert alert_status.audit_log(path=tmp_path / "status.duckdb").empty


def test_closing_and_reopening_alerts(tmp_path):
    path = tmp_path / "status.duckdb"
    alert_status.close(["alt_a", "alt_b"], "tanaka@koe.example", "折り返し済み", path, "quality")
    closed = alert_status.closed_alerts(path)
    assert sorted(closed["alert_id"]) == ["alt_a", "alt_b"]
    assert set(closed["closed_by"]) == {"tanaka@koe.example"}
    assert set(closed["note"]) == {"折り返し済み"}
    # Closing again keeps who closed it first.
    alert_status.close(["alt_a"], "suzuki@koe.example", None, path)
    again = alert_status.closed_alerts(path).set_index("alert_id")
    assert again.loc["alt_a", "closed_by"] == "tanaka@koe.example"
    alert_status.reopen(["alt_a"], "suzuki@koe.example", path)
    assert alert_status.closed_alerts(path)["alert_id"].tolist() == ["alt_b"]


def test_reopening_adds_an_event_and_deletes_nothing(tmp_path):
    path = tmp_path / "status.duckdb"
    alert_status.close(["alt_a"], "tanaka@koe.example", None, path, "quality")
    alert_status.reopen(["alt_a"], "suzuki@koe.example", path, "quality")
    alert_status.close(["alt_a"], "sato@koe.example", "再対応", path, "operations")
    alert_status.record("csv_export", ["alerts"], "sato@koe.example", "operations", "2026-08", path)

    log = alert_status.audit_log(path=path)
    assert log[["actor", "action", "target"]].values.tolist() == [
        ["sato@koe.example", "csv_export", "alerts"],
        ["sato@koe.example", "alert_close", "alt_a"],
        ["suzuki@koe.example", "alert_reopen", "alt_a"],
        ["tanaka@koe.example", "alert_close", "alt_a"],
    ]
    assert log["happened_at"].notna().all()
    assert alert_status.closed_alerts(path).set_index("alert_id").loc["alt_a", "closed_by"] == (
        "sato@koe.example"
    )


def test_an_action_needs_an_identity(tmp_path):
    with pytest.raises(ValueError, match="identity"):
        alert_status.close(["alt_a"], "  ", None, tmp_path / "status.duckdb")


def test_a_file_from_before_the_audit_log_keeps_its_closed_alerts(tmp_path):
    path = tmp_path / "status.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE closed_alerts (alert_id VARCHAR PRIMARY KEY, closed_at TIMESTAMPTZ NOT NULL,"
        " closed_by VARCHAR NOT NULL, note VARCHAR)"
    )
    con.execute("INSERT INTO closed_alerts VALUES ('alt_old', now(), '相談室 田中', NULL)")
    con.close()
    assert alert_status.closed_alerts(path)["alert_id"].tolist() == ["alt_old"]
    assert alert_status.closed_alerts(path)["alert_id"].tolist() == ["alt_old"]  # once only
    assert len(alert_status.audit_log(path=path)) == 1


def test_the_status_file_sits_beside_the_snapshot(tmp_path, monkeypatch):
    monkeypatch.delenv("KOE_ALERT_STATUS", raising=False)
    monkeypatch.setenv("KOE_SNAPSHOT", str(tmp_path / "koe.snapshot.duckdb"))
    reload_settings()
    assert settings().alert_status == tmp_path / "koe.alert_status.duckdb"
