"""Alert delivery: files, a webhook and SMTP, each alert once per target, failures retried."""

from __future__ import annotations

import json
import socketserver
import threading
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

import pandas as pd
import pytest

from insights.alerts import Alert, build_alerts
from insights.delivery import RECENT_DAYS, header_text
from insights.episodes import build_episodes
from koe.settings import SettingsError, from_environ
from koe.vocabulary import CASE_FLAGS
from pipeline.marts import send_recent_alerts
from warehouse import insights
from warehouse.db import apply_schema, connect

LATEST = date(2026, 10, 31)
JST = timezone(timedelta(hours=9))
HUMIDIFIER = "加湿器 KX-200"


def voice(feedback_id: str, day: date, flag: str = "safety", product: str = HUMIDIFIER) -> tuple:
    at = datetime(day.year, day.month, day.day, 10, 0, tzinfo=JST)
    text = "本体から焦げ臭いにおいがして、煙が出ました。"
    return (feedback_id, "iss-smell", product, "call", at, [flag], text)


# Three incidents: a safety one on the last day, an SNS threat five days before (both recent),
# and a safety one three months back (history: shown in the app, not sent).
VOICES = [
    voice("fb_new", LATEST),
    voice("fb_recent", date(2026, 10, 26), "sns_threat"),
    voice("fb_old", date(2026, 8, 2)),
]


def store(con, voices, alerts=()) -> None:
    """The feedback mart holding ``voices``, and the incidents and notices made from them."""
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute(
        "CREATE OR REPLACE TABLE marts.feedback (feedback_id VARCHAR, issue_id VARCHAR,"
        " product VARCHAR, channel VARCHAR, created_at TIMESTAMPTZ, flags VARCHAR[],"
        " text_masked VARCHAR)"
    )
    con.execute("CREATE OR REPLACE TABLE marts.issues (issue_id VARCHAR, top_product VARCHAR)")
    con.executemany("INSERT INTO marts.feedback VALUES (?, ?, ?, ?, ?, ?, ?)", voices)
    grouping = insights.Grouping(build_episodes({}, alerts), CASE_FLAGS, 7)
    insights.save(con, list(alerts), [], grouping=grouping)


def notice(con, feedback_id: str) -> str:
    """The id of the notice of the incident holding ``feedback_id``, at its current count."""
    [(notice_id,)] = con.execute(
        "SELECT n.notice_id FROM insights.notices AS n JOIN insights.incidents AS i"
        " ON i.incident_id = n.subject_id WHERE list_contains(i.feedback_ids, ?)",
        [feedback_id],
    ).fetchall()
    return notice_id


def deliver(con, alerts_dir, latest_day, env: dict[str, str]) -> dict:
    """Send the recent notices with the settings ``env`` would give (files into ``alerts_dir``)."""
    config = from_environ({**env, "KOE_ALERTS_DIR": str(alerts_dir)})
    return send_recent_alerts(con, config, latest_day)


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    apply_schema(connection)
    store(connection, VOICES)
    yield connection
    connection.close()


def test_recent_incidents_become_files_once(con, tmp_path):
    out = tmp_path / "alerts"

    first = deliver(con, out, LATEST, env={})
    again = deliver(con, out, LATEST, env={})

    assert first == {"channel": "file", "sent": 2, "failed": 0}
    assert again == {"channel": "file", "sent": 0, "failed": 0}
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        f"2026-10-26_sns_threat_{notice(con, 'fb_recent')}.json",
        f"2026-10-31_safety_{notice(con, 'fb_new')}.json",
    ]
    payload = json.loads((out / files[1]).read_text(encoding="utf-8"))
    assert payload["route"] == "お客様相談室" and "焦げ臭い" in payload["evidence"]["excerpt"]
    assert payload["title"] == "安全上の懸念: 加湿器 KX-200（1件）"
    assert RECENT_DAYS == 7  # the August incident, 90 days back, is history: not sent


def test_a_voice_joining_an_open_incident_sends_its_new_count_not_an_alert_of_its_own(
    con, tmp_path
):
    out = tmp_path / "alerts"
    deliver(con, out, LATEST, env={})
    # Three more voices about the same hazard the same day, each an alert of its own.
    more = [voice(f"fb_more{n}", LATEST) for n in range(3)]
    alerts = build_alerts(_alert_rows(VOICES + more), {})
    assert sum(a.kind == "safety" for a in alerts) == 5
    store(con, VOICES + more, alerts)

    assert deliver(con, out, LATEST, env={})["sent"] == 1
    sent = json.loads((out / f"2026-10-31_safety_{notice(con, 'fb_new')}.json").read_text("utf-8"))
    assert sent["title"] == "安全上の懸念: 加湿器 KX-200（4件）"
    assert sent["evidence"]["voices"] == 4
    assert len(list(out.iterdir())) == 3  # the first two, and the new count
    assert deliver(con, out, LATEST, env={})["sent"] == 0


def test_an_episode_is_sent_once_however_many_alerts_it_holds(con, tmp_path):
    out = tmp_path / "alerts"
    rises = [
        Alert(f"alt_rise{w}", "volume_spike", LATEST, w, "iss-smell", None, HUMIDIFIER,
              "品質保証", "課題の急増: 焦げ臭い", 9.0, 2.0, 1e-5)
        for w in (1, 7)
    ]  # fmt: skip
    store(con, VOICES, rises)

    assert deliver(con, out, LATEST, env={})["sent"] == 3  # two incidents and one episode
    [episode] = [p for p in out.iterdir() if "_rise_" in p.name]
    payload = json.loads(episode.read_text(encoding="utf-8"))
    assert payload["evidence"]["alerts"] == ["alt_rise1", "alt_rise7"]


def _alert_rows(voices) -> pd.DataFrame:
    """The voices as `build_alerts` reads documents."""
    rows = pd.DataFrame(
        voices,
        columns=[
            "feedback_id",
            "issue_id",
            "product",
            "channel",
            "created_at",
            "flags",
            "text_masked",
        ],
    )
    return rows.assign(
        created_date=rows["created_at"].map(lambda t: t.date()),
        sentiment_score=-0.8,
        is_complaint=True,
    )


class _Hook(BaseHTTPRequestHandler):
    received: list = []
    fail: bool = False
    refuse: str | None = None  # an alert id the endpoint answers 400 to

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).fail:
            self.send_response(500)
        elif json.loads(body)["alert_id"] == type(self).refuse:
            self.send_response(400)
        else:
            type(self).received.append(json.loads(body))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def hook():
    _Hook.received, _Hook.fail, _Hook.refuse = [], False, None
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/koe"
    server.shutdown()


def test_a_webhook_gets_each_alert_once(con, tmp_path, hook):
    env = {"KOE_ALERT_WEBHOOK": hook}

    assert deliver(con, tmp_path, LATEST, env=env) == {"channel": "webhook", "sent": 2, "failed": 0}
    assert deliver(con, tmp_path, LATEST, env=env)["sent"] == 0
    sent = sorted(p["alert_id"] for p in _Hook.received)
    assert sent == sorted([notice(con, "fb_new"), notice(con, "fb_recent")])
    assert not list(tmp_path.glob("*.json")), "a configured webhook replaces the files"


def test_a_failing_webhook_raises_and_the_retry_sends_what_is_left(con, tmp_path, hook):
    _Hook.fail = True
    with pytest.raises(RuntimeError, match="2 alert"):
        deliver(con, tmp_path, LATEST, env={"KOE_ALERT_WEBHOOK": hook})
    _Hook.fail = False
    assert deliver(con, tmp_path, LATEST, env={"KOE_ALERT_WEBHOOK": hook})["sent"] == 2


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greet, accept one message, remember its text."""

    messages: list = []

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        data, lines = False, []
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if data:
                if line == ".":
                    type(self).messages.append("\n".join(lines))
                    data, lines = False, []
                    self.wfile.write(b"250 queued\r\n")
                else:
                    lines.append(line)
                continue
            verb = line.split(" ", 1)[0].upper()
            if verb == "DATA":
                data = True
                self.wfile.write(b"354 go ahead\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # EHLO, MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


def test_smtp_sends_one_mail_per_alert(con, tmp_path):
    _Smtp.messages = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        "KOE_SMTP_HOST": "127.0.0.1",
        "KOE_SMTP_PORT": str(server.server_address[1]),
        "KOE_ALERT_MAIL_TO": "soudan@koe-shop.example",
    }
    try:
        assert deliver(con, tmp_path, LATEST, env=env)["sent"] == 2
    finally:
        server.shutdown()
    assert len(_Smtp.messages) == 2
    assert all("To: soudan@koe-shop.example" in m for m in _Smtp.messages)


def test_smtp_without_a_recipient_is_a_clear_error(con, tmp_path):
    with pytest.raises(ValueError, match="KOE_ALERT_MAIL_TO"):
        deliver(con, tmp_path, LATEST, env={"KOE_SMTP_HOST": "127.0.0.1"})


def _failures(con) -> list[tuple]:
    return con.execute(
        "SELECT alert_id, reason, transient FROM insights.alert_delivery_failures ORDER BY 1"
    ).fetchall()


def test_one_refused_alert_never_holds_back_the_others(con, tmp_path, hook):
    """The poisonous alert is recorded as failed with its reason; the rest arrive."""
    _Hook.refuse = refused = notice(con, "fb_recent")
    env = {"KOE_ALERT_WEBHOOK": hook}

    first = deliver(con, tmp_path, LATEST, env=env)
    assert first == {"channel": "webhook", "sent": 1, "failed": 1}
    assert [p["alert_id"] for p in _Hook.received] == [notice(con, "fb_new")]
    assert _failures(con) == [(refused, "HTTPError: HTTP Error 400: Bad Request", False)]
    # It is tried again on the next run (and recorded again), never the one already sent.
    assert deliver(con, tmp_path, LATEST, env=env) == {"channel": "webhook", "sent": 0, "failed": 1}
    assert [p["alert_id"] for p in _Hook.received] == [notice(con, "fb_new")]
    assert len(_failures(con)) == 2


def test_a_failing_webhook_records_each_failure_as_transient(con, tmp_path, hook):
    _Hook.fail = True
    with pytest.raises(RuntimeError):
        deliver(con, tmp_path, LATEST, env={"KOE_ALERT_WEBHOOK": hook})
    expected = sorted([(notice(con, "fb_new"), True), (notice(con, "fb_recent"), True)])
    assert [(a, t) for a, _, t in _failures(con)] == expected


def test_a_line_break_in_a_customer_typed_product_cannot_break_the_mail_header(tmp_path):
    """A title built from a product name a customer typed into a form, with CR/LF in it."""
    connection = connect(tmp_path / "w.duckdb")
    apply_schema(connection)
    typed = "加湿器\r\nBcc: everyone@example.com"
    store(
        connection,
        [voice("fb_poison", LATEST, product=typed), voice("fb_ok", LATEST, "sns_threat")],
    )
    _Smtp.messages = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        "KOE_SMTP_HOST": "127.0.0.1",
        "KOE_SMTP_PORT": str(server.server_address[1]),
        "KOE_ALERT_MAIL_TO": "soudan@koe-shop.example",
    }
    try:
        assert deliver(connection, tmp_path, LATEST, env=env)["sent"] == 2
    finally:
        server.shutdown()
        connection.close()
    subjects = [
        line for m in _Smtp.messages for line in m.splitlines() if line.startswith("Subject")
    ]
    assert len(subjects) == 2
    assert not any(line.startswith("Bcc") for m in _Smtp.messages for line in m.splitlines())


@pytest.mark.parametrize("title", ["a\nb", "a\r\nb", "a\x00b", "a\u2028b", "a\tb"])
def test_header_text_keeps_one_line(title):
    assert header_text(title) == "a b"


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "127.0.0.1:8080/hook", "http:///nohost"]
)
def test_a_webhook_that_is_not_http_is_refused_at_start_up(url):
    with pytest.raises(SettingsError, match="KOE_ALERT_WEBHOOK must be an http"):
        from_environ({"KOE_ALERT_WEBHOOK": url})


def test_a_mail_header_setting_with_a_line_break_is_refused():
    with pytest.raises(SettingsError, match="KOE_ALERT_MAIL_TO must be one line"):
        from_environ({"KOE_SMTP_HOST": "h", "KOE_ALERT_MAIL_TO": "a@x.jp\r\nBcc: b@y.jp"})


def test_a_day_after_today_does_not_move_the_latest_day(tmp_path):
    """A post dated 2099 once emptied the recent window: no alert was sent at all."""
    connection = connect(tmp_path / "w.duckdb")
    connection.execute("CREATE SCHEMA IF NOT EXISTS marts")
    connection.execute("CREATE TABLE marts.feedback (created_date DATE)")
    connection.execute(
        "INSERT INTO marts.feedback VALUES ('2026-10-30'), ('2026-10-31'), ('2099-01-01')"
    )
    try:
        assert insights.latest_day(connection) == LATEST
    finally:
        connection.close()
