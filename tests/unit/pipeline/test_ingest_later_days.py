"""Ingest on a later day reads only what is new: a file whose stat fingerprint is unchanged is not
hashed, a file whose hash is unchanged is not read, and a support reply in a new file answers a
message loaded days before from the thread links stored for it, without its file being read."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import ingest.email
import ingest.inbox
from pipeline.ingest import ingest_channel
from tests.unit.ingest.test_email import SUPPORT, mail, write_eml, write_mbox
from warehouse.db import connect

JST = timezone(timedelta(hours=9))
ASKED = datetime(2026, 8, 3, 9, 15, tzinfo=JST)
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _support_list(monkeypatch):
    from koe.settings import reload as reload_settings

    monkeypatch.setenv("KOE_SUPPORT_ADDRESSES", "support@koe-shop.example")
    reload_settings()


@pytest.fixture
def inbox(tmp_path) -> Path:
    for folder in ("email", "sns"):
        (tmp_path / "inbox" / folder).mkdir(parents=True)
    return tmp_path / "inbox"


@pytest.fixture
def warehouse(tmp_path) -> Path:
    return tmp_path / "koe.duckdb"


@pytest.fixture
def opened(monkeypatch) -> dict[str, list[str]]:
    """The inbox files each run hashes and the mail files it reads, by file name."""
    seen: dict[str, list[str]] = {"hashed": [], "read": []}
    sha256, raw_messages = ingest.inbox._sha256, ingest.email._raw_messages

    def hashing(path):
        seen["hashed"].append(Path(path).name)
        return sha256(path)

    def reading(path):
        seen["read"].append(Path(path).name)
        return raw_messages(path)

    monkeypatch.setattr(ingest.inbox, "_sha256", hashing)
    monkeypatch.setattr(ingest.email, "_raw_messages", reading)
    return seen


def settled(path: Path, hours_ago: float = 1.0) -> Path:
    """``path`` as a file written a while before the run (its mtime in the past)."""
    moment = time.time() - hours_ago * 3600
    os.utime(path, (moment, moment))
    return path


def run(channel: str, inbox: Path, warehouse: Path, opened: dict | None = None) -> dict:
    if opened is not None:
        opened["hashed"].clear()
        opened["read"].clear()
    return ingest_channel(channel, inbox, warehouse)


def first_responses(warehouse: Path) -> dict[str, datetime | None]:
    """source_key → first_response_at of every loaded mail."""
    with connect(warehouse, read_only=True) as con:
        rows = con.execute("SELECT source_key, first_response_at FROM raw.feedback").fetchall()
    return dict(rows)


def reply(to: str, message_id: str, hours: float, text: str = "ご連絡ありがとうございます。"):
    return mail(
        text,
        sender=SUPPORT,
        subject="Re: 加湿器について",
        message_id=message_id,
        in_reply_to=to,
        date=ASKED + hours * HOUR,
    )


QUESTION = mail(
    "加湿器の電源が入らなくなりました。修理は可能でしょうか。",
    message_id="<q1@example.jp>",
    date=ASKED,
)
FOLLOW_UP = mail(
    "追記です。購入は昨年の十二月で、保証書も手元にあります。",
    message_id="<q2@example.jp>",
    in_reply_to="<q1@example.jp>",
    date=ASKED + 2 * HOUR,
)


def test_a_reply_on_a_later_day_answers_the_loaded_message_without_reading_its_file(
    inbox, warehouse, opened
):
    settled(write_eml(inbox / "email", "2026-08-03.eml", QUESTION))
    assert run("email", inbox, warehouse)["files"] == 1
    assert first_responses(warehouse) == {"q1@example.jp": None}

    settled(write_eml(inbox / "email", "2026-08-04.eml", reply("<q1@example.jp>", "<r1@s>", 26)))
    counts = run("email", inbox, warehouse, opened)

    assert opened == {"hashed": ["2026-08-04.eml"], "read": ["2026-08-04.eml"] * 2}
    assert counts == {**counts, "files": 1, "skipped": 1, "first_responses_changed": 1}
    assert counts["read"] == counts["merged"] == 1  # the reply: read, and merged into q1
    assert first_responses(warehouse) == {"q1@example.jp": ASKED + 26 * HOUR}

    again = run("email", inbox, warehouse, opened)
    assert opened == {"hashed": [], "read": []}
    assert again == {**again, "files": 0, "skipped": 2, "first_responses_changed": 0}


def test_a_message_arriving_after_the_reply_to_it_is_loaded_answered(inbox, warehouse):
    """An export out of order: support's reply is loaded first, the customer's mail a day later."""
    write_eml(inbox / "email", "2026-08-04.eml", reply("<q1@example.jp>", "<r1@s>", 5))
    run("email", inbox, warehouse)
    write_eml(inbox / "email", "2026-08-05.eml", QUESTION)
    counts = run("email", inbox, warehouse)

    assert counts == {**counts, "files": 1, "first_responses_changed": 0}
    assert first_responses(warehouse) == {"q1@example.jp": ASKED + 5 * HOUR}


def _rows(warehouse: Path) -> list[tuple]:
    with connect(warehouse, read_only=True) as con:
        return con.execute(
            "SELECT feedback_id, source_file, source_line, first_response_at, text_masked"
            " FROM raw.feedback ORDER BY feedback_id"
        ).fetchall()


def test_replies_through_a_follow_up_on_other_days_time_the_threads_first_message(
    inbox, warehouse, tmp_path, opened
):
    email = inbox / "email"
    settled(write_mbox(email, "2026-08-03.mbox", [QUESTION]))
    run("email", inbox, warehouse)
    settled(write_eml(email, "2026-08-04.eml", FOLLOW_UP))
    run("email", inbox, warehouse)
    # Support answers the follow-up: the reply's thread reaches q1 only through q2's stored link.
    settled(write_eml(email, "2026-08-05.eml", reply("<q2@example.jp>", "<r1@s>", 30)))
    counts = run("email", inbox, warehouse, opened)
    assert set(opened["read"]) == {"2026-08-05.eml"}
    assert counts["first_responses_changed"] == 1
    assert first_responses(warehouse) == {
        "q1@example.jp": ASKED + 30 * HOUR,
        "q2@example.jp": None,  # a follow-up is not the thread's first message
    }

    # A reply sent earlier but exported later: the earliest reply is the first response.
    settled(write_eml(email, "2026-08-06.eml", reply("<q1@example.jp>", "<r0@s>", 4)))
    run("email", inbox, warehouse)
    assert first_responses(warehouse)["q1@example.jp"] == ASKED + 4 * HOUR

    # The same rows as loading the whole inbox at once.
    once = tmp_path / "once.duckdb"
    ingest_channel("email", inbox, once)
    assert _rows(warehouse) == _rows(once)

    # A deleted reply file takes its reply with it; the other reply is the first response again.
    (email / "2026-08-06.eml").unlink()
    assert run("email", inbox, warehouse)["first_responses_changed"] == 1
    assert first_responses(warehouse)["q1@example.jp"] == ASKED + 30 * HOUR
    (email / "2026-08-05.eml").unlink()
    run("email", inbox, warehouse)
    assert first_responses(warehouse)["q1@example.jp"] is None


def test_a_changed_mail_file_reloads_and_its_lost_reply_is_taken_back(inbox, warehouse):
    email = inbox / "email"
    write_eml(email, "2026-08-03.eml", QUESTION)
    write_mbox(email, "2026-08-04.mbox", [reply("<q1@example.jp>", "<r1@s>", 3)])
    run("email", inbox, warehouse)
    assert first_responses(warehouse) == {"q1@example.jp": ASKED + 3 * HOUR}

    # The export is redone: the reply now answers another customer's mail.
    other = mail("フィルターの交換時期を教えてください。", message_id="<q9@example.jp>")
    (email / "2026-08-04.mbox").unlink()  # mailbox.mbox would append to it
    write_mbox(email, "2026-08-04.mbox", [other, reply("<q9@example.jp>", "<r1@s>", 3)])
    counts = run("email", inbox, warehouse)

    assert counts == {**counts, "files": 1, "skipped": 1, "first_responses_changed": 1}
    assert first_responses(warehouse) == {"q1@example.jp": None, "q9@example.jp": ASKED + 3 * HOUR}


def _post(post_id: str, text: str) -> str:
    return json.dumps(
        {
            "post_id": post_id,
            "posted_at": "2026-08-03T10:00:00+09:00",
            "author": "@k",
            "text": text,
        },
        ensure_ascii=False,
    )


def _manifest_stat(warehouse: Path, source_file: str) -> str | None:
    with connect(warehouse, read_only=True) as con:
        query = "SELECT stat FROM raw.source_files WHERE source_file = ?"
        return con.execute(query, [source_file]).fetchone()[0]


def test_an_unchanged_file_is_not_hashed_again_and_a_touched_one_is_hashed_once(
    inbox, warehouse, opened
):
    posts = inbox / "sns" / "2026-08-03.jsonl"
    posts.write_text(_post("p1", "充電ケーブルがすぐ断線します。") + "\n", encoding="utf-8")
    settled(posts)
    assert run("sns", inbox, warehouse, opened)["files"] == 1
    assert opened["hashed"] == ["2026-08-03.jsonl"]

    assert run("sns", inbox, warehouse, opened)["skipped"] == 1
    assert opened["hashed"] == []

    settled(posts, hours_ago=0.5)  # touched: a new mtime, the same bytes
    counts = run("sns", inbox, warehouse, opened)
    assert opened["hashed"] == ["2026-08-03.jsonl"]
    assert counts == {**counts, "files": 0, "skipped": 1}
    assert _manifest_stat(warehouse, "sns/2026-08-03.jsonl") == ingest.inbox.stat_fingerprint(
        posts.stat()
    )

    run("sns", inbox, warehouse, opened)
    assert opened["hashed"] == []


def test_a_file_rewritten_with_its_size_and_mtime_kept_is_still_loaded_again(
    inbox, warehouse, opened
):
    """`cp -p` or a sync tool can restore the mtime; the inode's ctime still moves."""
    posts = inbox / "sns" / "2026-08-03.jsonl"
    posts.write_text(_post("p1", "充電ケーブルがすぐ断線します。") + "\n", encoding="utf-8")
    settled(posts)
    run("sns", inbox, warehouse)
    before = posts.stat()

    time.sleep(0.01)  # a ctime tick later
    posts.write_text(_post("p1", "充電ケーブルがすぐ発熱します。") + "\n", encoding="utf-8")
    os.utime(posts, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (posts.stat().st_size, posts.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    counts = run("sns", inbox, warehouse, opened)

    assert opened["hashed"] == ["2026-08-03.jsonl"]
    assert counts == {**counts, "files": 1, "skipped": 0}
    with connect(warehouse, read_only=True) as con:
        [(text,)] = con.execute("SELECT text_masked FROM raw.feedback").fetchall()
    assert text == "充電ケーブルがすぐ発熱します。"


def test_a_file_written_just_before_the_run_is_hashed_again_until_it_has_settled(
    inbox, warehouse, opened
):
    """Within the file system's timestamp granularity a second write may leave the stat as it
    was (git's "racily clean" entries): a fresh file's fingerprint is not trusted yet."""
    posts = inbox / "sns" / "2026-08-03.jsonl"
    posts.write_text(_post("p1", "充電ケーブルがすぐ断線します。") + "\n", encoding="utf-8")
    run("sns", inbox, warehouse)
    assert _manifest_stat(warehouse, "sns/2026-08-03.jsonl") is None

    run("sns", inbox, warehouse, opened)
    assert opened["hashed"] == ["2026-08-03.jsonl"]

    settled(posts)
    run("sns", inbox, warehouse)
    run("sns", inbox, warehouse, opened)
    assert opened["hashed"] == []


def test_a_reply_from_a_broken_clock_times_nothing(inbox, warehouse):
    """A support reply dated year 1 (found by the fuzz test): no first response, and no crash
    storing its thread link."""
    write_eml(inbox / "email", "2026-08-03.eml", QUESTION)
    broken = reply("<q1@example.jp>", "<r1@s>", 0)
    del broken["Date"]
    broken["Date"] = "0001-01-01"
    write_eml(inbox / "email", "2026-08-04.eml", broken)

    counts = run("email", inbox, warehouse)
    assert counts == {**counts, "files": 2, "merged": 1}
    assert first_responses(warehouse) == {"q1@example.jp": None}


def test_mail_loaded_before_links_were_stored_gets_them_once_without_a_reload(
    inbox, warehouse, opened
):
    """A manifest written by the earlier code: mail versions `<sha256>+replies:<digest>`, no
    thread links. Its unchanged files are not reloaded; their headers are read once for links."""
    settled(write_mbox(inbox / "email", "2026-08-03.mbox", [QUESTION, FOLLOW_UP]))
    run("email", inbox, warehouse)
    with connect(warehouse) as con:
        con.execute("UPDATE raw.source_files SET sha256 = sha256 || '+replies:0123', stat = NULL")
        con.execute("DELETE FROM raw.mail_links")
        before = con.execute(
            "SELECT feedback_id, loaded_at FROM raw.feedback ORDER BY 1"
        ).fetchall()

    settled(write_eml(inbox / "email", "2026-08-04.eml", reply("<q2@example.jp>", "<r1@s>", 9)))
    counts = run("email", inbox, warehouse, opened)

    assert counts == {**counts, "files": 1, "skipped": 1, "first_responses_changed": 1}
    assert opened["read"].count("2026-08-03.mbox") == 1  # its headers, once
    assert first_responses(warehouse) == {"q1@example.jp": ASKED + 9 * HOUR, "q2@example.jp": None}
    with connect(warehouse, read_only=True) as con:
        versions = con.execute("SELECT sha256 FROM raw.source_files ORDER BY 1").fetchall()
        links = con.execute("SELECT count(*) FROM raw.mail_links").fetchone()[0]
        after = con.execute(
            "SELECT feedback_id, loaded_at FROM raw.feedback WHERE channel = 'email' ORDER BY 1"
        ).fetchall()
    assert not any("+replies:" in v for (v,) in versions) and links == 3
    assert after == before  # the old rows were not loaded again

    run("email", inbox, warehouse, opened)
    assert opened == {"hashed": [], "read": []}


def test_a_new_support_list_applies_to_loaded_mail_once_its_manifest_rows_go(
    inbox, warehouse, monkeypatch
):
    """As the README says under KOE_SUPPORT_ADDRESSES: loaded mail keeps the list it was read
    with until its manifest rows are deleted; the next ingest then reads all mail again."""
    from koe.settings import reload as reload_settings

    write_eml(inbox / "email", "2026-08-03.eml", QUESTION)
    write_eml(inbox / "email", "2026-08-04.eml", reply("<q1@example.jp>", "<r1@s>", 5))
    monkeypatch.setenv("KOE_SUPPORT_ADDRESSES", "@elsewhere.example")
    reload_settings()
    run("email", inbox, warehouse)
    assert len(first_responses(warehouse)) == 2  # the reply counted as a customer's mail

    monkeypatch.setenv("KOE_SUPPORT_ADDRESSES", "support@koe-shop.example")
    reload_settings()
    assert run("email", inbox, warehouse)["files"] == 0
    with connect(warehouse) as con:
        con.execute("DELETE FROM raw.source_files WHERE channel = 'email'")
    counts = run("email", inbox, warehouse)

    assert counts == {**counts, "files": 2, "merged": 1}
    assert first_responses(warehouse) == {"q1@example.jp": ASKED + 5 * HOUR}
