"""The dashboard as a person sees it: a real `streamlit run` server driven by headless Chromium.

Each page is opened against the fixture snapshot (tests/fixtures_warehouse.py) and must show
numbers and text taken from that data, with no Streamlit exception box. Screenshots go to
tests/artifacts/ for a look after the run.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    EXCEPTION,
    StreamlitServer,
    _charts,
    _finish,
    _open,
    _see,
    _serve,
)
from tests.support.warehouse_rows import build_fixture_warehouse

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def app_server(tmp_path_factory) -> Iterator[StreamlitServer]:
    snapshot = build_fixture_warehouse(tmp_path_factory.mktemp("browser") / "koe.snapshot.duckdb")
    yield from _serve(snapshot, "fixture")


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory) -> Iterator[StreamlitServer]:
    yield from _serve(tmp_path_factory.mktemp("nothing") / "absent.snapshot.duckdb", "empty")


@pytest.fixture(scope="module")
def broken_server(tmp_path_factory) -> Iterator[StreamlitServer]:
    """A snapshot that DuckDB opens but that holds no marts (e.g. from an aborted build)."""
    import duckdb

    snapshot = tmp_path_factory.mktemp("broken") / "koe.snapshot.duckdb"
    duckdb.connect(str(snapshot)).close()
    yield from _serve(snapshot, "broken")


@pytest.fixture(scope="module")
def no_data_server(tmp_path_factory) -> Iterator[StreamlitServer]:
    """A snapshot published by the real marts build over empty raw tables."""
    from warehouse.db import connect
    from warehouse.marts import build_marts
    from warehouse.snapshot import publish_snapshot

    warehouse = tmp_path_factory.mktemp("no-data") / "koe.duckdb"
    writer = connect(warehouse)
    try:
        build_marts(writer)
    finally:
        writer.close()
    yield from _serve(publish_snapshot(warehouse), "no-data")


@pytest.fixture(scope="module")
def republished_server(tmp_path_factory) -> Iterator[StreamlitServer]:
    snapshot = build_fixture_warehouse(tmp_path_factory.mktemp("republish") / "koe.snapshot.duckdb")
    yield from _serve(snapshot, "republish")


@pytest.fixture
def fresh_server(tmp_path) -> Iterator[StreamlitServer]:
    """A server no browser has talked to yet (its first run resolves pages differently)."""
    yield from _serve(build_fixture_warehouse(tmp_path / "koe.snapshot.duckdb"), "fresh")


def test_executive_page_shows_kpis_against_targets_and_top_issues(page, app_server):
    _open(page, app_server.url, "経営ダッシュボード")
    # 51 of 56 calls answered = 91.1 %, above the 90 % target; 45 of 51 resolved = 88.2 %.
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="応答率")
    metric.first.wait_for()
    assert "91.1%" in metric.first.inner_text()
    assert "+1.1pt" in metric.first.inner_text()
    fcr = page.locator('[data-testid="stMetric"]').filter(has_text="1次解決率").first
    assert "88.2%" in fcr.inner_text()
    _see(page, "✅ 目標達成・目標 90.0% 以上・着信 56件")
    _see(page, "❌ 目標未達・目標 90.0% 以上・応答 51件")
    _see(page, "バッテリーの減りが早い（14件・ネガティブ 86%）")
    _see(page, "未分類（どの課題にも当てはまらないお問い合わせ）: 5件（全体 48件の 10%）")
    _see(page, "苦情件数とネガティブ比率の推移")
    _see(page, "サービスレベルの推移（日次）")
    assert _charts(page, 4) == 4  # top issues, complaints, negative share, KPI trend
    # The last 7 days (08-10 to 08-16): one safety report, the login issue grew from 1 to 9.
    safety = (
        page.locator('[data-testid="stMetric"]')
        .filter(has_text="安全上の懸念・未対応（直近7日）")
        .first
    )
    assert "1件" in safety.inner_text()
    _see(page, "2026/08/13 安全上の懸念: E2 ワイヤレスイヤホン")
    _see(page, "9件（前週 1件、▲ +8）")
    _see(page, "8件（前週 6件、▲ +2）")
    _finish(page, "executive")


def test_changing_the_period_recomputes_kpis_and_issues(page, app_server):
    _open(page, app_server.url, "経営ダッシュボード")
    _see(page, "91.1%")
    for end in ("start", "end"):  # the range picker's day fields; the change applies on blur
        page.get_by_role("spinbutton", name=f"day, 期間 (period) {end} date").click()
        page.keyboard.type("10")
    page.get_by_role("heading", name="経営ダッシュボード", exact=True).click()
    _see(page, "期間: 2026/08/10 〜 2026/08/10（1日間）")
    # 08-10: 4 calls, 3 answered, 2 of them resolved; 3 login reports, all negative.
    answer = page.locator('[data-testid="stMetric"]').filter(has_text="応答率").first
    _see(page, "❌ 目標未達・目標 90.0% 以上・着信 4件")
    assert "75.0%" in answer.inner_text()
    fcr = page.locator('[data-testid="stMetric"]').filter(has_text="1次解決率").first
    assert "66.7%" in fcr.inner_text()
    _see(page, "アプリにログインできない（3件・ネガティブ 100%）")
    # Streamlit may still be replacing the old list: wait for the stale entry to go.
    expect(page.get_by_text("商品が届かない・配送遅延（")).to_have_count(0)
    _finish(page, "executive-one-day")

    page.get_by_role("link", name="応対品質").click()  # the period is kept across pages
    page.get_by_role("heading", name="応対品質", exact=True).wait_for()
    _see(page, "期間: 2026/08/10 〜 2026/08/10（1日間）")
    findings = page.locator('[data-testid="stMetric"]').filter(has_text="指摘件数").first
    assert "2件" in findings.inner_text()


def test_top_issue_link_opens_its_detail_page(page, app_server):
    _open(page, app_server.url, "経営ダッシュボード")
    page.get_by_role("link", name=re.compile("商品が届かない・配送遅延（8件")).click()
    page.get_by_role("heading", name="商品が届かない・配送遅延").wait_for()
    _see(page, "キーワード: 配送、届く、注文、遅れ")
    assert "issue=iss-delivery" in page.url
    _finish(page, "issue-from-link")


def test_trends_page_charts_issues_and_filters_by_channel(page, app_server):
    _open(page, f"{app_server.url}/trends", "トレンド")
    _see(page, "課題別の件数（日次）")
    _see(page, "課題別の感情スコア（日次平均、-1 〜 +1）")
    _see(page, "チャネル: すべて・製品: すべて")
    assert _charts(page, 2) == 2
    legend = page.locator(".js-plotly-plot .legend").first
    assert "アプリにログインできない" in (legend.text_content() or "")

    page.get_by_test_id("stMultiSelect").filter(has_text="チャネル").click()
    page.get_by_role("option", name="電話").click()
    _see(page, "チャネル: 電話・製品: すべて")
    page.keyboard.press("Escape")

    page.get_by_text("週次", exact=True).click()
    _see(page, "課題別の件数（週次）")
    _see(page, "課題別の感情スコア（週次平均、-1 〜 +1）")
    _finish(page, "trends")


def test_issue_detail_page_shows_label_keywords_and_masked_examples(page, app_server):
    _open(page, f"{app_server.url}/issue?issue=iss-login", "課題の詳細")
    page.get_by_role("heading", name="アプリにログインできない").wait_for()
    _see(page, "キーワード: ログイン、パスワード、認証コード、エラー")
    _see(page, "主な製品: かけいぼPlus アプリ・主なチャネル: SNS")
    # Representative example first; phone numbers appear only as the mask placeholder.
    _see(page, "代表例・2026/08/10 18:40・メール・かけいぼPlus アプリ・ネガティブ")
    _see(page, "1年分の記録が見られず大変困っております")
    _see(page, "電話番号は［電話番号］で変わっていません")
    _see(page, "⚠ 法的措置の示唆")
    count = page.locator('[data-testid="stMetric"]').filter(has_text="件数（全期間）").first
    assert "10件" in count.inner_text()
    _see(page, "2026/08/04 〜 2026/08/15")  # first and last day of the issue
    assert _charts(page, 2) == 2
    _see(page, "課題の変遷")
    _see(page, "2026/08/12 03:00（全体の再クラスタリング）: 「iss-2fa-code」が合流（3件）")
    _see(page, "2026/08/04 03:00（全体の再クラスタリング）: 新しい課題として作成（4件）")
    _finish(page, "issue-detail")


def test_issue_detail_names_the_top_root_cause_and_key_phrases(page, app_server):
    _open(page, f"{app_server.url}/issue?issue=iss-battery", "課題の詳細")
    _see(page, "原因の候補")
    # 13 of the 14 battery reports are about the watch; 9 of the other 32 complaints are.
    _see(page, "第1候補: 製品 = KW-3 スマートウォッチ（この課題の93%・他の苦情の28%・リフト 3.3")
    _see(page, "よく一緒に出る表現")
    _see(page, "関連する課題")
    _finish(page, "issue-root-causes")


def test_alerts_page_shows_the_rise_and_the_safety_item(page, app_server):
    _open(page, f"{app_server.url}/alerts", "アラート")
    _see(page, "課題の急増: アプリにログインできない（直近1日 3件、通常なら約0.8件）")
    _see(page, "p = 2.4e-04・通常の3.75倍・製品: かけいぼPlus アプリ")
    safety = page.locator('[data-testid="stMetric"]').filter(has_text="安全").first
    assert "1件" in safety.inner_text()
    _see(page, "即時対応（お客様相談室）")
    _finish(page, "alerts")
    page.get_by_role("link", name="課題の詳細: アプリにログインできない").click()
    page.get_by_role("heading", name="アプリにログインできない").wait_for()
    assert "issue=iss-login" in page.url


def test_an_alert_closed_on_the_alerts_page_leaves_the_open_list(page, fresh_server):
    def emerging_open() -> str:
        tile = page.locator('[data-testid="stMetric"]').filter(
            has_text="急増・新しい課題（未対応）"
        )
        return tile.first.inner_text()

    _open(page, f"{fresh_server.url}/alerts", "アラート")
    _see(page, "課題の急増: アプリにログインできない")
    assert "1件" in emerging_open()
    _see(page, "対応者として 開発モード（ログインなし） を監査ログに記録します。")
    page.get_by_label("メモ（対応済みにするときに一緒に記録します）").fill("折り返し済み")
    page.get_by_label("メモ（対応済みにするときに一緒に記録します）").press("Enter")
    page.get_by_role("button", name="対応済みにする").click()
    _see(page, "この期間に急増した課題はありません。")
    assert "0件" in emerging_open()
    page.get_by_text("未対応のみ表示").click()
    _see(page, "✅ 対応済み・")
    page.get_by_role("button", name="未対応に戻す").click()
    page.get_by_role("button", name="対応済みにする").wait_for()
    assert "1件" in emerging_open()
    _finish(page, "alerts-close")
    # Both actions are in the append-only audit log, with who and the note.
    _open(page, f"{fresh_server.url}/operations", "運用・監査")
    _see(page, "監査ログ")
    log = page.locator('[data-testid="stDataFrame"]').last
    log.wait_for()
    _finish(page, "audit-log")
    rows = fresh_server_audit(fresh_server)
    assert [r[:3] for r in rows] == [
        ("開発モード（ログインなし）", "alert_reopen", rows[0][2]),
        ("開発モード（ログインなし）", "alert_close", rows[0][2]),
    ]
    assert rows[1][3] == "折り返し済み"


def fresh_server_audit(server) -> list[tuple]:
    """The server's audit log, newest first: (actor, action, target, detail)."""
    from warehouse import alert_status

    path = server.snapshot.with_name("koe.alert_status.duckdb")
    log = alert_status.audit_log(path=path)
    return [tuple(r) for r in log[["actor", "action", "target", "detail"]].itertuples(index=False)]


def test_issue_picker_switches_the_issue_and_the_url(page, app_server):
    _open(page, f"{app_server.url}/issue?issue=iss-login", "課題の詳細")
    page.get_by_role("heading", name="アプリにログインできない").wait_for()
    page.get_by_test_id("stSelectbox").filter(has_text="課題を選択").get_by_role("combobox").click()
    page.get_by_role("option", name="返品・返金の手続き（6件）").click()
    page.get_by_role("heading", name="返品・返金の手続き").wait_for()
    _see(page, "キーワード: 返品、返金、手続き、振込")
    page.wait_for_url(re.compile(r"issue=iss-refund"))
    page.get_by_role("heading", name="アプリにログインできない").wait_for(state="detached")
    _finish(page, "issue-picker")


def test_issue_detail_with_an_unknown_issue_warns_and_falls_back(page, app_server):
    _open(page, f"{app_server.url}/issue?issue=%27%20OR%201%3D1--", "課題の詳細")
    _see(page, "URLで指定された課題が見つかりません")
    page.get_by_role("heading", name="バッテリーの減りが早い").wait_for()
    _finish(page, "issue-unknown")


def test_agent_qa_page_shows_findings_with_masked_turns(page, app_server):
    _open(page, f"{app_server.url}/agent-qa", "応対品質")
    findings = page.locator('[data-testid="stMetric"]').filter(has_text="指摘件数").first
    findings.wait_for()
    assert "11件" in findings.inner_text()
    _see(page, "21.6件")  # 11 findings per 51 answered calls
    _see(page, "開発チームの直通番号［電話番号］にお問い合わせいただければ早いかと。")
    _see(page, "2026/08/15 12:35・東京第1チーム・A102・内線・直通番号の案内・発話 11")
    assert _charts(page, 2) == 2  # findings by check, and their weekly trend
    _finish(page, "agent-qa")


def test_a_qa_finding_opens_its_transcript_at_the_turn(page, app_server):
    _open(page, f"{app_server.url}/agent-qa", "応対品質")
    # Blocks nest; the last one holding the finding's words is its own card.
    card = (
        page.locator('[data-testid="stVerticalBlock"]')
        .filter(has_text="開発チームの直通番号［電話番号］")
        .last
    )
    card.get_by_role("link", name="通話記録をこの発話から開く").click()
    _see(page, "発話 11 とその前後 2 発話")
    _see(page, "▶ 11・")
    flagged = page.get_by_text(
        "開発チームの直通番号［電話番号］にお問い合わせいただければ早いかと。"
    )
    assert flagged.count() >= 1
    _finish(page, "agent-qa-transcript")


def test_trend_drill_down_shows_the_masked_feedback_of_an_issue(page, app_server):
    _open(page, f"{app_server.url}/trends", "トレンド")
    _see(page, "お問い合わせの事例（マスク済み）")
    _see(page, "新しい順に最大50件。個人情報はマスク済みです。")
    page.get_by_role("button", name="事例をCSVでダウンロード").wait_for()
    _finish(page, "trends-drill-down")


def test_concordance_shows_each_occurrence_in_context(page, app_server):
    _open(page, f"{app_server.url}/concordance?term=ログイン", "コンコーダンス（KWIC）")
    hits = page.locator('[data-testid="stMetric"]').filter(has_text="出現数").first
    hits.wait_for()
    assert "8回" in hits.inner_text()  # counted from the fixture texts
    _see(page, "この語が出てくる課題")
    _finish(page, "concordance")


def test_case_examples_page_exports_a_training_handout(page, app_server):
    _open(page, f"{app_server.url}/cases", "事例集（研修用）")
    page.get_by_role("heading", name="バッテリーの減りが早い").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="研修用の資料をダウンロード（Markdown）").click()
    handout = download.value.path().read_text(encoding="utf-8")
    assert handout.startswith("# お客様の声 事例集（研修用）")
    assert "## バッテリーの減りが早い" in handout and "### 事例1:" in handout
    _finish(page, "cases")


def test_quarantine_page_lists_records_with_reasons(page, app_server):
    _open(page, f"{app_server.url}/quarantine", "取り込み保留")
    records = page.locator('[data-testid="stMetric"]').filter(has_text="保留レコード").first
    records.wait_for()
    assert "5件" in records.inner_text()
    _see(page, "created_at が空です")
    _see(page, "ファイルを読めません: UTF-8 / Shift_JIS のどちらでもありません")
    _finish(page, "quarantine")


def test_without_a_snapshot_the_app_explains_how_to_build_one(page, empty_server):
    _open(page, empty_server.url, "koe 声 — お客様の声ダッシュボード")
    _see(page, "まだ表示できるデータがありません")
    _see(page, "make pipeline")
    _see(page, "absent.snapshot.duckdb")
    _finish(page, "empty-state")


def test_a_snapshot_without_marts_shows_an_explanation_not_a_traceback(page, broken_server):
    page.goto(broken_server.url)
    _see(page, "ウェアハウスのスナップショットを読み込めませんでした")
    _see(page, "make pipeline")
    _finish(page, "broken-snapshot")


@pytest.mark.parametrize(
    ("path", "heading", "message"),
    [
        ("", "経営ダッシュボード", "まだ集計済みのデータがありません"),
        ("/trends", "トレンド", "まだ集計済みのデータがありません"),
        ("/issue", "課題の詳細", "まだ課題がありません"),
        ("/agent-qa", "応対品質", "まだ集計済みのデータがありません"),
        ("/quarantine", "取り込み保留", "取り込み保留のレコードはありません"),
        ("/alerts", "アラート", "まだ集計済みのデータがありません"),
        ("/concordance", "コンコーダンス（KWIC）", "まだ集計済みのデータがありません"),
        ("/cases", "事例集（研修用）", "まだ集計済みのデータがありません"),
        ("/reports", "週次レポート（製品チーム向け）", "まだ集計済みのデータがありません"),
        ("/faq", "よくある質問", "まだ集計済みのデータがありません"),
    ],
)
def test_pages_over_empty_marts_say_so(page, no_data_server, path, heading, message):
    _open(page, f"{no_data_server.url}{path}", heading)
    _see(page, message)
    _finish(page, f"no-data-{path.strip('/') or 'executive'}")


def test_a_newly_published_snapshot_shows_up_on_reload(page, republished_server):
    import duckdb

    _open(page, republished_server.url, "経営ダッシュボード")
    _see(page, "バッテリーの減りが早い（14件・ネガティブ 86%）")

    # Publish the way warehouse.snapshot does: a finished file swapped in with os.replace.
    snapshot = republished_server.snapshot
    candidate = build_fixture_warehouse(snapshot.with_name("next.duckdb"))
    with duckdb.connect(str(candidate)) as writer:
        writer.execute(
            "UPDATE marts.issues SET label = 'バッテリーの持ちが悪い' WHERE issue_id = 'iss-battery'"
        )
    os.replace(candidate, snapshot)

    page.reload()
    page.get_by_role("heading", name="経営ダッシュボード", exact=True).wait_for()
    _see(page, "バッテリーの持ちが悪い（14件・ネガティブ 86%）")
    expect(page.get_by_text("バッテリーの減りが早い（14件")).to_have_count(0)
    _finish(page, "republished")


def test_a_deep_link_as_the_first_request_runs_through_the_router(page, fresh_server):
    _open(page, f"{fresh_server.url}/quarantine", "取り込み保留")
    _see(page, "created_at が空です")
    _see(page, "データのある期間: 2026/08/03 〜 2026/08/16")  # the router's sidebar ran too
    assert page.get_by_text("Page not found").count() == 0
    _finish(page, "deep-link-first")


class _Collector(BaseHTTPRequestHandler):
    """Counts every request: a browser that renders data as Markdown or HTML fetches from here."""

    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        type(self).requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hostile(tmp_path) -> Iterator[tuple[StreamlitServer, str]]:
    """Issue labels, alert and episode titles and products that carry links, an image and raw
    HTML."""
    import duckdb

    _Collector.requests = []
    collector = HTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{collector.server_port}"
    payload = (
        f' <a href="{origin}/a">A</a> ![i]({origin}/i.png) [L]({origin}/l)'
        f" <img src={origin}/raw.png> {origin}/bare"
    )
    snapshot = build_fixture_warehouse(tmp_path / "koe.snapshot.duckdb")
    con = duckdb.connect(str(snapshot))
    con.execute("UPDATE marts.issues SET label = label || ?", [payload])
    con.execute(
        "UPDATE insights.alerts SET title = title || ?, product = product || ?", [payload] * 2
    )
    con.execute("UPDATE marts.feedback SET product = product || ?", [payload])
    con.execute("UPDATE insights.incidents SET product = product || ?", [payload])
    con.execute("UPDATE insights.episodes SET title = title || ?", [payload])
    con.close()
    try:
        for server in _serve(snapshot, "hostile"):
            yield server, origin
    finally:
        collector.shutdown()


@pytest.mark.parametrize(
    "path, heading",
    [
        ("", "経営ダッシュボード"),
        ("/alerts", "アラート"),
        ("/incidents", "インシデント・案件"),
        ("/cases", "事例集（研修用）"),
        ("/issue?issue=iss-delivery", None),
    ],
)
def test_text_from_data_is_shown_as_text_never_as_links_images_or_html(
    page, hostile, path, heading
):
    server, origin = hostile
    page.goto(server.url + path)
    if heading:
        page.get_by_role("heading", name=heading, exact=True).wait_for()
    _see(page, f"![i]({origin}/i.png)")  # the payload itself is on the page, as written
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    assert page.locator(f'a[href^="{origin}"]').count() == 0
    assert page.locator(f'img[src^="{origin}"]').count() == 0
    assert _Collector.requests == []
    assert page.locator(EXCEPTION).count() == 0


def test_a_case_is_taken_noted_and_completed_and_its_history_shows_every_step(page, fresh_server):
    def status() -> str:
        return page.locator('[data-testid="stMetric"]').filter(has_text="状態").first.inner_text()

    def settled() -> None:
        page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")

    _open(page, f"{fresh_server.url}/incidents", "インシデント・案件")
    # The tile labelled exactly 未対応 (the chosen case's 状態 tile may read 未対応（期限切れ）).
    label = page.get_by_test_id("stMetricLabel").get_by_text("未対応", exact=True)
    open_cases = page.get_by_test_id("stMetric").filter(has=label).first
    open_cases.wait_for()
    assert "2件" in open_cases.inner_text()  # the fixture's safety and legal-threat incidents
    page.get_by_test_id("stSelectbox").filter(has_text="案件を選択").get_by_role("combobox").click()
    page.get_by_role("option", name="安全上の懸念", exact=False).click()
    _see(page, "対応の手引き: 安全にかかわる申告の場合")
    _see(page, "使用を止める")
    assert "未対応" in status()

    page.get_by_role("button", name="担当する（対応中にする）").click()
    _see(page, "担当部署を変更する")
    assert "対応中" in status()
    settled()
    page.get_by_label("メモ", exact=True).fill("現品を回収し、品質保証へ送りました")
    page.get_by_role("button", name="メモを追加").click()
    page.get_by_role("cell", name="現品を回収し、品質保証へ送りました").wait_for()
    settled()
    page.get_by_label("完了時のメモ（任意）").fill("消費者庁への報告は不要と判断")
    page.get_by_role("button", name="完了にする").click()
    page.get_by_role("cell", name="消費者庁への報告は不要と判断").wait_for()
    assert "完了" in status()
    _finish(page, "case-completed")

    history = page.locator('[data-testid="stTable"]').last.inner_text()
    steps = [step for step in ("開設", "担当", "メモ", "完了") if step in history]
    assert steps == ["開設", "担当", "メモ", "完了"], history
    assert history.count("開発モード（ログインなし）") == 3 and "お客様相談室" in history
    rows = fresh_server_audit(fresh_server)
    assert [r[1] for r in rows] == ["case_complete", "case_note", "case_take"]
    assert len({r[2] for r in rows}) == 1  # one case
    # The executive page counts what is late: the legal threat is, the completed case no more.
    _open(page, f"{fresh_server.url}/executive", "経営ダッシュボード")
    late = page.locator('[data-testid="stMetric"]').filter(has_text="期限切れの案件").first
    late.wait_for()
    assert "1件" in late.inner_text()
    _finish(page, "executive-overdue")
