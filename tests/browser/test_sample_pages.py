"""The dashboard on real pipeline output: the 60-day generated sample (tests/planted.py) served by
a real `streamlit run` and driven by headless Chromium.

The fixture snapshot of test_browser.py pins exact numbers; here the point is that what the
generator planted is what a person sees: the spike's alert, the faulty lot on top of its issue's
root causes, and a weekly report that downloads. Every page must render without an exception.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from tests.support.browser import ARTIFACTS, StreamlitServer, _finish, _open, _see, _serve
from tests.support.planted import planted_by_issue, spike_product
from warehouse.db import connect
from warehouse.snapshot import publish_snapshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def sample_server(insights_sample) -> Iterator[StreamlitServer]:
    warehouse, _ = insights_sample
    yield from _serve(publish_snapshot(warehouse), "sample")


def _spike_alert(warehouse, truth) -> str:
    """The title of the first alert on the planted spike (its issue or its product)."""
    start = date.fromisoformat(truth["spike"]["start"])
    with connect(warehouse, read_only=True) as con:
        main = planted_by_issue(con, truth)
        alerts = con.execute(
            "SELECT kind, issue_id, product, day, title FROM insights.alerts"
            " WHERE kind IN ('volume_spike', 'product_spike') AND day >= ? ORDER BY day, alert_id",
            [start],
        ).fetchall()
    titles = [
        title
        for kind, issue, product, _, title in alerts
        if main.get(issue) == truth["spike"]["issue"]
        or (kind == "product_spike" and product == spike_product(truth))
    ]
    assert titles, "the pipeline raised no alert on the planted spike"
    return titles[0]


@pytest.mark.parametrize(
    "path, heading",
    [
        ("executive", "経営ダッシュボード"),
        ("alerts", "アラート"),
        ("incidents", "インシデント・案件"),
        ("trends", "トレンド"),
        ("concordance", "コンコーダンス（KWIC）"),
        ("cases", "事例集（研修用）"),
        ("issue", "課題の詳細"),
        ("reports", "週次レポート（製品チーム向け）"),
        ("agent-qa", "応対品質"),
        ("faq", "よくある質問"),
        ("quarantine", "取り込み保留"),
    ],
)
def test_every_page_renders_the_sample_without_an_exception(page, sample_server, path, heading):
    _open(page, f"{sample_server.url}/{path}", heading)
    _finish(page, f"sample-{path}")


def test_the_planted_spikes_alert_is_on_the_alerts_page(page, sample_server, insights_sample):
    title = _spike_alert(*insights_sample)
    _open(page, f"{sample_server.url}/alerts", "アラート")
    _see(page, title)
    _finish(page, "sample-alerts-spike")


def test_the_planted_lot_is_the_first_root_cause_on_the_leak_issues_page(
    page, sample_server, insights_sample
):
    warehouse, truth = insights_sample
    planted = truth["root_cause"]
    with connect(warehouse, read_only=True) as con:
        main = planted_by_issue(con, truth)
        [(leak,)] = con.execute(
            "SELECT issue_id FROM marts.issues WHERE list_contains(?, issue_id)"
            " ORDER BY feedback_count DESC LIMIT 1",
            [[i for i, key in main.items() if key == planted["issue"]]],
        ).fetchall()
    _open(page, f"{sample_server.url}/issue?issue={leak}", "課題の詳細")
    _see(page, f"第1候補: ロット = {planted['value']}")
    _finish(page, "sample-issue-root-cause")


def test_a_weekly_report_is_shown_and_downloads(page, sample_server, insights_sample):
    _, truth = insights_sample
    week = date.fromisoformat(truth["spike"]["start"])
    week -= timedelta(days=week.weekday())
    team = spike_product(truth)
    _open(page, f"{sample_server.url}/reports", "週次レポート（製品チーム向け）")
    page.get_by_role("combobox", name="週 (week)").click()
    page.get_by_role("option", name=f"{week:%Y/%m/%d}〜", exact=False).click()
    page.get_by_role("combobox", name="製品チーム (team)").click()
    page.get_by_role("option", name=team, exact=True).click()
    _see(page, f"週次レポート: {team}")
    _see(page, f"対象週: {week:%Y/%m/%d}")
    with page.expect_download() as download:
        page.get_by_role("button", name="レポートをダウンロード（HTML）").click()
    saved = ARTIFACTS / "sample-weekly-report.html"
    download.value.save_as(saved)
    html = saved.read_text(encoding="utf-8")
    assert f"週次レポート: {team}" in html and f"{week:%Y/%m/%d}" in html
    with page.expect_download() as download:
        page.get_by_role("button", name="課題一覧をダウンロード（CSV）").click()
    table = download.value.path().read_text(encoding="utf-8-sig")
    assert table.splitlines()[0].startswith("週（月曜）,製品チーム,課題ID")
    assert f"{week.isoformat()},{team}," in table
    _finish(page, "sample-weekly-report")


def test_the_repeat_contact_kpi_and_a_planted_customers_journey_render(
    page, sample_server, insights_sample
):
    from warehouse import queries

    reader = queries.SnapshotReader(sample_server.snapshot)
    try:
        con = reader.cursor()
        [(issue,)] = con.execute(
            "SELECT issue_id FROM marts.customer_contacts WHERE is_repeat_contact"
            " GROUP BY issue_id ORDER BY count(*) DESC, issue_id LIMIT 1"
        ).fetchall()
        customer = queries.repeat_customers(con, issue).iloc[0]["customer_key"]
        journey = queries.customer_journey(con, customer, issue)
    finally:
        reader.close()
    assert len(journey) >= 2 and journey["is_repeat_contact"].any()

    _open(page, f"{sample_server.url}/executive", "経営ダッシュボード")
    _see(page, "再問い合わせ率")
    _see(page, "顧客を特定できた課題の声")
    _finish(page, "sample-executive-repeat-kpi")

    _open(page, f"{sample_server.url}/issue?issue={issue}", "課題の詳細")
    _see(page, "再問い合わせ（同じお客様・同じ課題）")
    _see(page, customer)  # the journey's picker opens on the customer with most repeats
    _see(page, "🔁 再問い合わせ")
    for text in journey["text_masked"]:
        _see(page, next(line for line in text.splitlines() if line.strip()).strip()[:20])
    _finish(page, "sample-issue-journey")


def test_the_planted_drivers_issues_lead_the_priorities_on_the_executive_page(
    page, sample_server, insights_sample
):
    warehouse, truth = insights_sample
    with connect(warehouse, read_only=True) as con:
        main = planted_by_issue(con, truth)
        labels = dict(con.execute("SELECT issue_id, label FROM nlp.issues").fetchall())
    drivers = {labels[i] for i, key in main.items() if key == truth["impact"]["driver"]}
    # The executive page is the app's default page: it has no path of its own.
    _open(page, sample_server.url, "経営ダッシュボード")
    _see(page, "優先して対応すべき課題")
    _see(page, "95%区間（ブートストラップ）")
    # The page draws on after the section appears; a click on a button of a stale draw is lost.
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    with page.expect_download() as download:
        page.get_by_role("button", name="優先順位をダウンロード（CSV）").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    # koe splits the driver's wordings into two or three issues, and the small noisy issue may
    # rank above each of them (tests/integration/test_insights_sample.py): the driver's issues
    # fill the top places but one.
    assert rows[0]["順位"] == "1", rows[:3]
    assert drivers <= {r["課題"] for r in rows[: len(drivers) + 1]}, rows[: len(drivers) + 1]
    assert "〜" in rows[0]["影響度（95%区間）"]  # the interval is there
    _finish(page, "sample-executive-priorities")


def _planted_questions(warehouse, truth) -> dict[str, dict]:
    """Each planted recurring question (sample.faq) → what koe made of its voices: ``judged``,
    the share it judged questions or requests; ``questions``, the found questions mostly made of
    it (at least 3 of its voices and 60 % of theirs), largest first, as (id, label, voices);
    ``covered``, the share of its judged voices those hold."""
    from collections import Counter, defaultdict

    from ingest.records import stable_id

    planted = {
        stable_id(i["channel"], i["source_key"]): i["faq"] for i in truth["items"] if i.get("faq")
    }
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            "SELECT f.feedback_id, f.question_id, q.label FROM marts.question_feedback AS f"
            " LEFT JOIN marts.questions AS q USING (question_id)"
        ).fetchall()
    by_topic: dict[str, Counter] = defaultdict(Counter)
    sizes: Counter = Counter()
    for feedback_id, question_id, label in rows:
        sizes[question_id] += 1
        if feedback_id in planted:
            by_topic[planted[feedback_id]][(question_id, label)] += 1
    out = {}
    for topic, facts in truth["faq_topics"].items():
        judged = sum(by_topic[topic].values())
        mostly = [
            (qid, label, n)
            for (qid, label), n in by_topic[topic].most_common()
            if qid is not None and n >= 3 and n >= 0.6 * sizes[qid]
        ]
        out[topic] = {
            "judged": judged / facts["count"],
            "questions": mostly,
            "covered": sum(n for *_, n in mostly) / judged if judged else 0.0,
        }
    return out


def _pick_examples(page, label: str) -> None:
    """Add a question to the wordings shown, by typing its label (the largest are shown already)."""
    box = page.get_by_test_id("stMultiSelect").filter(has_text="例文を見る質問")
    if box.get_by_text(label, exact=True).count():
        return
    box.get_by_role("combobox").click()
    box.get_by_role("combobox").fill(label)
    page.get_by_role("option", name=label).first.click()
    page.keyboard.press("Escape")  # close the list, so the screenshot shows the wordings
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")


def test_the_planted_recurring_questions_are_on_the_faq_page(page, sample_server, insights_sample):
    warehouse, truth = insights_sample
    planted = _planted_questions(warehouse, truth)
    assert planted.keys() == truth["faq_topics"].keys()
    for topic, found in planted.items():
        # Most planted voices are judged questions or requests, and recurring questions made
        # mostly of them hold a good part of those (a wording style may be a question of its
        # own). Up to the twelfth round's model they held 69–93 %; the thirteenth's leaves 11 of
        # the family-sharing request's 22 in no recurring question (README, "Recurring questions").
        assert found["judged"] >= 0.6, f"{topic}: {found['judged']:.0%} judged questions"
        assert found["questions"], f"{topic}: no recurring question is mostly made of it"
        assert found["covered"] >= 0.4, f"{topic}: its questions hold {found['covered']:.0%}"
    _open(page, f"{sample_server.url}/faq", "よくある質問")
    _see(page, "よくある質問の数")
    _see(page, "電話の1次解決率（よくある質問）")
    # A download button clicked while the page is still drawn is lost.
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
    button = page.get_by_role("button", name="よくある質問をCSVでダウンロード")
    button.wait_for()
    with page.expect_download() as download:
        button.click()
    table = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert table[0].startswith("順位,よくある質問,種類,製品,件数,直近,その前,増減,チャネル")
    header = table[0].split(",")
    rows = {line.split(",")[header.index("question_id")]: line.split(",") for line in table[1:]}
    calls: dict[str, list[int]] = {}
    for topic, found in planted.items():
        for qid, label, _ in found["questions"]:
            assert rows[qid][header.index("よくある質問")] == label
        calls[topic] = [
            sum(int(rows[qid][header.index(column)]) for qid, *_ in found["questions"])
            for column in ("1次解決した電話", "記録のある電話")
        ]
    # Planted: 45 % of the calls about moving a watch to a new phone are solved at once, 92 %
    # of those about the humidifier's child lock.
    solved = {topic: first / recorded for topic, (first, recorded) in calls.items() if recorded}
    assert solved["kw3_transfer"] < solved["kx200_childlock"]
    # How customers word each planted question, masked, as text.
    with connect(warehouse, read_only=True) as con:
        for found in planted.values():
            qid, label, _ = found["questions"][0]
            _pick_examples(page, label)
            # Its heading above its wordings (the ranking's grid holds the label too, hidden).
            page.get_by_test_id("stMarkdownContainer").get_by_text(label, exact=True).wait_for()
            (text,) = con.execute(
                "SELECT text_masked FROM marts.question_examples"
                " WHERE question_id = ? ORDER BY example_rank LIMIT 1",
                [qid],
            ).fetchone()
            _see(page, next(line for line in text.splitlines() if line.strip()).strip()[:20])
    _finish(page, "sample-faq")
