"""Alert delivery: files, a webhook and SMTP, each alert once per target, failures retried."""

from __future__ import annotations

import json
import socketserver
import threading
from dataclasses import replace
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from insights.alerts import Alert
from insights.delivery import RECENT_DAYS, header_text
from koe.settings import SettingsError, from_environ
from pipeline.marts import send_recent_alerts
from warehouse import insights
from warehouse.db import apply_schema, connect

LATEST = date(2026, 10, 31)


def alert(alert_id: str, day: date, kind: str = "safety") -> Alert:
    return Alert(
        alert_id,
        kind,
        day,
        1,
        None,
        "fb_" + alert_id,
        "加湿器 KX-200",
        "お客様相談室",
        "安全上の懸念: 加湿器 KX-200（電話）",
        None,
        None,
        None,
        {"excerpt": "本体から焦げ臭いにおいがして、煙が出ました。"},
    )


def deliver(con, alerts_dir, latest_day, env: dict[str, str]) -> dict:
    """Send the recent alerts with the settings ``env`` would give (files into ``alerts_dir``)."""
    config = from_environ({**env, "KOE_ALERTS_DIR": str(alerts_dir)})
    return send_recent_alerts(con, config, latest_day)


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "w.duckdb")
    apply_schema(connection)
    insights.save(
        connection,
        [
            alert("alt_new", LATEST),
            alert("alt_recent", date(2026, 10, 26)),
            alert("alt_old", date(2026, 8, 2)),
        ],
        [],
    )
    yield connection
    connection.close()


def test_recent_alerts_become_files_once(con, tmp_path):
    out = tmp_path / "alerts"

    first = deliver(con, out, LATEST, env={})
    again = deliver(con, out, LATEST, env={})

    assert first == {"channel": "file", "sent": 2, "failed": 0}
    assert again == {"channel": "file", "sent": 0, "failed": 0}
    files = sorted(p.name for p in out.iterdir())
    assert files == ["2026-10-26_safety_alt_recent.json", "2026-10-31_safety_alt_new.json"]
    payload = json.loads((out / files[1]).read_text(encoding="utf-8"))
    assert payload["route"] == "お客様相談室" and "焦げ臭い" in payload["evidence"]["excerpt"]
    assert RECENT_DAYS == 7  # alt_old, 90 days back, is history: shown in the app, not sent


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
    assert sorted(p["alert_id"] for p in _Hook.received) == ["alt_new", "alt_recent"]
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
    _Hook.refuse = "alt_recent"
    env = {"KOE_ALERT_WEBHOOK": hook}

    first = deliver(con, tmp_path, LATEST, env=env)
    assert first == {"channel": "webhook", "sent": 1, "failed": 1}
    assert [p["alert_id"] for p in _Hook.received] == ["alt_new"]
    assert _failures(con) == [("alt_recent", "HTTPError: HTTP Error 400: Bad Request", False)]
    # It is tried again on the next run (and recorded again), never the one already sent.
    assert deliver(con, tmp_path, LATEST, env=env) == {"channel": "webhook", "sent": 0, "failed": 1}
    assert [p["alert_id"] for p in _Hook.received] == ["alt_new"]
    assert len(_failures(con)) == 2


def test_a_failing_webhook_records_each_failure_as_transient(con, tmp_path, hook):
    _Hook.fail = True
    with pytest.raises(RuntimeError):
        deliver(con, tmp_path, LATEST, env={"KOE_ALERT_WEBHOOK": hook})
    assert [(a, t) for a, _, t in _failures(con)] == [("alt_new", True), ("alt_recent", True)]


def test_a_line_break_in_a_customer_typed_product_cannot_break_the_mail_header(tmp_path):
    """A title built from a product name a customer typed into a form, with CR/LF in it."""
    connection = connect(tmp_path / "w.duckdb")
    apply_schema(connection)
    poisoned = alert("alt_poison", LATEST)
    poisoned = replace(poisoned, title="安全上の懸念: 加湿器\r\nBcc: everyone@example.com")
    insights.save(connection, [poisoned, alert("alt_ok", LATEST)], [])
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
