"""Cases in the app's own store: opened by their incident, taken, noted and completed, each step
an event with who and when (a real DuckDB file beside the snapshot)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from koe.settings import reload as reload_settings
from warehouse import alert_status, case_status
from warehouse.case_status import CaseError

JST = timezone(timedelta(hours=9))
FIRST = datetime(2026, 10, 1, 9, 0, tzinfo=JST)


def incidents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "incident_id": ["inc_safety", "inc_sns", "inc_legal", "inc_churn"],
            "flag": ["safety", "sns_threat", "legal_threat", "churn"],
            "first_at": [FIRST] * 4,
            "voices": [5, 2, 1, 3],
        }
    )


def take(incident_id, flag, actor, owner=None, role=None, path=None):
    case_status.act(incident_id, flag, case_status.TAKE, actor, owner, role, path)


def note(incident_id, flag, actor, text, role=None, path=None):
    case_status.act(incident_id, flag, case_status.NOTE, actor, text, role, path)


def complete(incident_id, flag, actor, text=None, role=None, path=None):
    case_status.act(incident_id, flag, case_status.COMPLETE, actor, text, role, path)


def case(path, incident_id: str, now: datetime = FIRST) -> dict:
    rows = case_status.cases(incidents(), now, path).set_index("incident_id")
    return rows.loc[incident_id].to_dict()


def test_every_incident_of_a_case_flag_is_an_open_case_with_its_default_owner(tmp_path):
    path = tmp_path / "status.duckdb"
    rows = case_status.cases(incidents(), FIRST, path)
    assert rows["incident_id"].tolist() == ["inc_safety", "inc_sns", "inc_legal"]
    assert set(rows["status"]) == {"open"}
    assert set(rows["owner"]) == {"お客様相談室"}
    assert not path.exists(), "reading cases writes nothing"


def test_a_case_is_taken_noted_and_completed_and_its_history_shows_each_step(tmp_path):
    path = tmp_path / "status.duckdb"
    take("inc_safety", "safety", "tanaka@koe.example", None, "品質", path)
    assert case(path, "inc_safety")["status"] == "in_progress"
    assert case(path, "inc_safety")["taken_by"] == "tanaka@koe.example"
    note("inc_safety", "safety", "suzuki@koe.example", "製品を回収しました", "品質", path)
    complete("inc_safety", "safety", "tanaka@koe.example", "経済産業省へ報告済み", None, path)

    done = case(path, "inc_safety")
    assert (done["status"], done["owner"], done["notes"]) == ("done", "お客様相談室", 1)
    assert case(path, "inc_sns")["status"] == "open"  # the others are untouched

    row = incidents().set_index("incident_id").loc["inc_safety"]
    history = case_status.history(pd.Series({**row, "incident_id": "inc_safety"}), path)
    assert history["action"].tolist() == ["case_open", "case_take", "case_note", "case_complete"]
    assert history["actor"].tolist() == [
        "koe",
        "tanaka@koe.example",
        "suzuki@koe.example",
        "tanaka@koe.example",
    ]
    assert history["detail"].tolist()[1:] == [
        "お客様相談室",
        "製品を回収しました",
        "経済産業省へ報告済み",
    ]
    assert history["happened_at"].is_monotonic_increasing


def test_taking_a_case_for_another_owner_records_the_owner(tmp_path):
    path = tmp_path / "status.duckdb"
    take("inc_legal", "legal_threat", "sato@koe.example", "法務部", None, path)
    assert case(path, "inc_legal")["owner"] == "法務部"


def test_a_case_nobody_took_cannot_be_completed_nor_a_completed_one_taken(tmp_path):
    path = tmp_path / "status.duckdb"
    with pytest.raises(CaseError, match="open"):
        complete("inc_sns", "sns_threat", "tanaka@koe.example", path=path)
    take("inc_sns", "sns_threat", "tanaka@koe.example", path=path)
    complete("inc_sns", "sns_threat", "tanaka@koe.example", path=path)
    with pytest.raises(CaseError, match="done"):
        take("inc_sns", "sns_threat", "suzuki@koe.example", path=path)
    with pytest.raises(CaseError, match="done"):
        complete("inc_sns", "sns_threat", "suzuki@koe.example", path=path)
    assert case_status.events(path=path)["action"].tolist() == ["case_take", "case_complete"]


def test_a_note_needs_text_and_an_incident_of_another_flag_has_no_case(tmp_path):
    path = tmp_path / "status.duckdb"
    with pytest.raises(CaseError):
        note("inc_safety", "safety", "tanaka@koe.example", "  ", path=path)
    with pytest.raises(CaseError):
        take("inc_churn", "churn", "tanaka@koe.example", path=path)
    with pytest.raises(ValueError, match="identity"):
        take("inc_safety", "safety", " ", path=path)


def test_a_case_is_overdue_past_its_flags_hours_until_it_is_completed(tmp_path, monkeypatch):
    path = tmp_path / "status.duckdb"
    assert not case(path, "inc_safety", FIRST + timedelta(hours=23))["overdue"]
    assert case(path, "inc_safety", FIRST + timedelta(hours=25))["overdue"]
    assert not case(path, "inc_legal", FIRST + timedelta(hours=25))["overdue"]  # 72 h
    take("inc_safety", "safety", "tanaka@koe.example", path=path)
    assert case(path, "inc_safety", FIRST + timedelta(hours=25))["overdue"]  # taken is not done
    complete("inc_safety", "safety", "tanaka@koe.example", path=path)
    assert not case(path, "inc_safety", FIRST + timedelta(hours=25))["overdue"]

    monkeypatch.setenv("KOE_CASE_DUE_HOURS", "legal_threat=12")
    reload_settings()
    legal = case(path, "inc_legal", FIRST + timedelta(hours=13))
    assert legal["overdue"] and legal["due_at"] == FIRST + timedelta(hours=12)


def test_case_events_sit_in_the_audit_log_beside_the_alerts(tmp_path):
    path = tmp_path / "status.duckdb"
    alert_status.close(["alt_a"], "tanaka@koe.example", None, path)
    take("inc_safety", "safety", "tanaka@koe.example", path=path)
    log = alert_status.audit_log(path=path)
    assert log["action"].tolist() == ["case_take", "alert_close"]
    assert alert_status.closed_alerts(path)["alert_id"].tolist() == ["alt_a"]
