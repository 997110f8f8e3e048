"""Personal data planted in every field of every channel never leaves ingest unmasked.

A generated inbox gets extra files whose every field holds personal data (names in romaji and
kanji, an RFC 2047 sender, phone numbers, e-mail addresses, a card, a postal code, an address,
an order number), including records that are quarantined because a date field holds a phone
number. The real DAGs run over it; then every table, the snapshot, the report files, the alert
files and the logs are searched for each value.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from email.header import Header
from pathlib import Path

import pytest

from koe.settings import for_warehouse
from tests.support.airflow import pipeline_env, run_dag
from warehouse.__main__ import describe
from warehouse.db import connect

pytestmark = pytest.mark.slow

PHONE = "090-7351-2468"
EMAIL = "planted.person@example.org"
NAME_KANJI = "田辺 清"
NAME_ROMAJI = "Kiyoshi Tanabe"
HANDLE = "tanabe_kiyoshi"
CARD = "4980 1234 5678 9012"
POSTAL = "〒153-0042"
ADDRESS = "東京都目黒区青葉台3丁目6番28号"
ORDER = "ORD-77318842"
PRODUCT = f"連絡先_{PHONE}"

# What must appear nowhere: the values, and the parts a name may be written by alone.
SECRETS = [PHONE, "09073512468", EMAIL, "田辺", "Tanabe", "Kiyoshi", HANDLE, "1234 5678 9012",
           "153-0042", "青葉台3丁目6番28", ORDER]  # fmt: skip
SAFETY = "ストーブから煙が出て、焦げ臭いにおいがしました。子どもが近くにいて危なかったです。"


def _plant(inbox: Path) -> None:
    personal = (
        f"{NAME_KANJI}です。{POSTAL} {ADDRESS}、電話 {PHONE}、メール {EMAIL}、注文番号 {ORDER}"
    )
    posts = [
        {"post_id": "pii-1", "posted_at": "2026-08-10T10:00:00+09:00", "author": f"@{HANDLE}",
         "text": f"{SAFETY} {personal}", "url": f"https://sns.example/{HANDLE}/status/1",
         "product": PRODUCT},
        # Quarantined: the date field holds a phone number (reasons used to quote it).
        {"post_id": "pii-2", "posted_at": PHONE, "author": NAME_ROMAJI, "text": personal},
    ]  # fmt: skip
    (inbox / "sns" / "pii.jsonl").write_text(
        "\n".join(json.dumps(p, ensure_ascii=False) for p in posts) + "\n", encoding="utf-8"
    )
    call = {
        "call_id": "pii-call-1", "started_at": "2026-08-10T11:00:00+09:00", "product": PRODUCT,
        "answered_after_s": 12, "abandoned": False, "resolved_first_contact": True,
        "customer_id": EMAIL, "agent_id": PHONE, "team": NAME_KANJI,
        "turns": [
            {"speaker": "agent", "t": 0, "text": "お電話ありがとうございます。"},
            {"speaker": "customer", "t": 4, "text": f"{SAFETY} カードは{CARD}です。{personal}"},
        ],
    }  # fmt: skip
    bad_call = {**call, "call_id": "pii-call-2", "started_at": EMAIL}
    (inbox / "calls" / "pii.jsonl").write_text(
        "\n".join(json.dumps(c, ensure_ascii=False) for c in (call, bad_call)) + "\n",
        encoding="utf-8",
    )
    (inbox / "forms" / "pii.csv").write_text(
        "受付ID,受付日時,製品,お問い合わせ内容,お名前,顧客ID,メールアドレス,電話番号\n"
        f"pii-f1,2026/08/10 12:00,{PRODUCT},Tanabe here. {SAFETY} {personal},{NAME_ROMAJI},"
        f"{PHONE},{EMAIL},{PHONE}\n"
        f"pii-f2,{PHONE},{PRODUCT},{personal},{NAME_ROMAJI},{PHONE},{EMAIL},{PHONE}\n",
        encoding="utf-8",
    )
    sender = Header(NAME_KANJI, "iso-2022-jp").encode()
    for name, date in (("pii-1.eml", "Mon, 10 Aug 2026 13:00:00 +0900"), ("pii-2.eml", None)):
        head = f"From: {sender} <{EMAIL}>\nTo: support@koe-shop.example\n"
        head += f"Subject: {Header(f'{NAME_KANJI}より {PHONE}', 'utf-8').encode()}\n"
        head += f"Date: {date}\n" if date else ""  # the second is quarantined: no Date
        head += f"Message-ID: <{name}@example.org>\nContent-Type: text/plain; charset=utf-8\n\n"
        (inbox / "email" / name).write_bytes((head + f"{SAFETY}\n{personal}\n").encode())


class _Everything(logging.Handler):
    """Every log record of every logger, formatted with its arguments."""

    def __init__(self, sink: io.StringIO) -> None:
        super().__init__(level=logging.DEBUG)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.write(f"{record.name}: {record.getMessage()}\n")
        if record.exc_info:
            self.sink.write(logging.Formatter().formatException(record.exc_info) + "\n")


@pytest.fixture(scope="module")
def planted_run(dagbag, tmp_path_factory, sample_inbox) -> tuple[Path, str]:
    """The sample inbox plus the planted files through the real DAGs: (warehouse, all logs:
    every log record and everything printed while the DAGs ran)."""
    inbox = tmp_path_factory.mktemp("pii") / "inbox"
    shutil.copytree(sample_inbox, inbox)
    _plant(inbox)
    warehouse = tmp_path_factory.mktemp("pii-warehouse") / "koe.duckdb"
    sink = io.StringIO()
    handler, root = _Everything(sink), logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with pipeline_env(inbox, warehouse), redirect_stdout(sink), redirect_stderr(sink):
            for dag_id in ("koe_ingest", "koe_analysis", "koe_marts", "koe_reports"):
                assert run_dag(dagbag, dag_id) == "success", f"{dag_id} did not succeed"
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    return warehouse, sink.getvalue()


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def test_the_planted_values_really_went_in(planted_run):
    warehouse, _ = planted_run
    with connect(warehouse, read_only=True) as con:
        fed = con.execute(
            "SELECT count(*) FROM raw.feedback WHERE source_file LIKE '%pii%'"
        ).fetchone()[0]
        quarantined = con.execute(
            "SELECT count(*) FROM raw.quarantine WHERE source_file LIKE '%pii%'"
        ).fetchone()[0]
    assert fed >= 4 and quarantined >= 4  # every channel loaded one and quarantined one


def test_no_planted_value_in_any_table(planted_run):
    warehouse, _ = planted_run
    leaked = []
    with connect(warehouse, read_only=True) as con:
        for relation, _, _ in describe(con):
            text = con.sql(f"SELECT * FROM {relation}").df().to_csv()
            leaked += [(relation, s) for s in _leaks(text)]
    assert not leaked, f"raw PII in tables: {leaked[:8]}"


def test_no_planted_value_in_files_reports_alerts_or_logs(planted_run):
    warehouse, logs = planted_run
    config = for_warehouse(warehouse)
    files = [warehouse, config.snapshot]
    files += sorted(p for p in config.reports_dir.rglob("*") if p.is_file())
    files += sorted(p for p in config.alerts_dir.rglob("*") if p.is_file())
    # Airflow's own task log files, if this Airflow writes any beside the console.
    files += sorted(
        p for p in (Path(os.environ["AIRFLOW_HOME"]) / "logs").rglob("*") if p.is_file()
    )
    assert any(p.suffix == ".html" for p in files), "koe_reports wrote no report"
    assert any(p.parent == config.alerts_dir for p in files), "no alert file was written"
    leaked = []
    for path in files:
        blob = path.read_bytes()
        leaked += [(path.name, s) for s in SECRETS if s.encode() in blob]
        leaked += [(f"file name {path.name}", s) for s in _leaks(path.name)]
    assert not leaked, f"raw PII in files: {leaked[:8]}"
    assert "koe_ingest" in logs and "ingest" in logs, "the DAG runs' logs were not captured"
    assert not _leaks(logs), f"raw PII in the logs: {_leaks(logs)}"
