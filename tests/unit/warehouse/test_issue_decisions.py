"""Analysts' decisions in the app's own log: recorded with who and when, read by the pipeline
read-only, undone by a later event, never by deleting one."""

from __future__ import annotations

import duckdb
import pytest

from warehouse import alert_status, issue_decisions


def test_decisions_are_read_back_in_order_with_their_fields(tmp_path):
    log = tmp_path / "koe.alert_status.duckdb"
    rename = issue_decisions.record("rename", "iss_a", "ana@example.jp", path=log, label="充電")
    split = issue_decisions.record(
        "split", "iss_a", "ana@example.jp", path=log, chosen=1, centroids=[[1.0, 0.0], [0.0, 1.0]]
    )
    decisions, undos = issue_decisions.read(log)
    assert [d.decision_id for d in decisions] == [rename, split]
    assert decisions[0].label == "充電" and decisions[0].actor == "ana@example.jp"
    assert decisions[1].centroids == ((1.0, 0.0), (0.0, 1.0)) and decisions[1].chosen == 1
    assert undos == []


def test_an_undo_is_an_event_and_the_decision_stays_on_record(tmp_path):
    log = tmp_path / "koe.alert_status.duckdb"
    merge = issue_decisions.record(
        "merge", "iss_b", "ana@example.jp", path=log, target_issue_id="iss_a"
    )
    issue_decisions.undo(merge, "lead@example.jp", path=log)
    decisions, undos = issue_decisions.read(log)
    assert [d.decision_id for d in decisions] == [merge]
    assert [(u.undoes, u.actor) for u in undos] == [(merge, "lead@example.jp")]
    shown = issue_decisions.log(log)
    assert shown[["decision_id", "kind", "undone"]].values.tolist() == [[merge, "merge", True]]
    actions = alert_status.audit_log(path=log)["action"].tolist()
    assert actions == ["issue_undo", "issue_merge"]


def test_the_pipeline_reads_without_creating_or_writing_the_apps_file(tmp_path):
    log = tmp_path / "koe.alert_status.duckdb"
    assert issue_decisions.read(log) == ([], [])
    assert not log.exists()
    # A log that holds only alert closes has no decisions.
    alert_status.close(["alt_1"], "ana@example.jp", path=log)
    assert issue_decisions.read(log) == ([], [])


def test_an_unknown_kind_or_a_missing_identity_is_refused(tmp_path):
    log = tmp_path / "koe.alert_status.duckdb"
    with pytest.raises(ValueError, match="unknown decision kind"):
        issue_decisions.record("delete", "iss_a", "ana@example.jp", path=log)
    with pytest.raises(ValueError, match="identity"):
        issue_decisions.record("dismiss", "iss_a", " ", path=log)


def test_a_log_held_by_the_app_is_waited_for(tmp_path, monkeypatch):
    log = tmp_path / "koe.alert_status.duckdb"
    issue_decisions.record("dismiss", "iss_a", "ana@example.jp", path=log)
    monkeypatch.setattr(issue_decisions, "OPEN_ATTEMPTS", 2)
    monkeypatch.setattr(issue_decisions, "OPEN_WAIT_SECONDS", 0.01)
    attempts = []
    real_connect = duckdb.connect

    def busy_once(path, read_only=False):
        attempts.append(path)
        if len(attempts) == 1:
            raise duckdb.IOException("Could not set lock on file")
        return real_connect(path, read_only=read_only)

    monkeypatch.setattr(issue_decisions.duckdb, "connect", busy_once)
    assert [d.kind for d in issue_decisions.read(log)[0]] == ["dismiss"]
    assert len(attempts) == 2


def test_personal_data_pasted_into_a_label_is_masked_before_it_is_stored(tmp_path):
    log = tmp_path / "koe.alert_status.duckdb"
    issue_decisions.record(
        "rename", "iss_a", "ana@example.jp", path=log, label="090-1234-5678の方の充電不良"
    )
    [decision], _ = issue_decisions.read(log)
    assert decision.label == "［電話番号］の方の充電不良"
    assert "090" not in " ".join(alert_status.audit_log(path=log)["detail"])
