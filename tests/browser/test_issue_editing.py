"""The analyst's path through the issue catalogue in a real browser (issue #15): rename, split,
merge and move on the issue page; the pipeline runs again, full and then incremental, and every
edit holds, with the history showing who made it.

The warehouse is the real pipeline's output on a small generated inbox, served by a real
`streamlit run` and driven by headless Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.support.browser import StreamlitServer, _finish, _open, _see, _serve
from warehouse.db import connect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEV_ACTOR = "開発モード（ログインなし）"


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> Iterator[tuple[Path, StreamlitServer]]:
    from pipeline.local import run_all
    from pipeline.marts import publish_snapshot
    from sample import generate

    root = tmp_path_factory.mktemp("editing")
    inbox, warehouse = root / "inbox", root / "koe.duckdb"
    generate(inbox, days=14, per_day=40, seed=21)
    run_all(inbox, warehouse)
    yield from ((warehouse, server) for server in _serve(publish_snapshot(warehouse), "editing"))


def _largest_issues(warehouse: Path) -> list[tuple[str, str]]:
    with connect(warehouse, read_only=True) as con:
        return con.execute(
            "SELECT issue_id, label FROM marts.issues WHERE kind = 'issue'"
            " ORDER BY feedback_count DESC, issue_id LIMIT 3"
        ).fetchall()


def _rerun(warehouse: Path, full: bool | None, inbox: Path | None = None) -> dict:
    """The pipeline again: new documents (if any), clustering, marts, publish."""
    from pipeline.analysis import analyze_new_feedback, update_issues
    from pipeline.ingest import ingest_channel
    from pipeline.marts import build_marts, publish_snapshot

    if inbox is not None:
        for channel in ("call", "email", "form", "sns"):
            ingest_channel(channel, inbox, warehouse)
        analyze_new_feedback(warehouse)
    run = update_issues(warehouse, full=full)
    build_marts(warehouse)
    publish_snapshot(warehouse)
    return run


def _tab(page, name: str, shows: str) -> None:
    """Open the editing tab ``name`` once the page has finished drawing, and wait for ``shows``
    (a widget label inside it): a tab clicked during a redraw may be drawn again unselected."""
    _see(page, "課題の編集")
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    tab = page.get_by_role("tab", name=name, exact=True)
    inside = page.get_by_text(shows, exact=False).first
    for _ in range(3):
        tab.click()
        try:
            inside.wait_for(state="visible", timeout=5_000)
            return
        except PlaywrightTimeout:  # drawn again unselected: click once more
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    inside.wait_for(state="visible")


def _pick(page, label: str, option: str) -> None:
    """Choose ``option`` by typing it: a long list shows only its first options."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).get_by_role("combobox")
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option).first.click()
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")


def _recorded(page, kind: str) -> None:
    _see(page, f"編集を記録しました（{kind}・反映待ち）")
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")


def test_rename_split_merge_and_move_hold_through_full_and_incremental_runs(page, edited):
    from nlp.issues.decisions import split_issue_id
    from sample import generate
    from warehouse import issue_decisions

    warehouse, server = edited
    (big, _), (second, second_label), (third, _) = _largest_issues(warehouse)

    # Rename and split the largest issue.
    _open(page, f"{server.url}/issue?issue={big}", "課題の詳細")
    _tab(page, "名称変更", "新しい名称")
    page.get_by_label("新しい名称").fill("充電できない（ケーブル・充電台）")
    page.get_by_role("button", name="名称を変更する").click()
    _recorded(page, "名称変更")
    _see(page, "反映待ち")
    _tab(page, "分割", "koe が提案する小グループです。")
    _see(page, "koe が提案する小グループです。")
    page.get_by_label("新しい課題の名称").fill("分けた課題")
    page.get_by_role("button", name="選んだグループを新しい課題にする").click()
    _recorded(page, "分割")
    _finish(page, "issue-edit-pending")

    # Merge the third issue into the second, and move one voice of the second to the largest.
    _open(page, f"{server.url}/issue?issue={third}", "課題の詳細")
    _tab(page, "統合", "統合先の課題")
    _pick(page, "統合先の課題", second_label)
    page.get_by_role("button", name="この課題を統合する").click()
    _recorded(page, "統合")
    _open(page, f"{server.url}/issue?issue={second}", "課題の詳細")
    _tab(page, "声の移動", "移動する声")
    page.get_by_role("button", name="この声を移動する").click()
    _recorded(page, "声の移動")

    decisions, _ = issue_decisions.read(server.snapshot.with_name("koe.alert_status.duckdb"))
    assert [d.kind for d in decisions] == ["rename", "split", "merge", "move"]
    assert {d.actor for d in decisions} == {DEV_ACTOR}
    split, moved = decisions[1], decisions[3]

    def holds() -> None:
        with connect(warehouse, read_only=True) as con:
            issues = dict(con.execute("SELECT issue_id, kind FROM marts.issues").fetchall())
            labels = dict(con.execute("SELECT issue_id, label FROM marts.issues").fetchall())
            [(moved_to,)] = con.execute(
                "SELECT issue_id FROM marts.feedback WHERE feedback_id = ?", [moved.feedback_id]
            ).fetchall()
            [(third_left,)] = con.execute(
                "SELECT count(*) FROM marts.feedback WHERE issue_id = ?", [third]
            ).fetchall()
        assert labels[big] == "充電できない（ケーブル・充電台）"
        assert labels[split_issue_id(split.decision_id)] == "分けた課題"
        assert third not in issues and third_left == 0
        assert moved_to == big

    # A full re-clustering applies the edits.
    assert _rerun(warehouse, full=True)["mode"] == "full"
    holds()
    _open(page, f"{server.url}/issue?issue={big}", "課題の詳細")
    page.get_by_role("heading", name="充電できない（ケーブル・充電台）").wait_for()
    _see(page, "名称を「充電できない（ケーブル・充電台）」に変更（開発モード（ログインなし））")
    _see(page, "反映済み")
    _finish(page, "issue-edit-applied")

    # New days arrive: an incremental run keeps them too.
    with connect(warehouse, read_only=True) as con:
        [(last,)] = con.execute("SELECT max(created_at) FROM raw.feedback").fetchall()
    inbox = warehouse.parent / "inbox"
    generate(inbox, days=2, per_day=40, seed=22, start=last.date() + timedelta(days=1), append=True)
    assert _rerun(warehouse, full=None, inbox=inbox)["mode"] == "incremental"
    holds()
    _open(page, f"{server.url}/issue?issue={split_issue_id(split.decision_id)}", "課題の詳細")
    page.get_by_role("heading", name="分けた課題").wait_for()
    _finish(page, "issue-edit-split")
