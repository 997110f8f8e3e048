"""The app's record of closed alerts: a real DuckDB file beside the snapshot."""

from __future__ import annotations

import pytest

from koe.settings import reload as reload_settings
from koe.settings import settings
from warehouse import alert_status


def test_nothing_is_closed_before_the_first_close(tmp_path):
    assert alert_status.closed_alerts(tmp_path / "status.duckdb").empty


def test_closing_and_reopening_alerts(tmp_path):
    path = tmp_path / "status.duckdb"
    alert_status.close(["alt_a", "alt_b"], "相談室 田中", "折り返し済み", path)
    closed = alert_status.closed_alerts(path)
    assert sorted(closed["alert_id"]) == ["alt_a", "alt_b"]
    assert set(closed["closed_by"]) == {"相談室 田中"}
    assert set(closed["note"]) == {"折り返し済み"}
    # Closing again keeps who closed it first.
    alert_status.close(["alt_a"], "別の人", None, path)
    again = alert_status.closed_alerts(path).set_index("alert_id")
    assert again.loc["alt_a", "closed_by"] == "相談室 田中"
    alert_status.reopen(["alt_a"], path)
    assert alert_status.closed_alerts(path)["alert_id"].tolist() == ["alt_b"]


def test_closing_needs_a_name(tmp_path):
    with pytest.raises(ValueError, match="who closed it"):
        alert_status.close(["alt_a"], "  ", None, tmp_path / "status.duckdb")


def test_the_status_file_sits_beside_the_snapshot(tmp_path, monkeypatch):
    monkeypatch.delenv("KOE_ALERT_STATUS", raising=False)
    monkeypatch.setenv("KOE_SNAPSHOT", str(tmp_path / "koe.snapshot.duckdb"))
    reload_settings()
    assert settings().alert_status == tmp_path / "koe.alert_status.duckdb"
