"""Alert delivery: files, a webhook and SMTP, each alert once per target, failures retried."""

from __future__ import annotations

import json
import socketserver
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from insights.alerts import Alert
from insights.delivery import RECENT_DAYS
from koe.settings import from_environ
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

    assert first == {"channel": "file", "sent": 2} and again == {"channel": "file", "sent": 0}
    files = sorted(p.name for p in out.iterdir())
    assert files == ["2026-10-26_safety_alt_recent.json", "2026-10-31_safety_alt_new.json"]
    payload = json.loads((out / files[1]).read_text(encoding="utf-8"))
    assert payload["route"] == "お客様相談室" and "焦げ臭い" in payload["evidence"]["excerpt"]
    assert RECENT_DAYS == 7  # alt_old, 90 days back, is history: shown in the app, not sent


class _Hook(BaseHTTPRequestHandler):
    received: list = []
    fail: bool = False

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).fail:
            self.send_response(500)
        else:
            type(self).received.append(json.loads(body))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture
def hook():
    _Hook.received, _Hook.fail = [], False
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/koe"
    server.shutdown()


def test_a_webhook_gets_each_alert_once(con, tmp_path, hook):
    env = {"KOE_ALERT_WEBHOOK": hook}

    assert deliver(con, tmp_path, LATEST, env=env) == {"channel": "webhook", "sent": 2}
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
        assert deliver(con, tmp_path, LATEST, env=env) == {"channel": "smtp", "sent": 2}
    finally:
        server.shutdown()
    assert len(_Smtp.messages) == 2
    assert all("To: soudan@koe-shop.example" in m for m in _Smtp.messages)


def test_smtp_without_a_recipient_is_a_clear_error(con, tmp_path):
    with pytest.raises(ValueError, match="KOE_ALERT_MAIL_TO"):
        deliver(con, tmp_path, LATEST, env={"KOE_SMTP_HOST": "127.0.0.1"})
