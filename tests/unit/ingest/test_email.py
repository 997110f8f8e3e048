"""E-mail reader: Japanese charsets and headers decode, quotes and signatures go, support replies
time the customer's message, a bad message is quarantined without losing the rest of the mbox.

Fixtures are built in tmp_path with the stdlib ``email`` package, the way real mailers encode them.
"""

from __future__ import annotations

import base64
import mailbox
from datetime import UTC, datetime, timedelta, timezone
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime
from pathlib import Path

import pytest

from ingest.email import read_email
from ingest.records import stable_id
from koe.settings import reload as reload_settings

JST = timezone(timedelta(hours=9))
CUSTOMER = "山田 花子 <hanako.yamada@example.jp>"
SUPPORT = "サポートセンター <support@koe-shop.example>"


@pytest.fixture(autouse=True)
def _support_list(monkeypatch):
    # The support office's address is configured; a developer's environment must not change it.
    monkeypatch.setenv("KOE_SUPPORT_ADDRESSES", "support@koe-shop.example")
    reload_settings()


def mail(
    body: str,
    *,
    charset: str = "utf-8",
    subject: str | None = "加湿器について",
    sender: str = CUSTOMER,
    message_id: str | None = "<m1@example.jp>",
    in_reply_to: str | None = None,
    date: datetime | None = datetime(2026, 8, 3, 9, 15, tzinfo=JST),
) -> Message:
    """A single-part message as a mailer would send it: body and subject in ``charset``."""
    if charset.lower() == "shift_jis":
        # The stdlib converts a "shift_jis" MIMEText to ISO-2022-JP on output; Windows mailers
        # really send Shift_JIS bytes, base64-encoded.
        message = Message()
        message["MIME-Version"] = "1.0"
        message["Content-Type"] = "text/plain; charset=Shift_JIS"
        message["Content-Transfer-Encoding"] = "base64"
        message.set_payload(base64.encodebytes(body.encode("cp932")).decode("ascii"))
        header_charset = "iso-2022-jp"
    else:
        message = MIMEText(body, "plain", charset)
        header_charset = charset
    if subject is not None:
        message["Subject"] = Header(subject, header_charset).encode()
    message["From"] = sender if sender.isascii() else Header(sender, header_charset).encode()
    message["To"] = "support@koe-shop.example"
    if date is not None:
        message["Date"] = format_datetime(date)
    if message_id is not None:
        message["Message-ID"] = message_id
    if in_reply_to is not None:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    return message


def write_eml(tmp_path: Path, name: str, message) -> Path:
    path = tmp_path / name
    path.write_bytes(message.as_bytes())
    return path


def write_mbox(tmp_path: Path, name: str, messages: list) -> Path:
    path = tmp_path / name
    box = mailbox.mbox(path)
    for message in messages:
        box.add(message)
    box.flush()
    box.close()
    return path


def read_one(path: Path, rel: str):
    result = read_email(path, rel)
    assert result.quarantine == []
    assert len(result.feedback) == 1
    return result.feedback[0]


# --- charsets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("charset", "label", "transfer"),
    [
        ("iso-2022-jp", b"charset=iso-2022-jp", b"7bit"),
        ("shift_jis", b"charset=Shift_JIS", b"base64"),
        ("utf-8", b"charset=utf-8", b"base64"),
    ],
)
def test_body_and_encoded_subject_decode_in_each_japanese_charset(
    tmp_path, charset, label, transfer
):
    body = "お世話になっております。\n先週届いた加湿器の電源が入りません。\n交換は可能でしょうか。"
    message = mail(body, charset=charset, subject="【至急】加湿器の電源が入らない件")
    raw = message.as_bytes()
    assert label in raw.replace(b'"', b"")  # the part is labelled with the charset under test
    assert b"Content-Transfer-Encoding: " + transfer in raw
    assert b"=?" in raw  # the subject really is an RFC 2047 encoded-word
    assert body.encode("utf-8") not in raw  # and the body really is not plain UTF-8 text
    feedback = read_one(write_eml(tmp_path, f"{charset}.eml", message), f"email/{charset}.eml")
    assert feedback.subject == "【至急】加湿器の電源が入らない件"
    assert feedback.text == body
    assert feedback.author == "山田 花子 <hanako.yamada@example.jp>"


def test_cp932_only_characters_in_a_body_labelled_shift_jis_survive(tmp_path):
    # Windows mailers label CP932 as Shift_JIS and send ①, ㈱ and 髙 as raw 8-bit bytes.
    body = "髙橋です。①電源ランプが点滅し、②異音がします。㈱コエ様の製品です。"
    raw = (
        b"From: takahashi@example.jp\r\n"
        b"To: support@koe-shop.example\r\n"
        b"Subject: =?ISO-2022-JP?B?GyRCJWEhPCVrGyhC?=\r\n"
        b"Date: Mon, 03 Aug 2026 10:00:00 +0900\r\n"
        b"Message-ID: <cp932@example.jp>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=Shift_JIS\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + body.encode("cp932") + b"\r\n"
    )
    path = tmp_path / "cp932.eml"
    path.write_bytes(raw)
    feedback = read_one(path, "email/cp932.eml")
    assert feedback.text == body
    assert feedback.subject == "メール"


def test_unlabelled_iso_2022_jp_body_from_an_old_mailer_decodes(tmp_path):
    # No Content-Type at all: the 7-bit JIS bytes are valid ASCII, escapes and all.
    body = "いつもお世話になります。\n先日の修理品、まだ戻ってきていないのですが。"
    raw = (
        b"From: suzuki@example.ne.jp\r\n"
        b"Date: Mon, 03 Aug 2026 10:00:00 +0900\r\n"
        b"Message-ID: <jis@example.ne.jp>\r\n\r\n" + body.encode("iso2022_jp")
    )
    path = tmp_path / "old.eml"
    path.write_bytes(raw)
    assert read_one(path, "email/old.eml").text == body


def test_html_only_message_is_read_as_visible_text(tmp_path):
    html = (
        "<html><head><style>p{color:red}</style></head><body>"
        "<div>アプリにログインできません。</div><div>パスワードは再設定済みです。</div>"
        "<blockquote>以前のやり取り</blockquote></body></html>"
    )
    message = MIMEMultipart("alternative")
    message.attach(MIMEText(html, "html", "utf-8"))
    message["From"] = "user@example.jp"
    message["Date"] = "Tue, 04 Aug 2026 08:00:00 +0900"
    message["Message-ID"] = "<html@example.jp>"
    feedback = read_one(write_eml(tmp_path, "html.eml", message), "email/html.eml")
    assert feedback.text == "アプリにログインできません。\nパスワードは再設定済みです。"


# --- quotes and signatures ---------------------------------------------------------------------

QUOTED_REPLIES = {
    "angle-quotes": (
        "ご回答ありがとうございます。\nですが、まだ水漏れが止まりません。\n\n"
        "> お問い合わせありがとうございます。\n> パッキンの向きをご確認ください。\n"
    ),
    "original-message": (
        "ご回答ありがとうございます。\nですが、まだ水漏れが止まりません。\n\n"
        "-----Original Message-----\nFrom: support@koe-shop.example\n"
        "Subject: RE: 水漏れについて\nパッキンの向きをご確認ください。\n"
    ),
    "wrote": (
        "ご回答ありがとうございます。\nですが、まだ水漏れが止まりません。\n\n"
        "On Mon, Aug 3, 2026 at 10:00 AM Koe Support wrote:\nパッキンの向きをご確認ください。\n"
    ),
    "kakimashita": (
        "ご回答ありがとうございます。\nですが、まだ水漏れが止まりません。\n\n"
        "2026/08/03 10:00、サポートセンターさんは書きました:\n"
        "パッキンの向きをご確認ください。\n"
    ),
}


@pytest.mark.parametrize("style", list(QUOTED_REPLIES))
def test_quoted_previous_message_is_not_the_customers_words(tmp_path, style):
    message = mail(QUOTED_REPLIES[style], charset="iso-2022-jp", message_id=f"<{style}@example.jp>")
    feedback = read_one(write_eml(tmp_path, "reply.eml", message), "email/reply.eml")
    assert feedback.text == "ご回答ありがとうございます。\nですが、まだ水漏れが止まりません。"


@pytest.mark.parametrize(
    "signature",
    [
        "-- \n佐藤 一郎\n株式会社サンプル商事 総務部\nTEL 03-1234-5678\n",
        "━━━━━━━━━━━━━━━━\n佐藤 一郎\n株式会社サンプル商事\nMail: ichiro.sato@sample.example\n"
        "━━━━━━━━━━━━━━━━\n",
    ],
    ids=["dash-dash", "rule-block"],
)
def test_signature_block_is_stripped(tmp_path, signature):
    body = "請求書の宛名を会社名に変更していただけますでしょうか。\nよろしくお願いいたします。\n\n"
    message = mail(body + signature, charset="shift_jis")
    feedback = read_one(write_eml(tmp_path, "sig.eml", message), "email/sig.eml")
    assert feedback.text == (
        "請求書の宛名を会社名に変更していただけますでしょうか。\nよろしくお願いいたします。"
    )


def test_a_rule_inside_the_message_without_contact_details_is_kept(tmp_path):
    body = "症状は以下の通りです。\n==========\n電源を入れると一瞬だけ点いて消える\n"
    feedback = read_one(write_eml(tmp_path, "rule.eml", mail(body)), "email/rule.eml")
    assert "電源を入れると一瞬だけ点いて消える" in feedback.text


# --- threads and response time -----------------------------------------------------------------


def test_support_reply_in_the_thread_sets_first_response_at_and_is_not_feedback(tmp_path):
    asked = datetime(2026, 8, 3, 9, 15, tzinfo=JST)
    question = mail("注文した商品がまだ届きません。", message_id="<q1@example.jp>", date=asked)
    first = mail(
        "お問い合わせありがとうございます。本日発送いたしました。",
        sender=SUPPORT,
        message_id="<r1@koe-shop.example>",
        in_reply_to="<q1@example.jp>",
        date=asked + timedelta(hours=5),
    )
    second = mail(
        "追跡番号をお送りします。",
        sender=SUPPORT,
        message_id="<r2@koe-shop.example>",
        in_reply_to="<r1@koe-shop.example>",
        date=asked + timedelta(hours=8),
    )
    # The later reply comes first in the file: the earliest one must still win.
    path = write_mbox(tmp_path, "2026-08.mbox", [second, question, first])
    result = read_email(path, "email/2026-08.mbox")
    assert result.quarantine == []
    assert [f.source_key for f in result.feedback] == ["q1@example.jp"]
    assert result.feedback[0].first_response_at == asked + timedelta(hours=5)
    assert result.feedback[0].created_at == asked


def test_customer_follow_up_in_own_thread_is_feedback_and_unanswered_has_no_response(tmp_path):
    question = mail("フィルターの型番を教えてください。", message_id="<q2@example.jp>")
    follow_up = mail(
        "追記です。本体の型番はKX-200です。",
        message_id="<q3@example.jp>",
        in_reply_to="<q2@example.jp>",
        date=datetime(2026, 8, 3, 11, 0, tzinfo=JST),
    )
    path = write_mbox(tmp_path, "thread.mbox", [question, follow_up])
    result = read_email(path, "email/thread.mbox")
    assert [f.source_key for f in result.feedback] == ["q2@example.jp", "q3@example.jp"]
    assert [f.first_response_at for f in result.feedback] == [None, None]


@pytest.mark.parametrize(
    "other",
    ["山田 太郎 <taro@example.ne.jp>", "山田 一郎 <ichiro@example.jp>"],
    ids=["another provider", "the customer's own domain"],
)
def test_a_second_customer_writing_into_the_thread_is_feedback_not_a_support_reply(tmp_path, other):
    """A family member (another provider, or the customer's own domain) is not the support desk."""
    asked = datetime(2026, 8, 3, 9, 15, tzinfo=JST)
    question = mail(
        "ストーブから焦げ臭いにおいがします。", message_id="<q5@example.jp>", date=asked
    )
    relative = mail(
        "家族です。昨夜は煙も少し出ていました。危なくないのでしょうか。",
        sender=other,
        message_id="<q6@example.ne.jp>",
        in_reply_to="<q5@example.jp>",
        date=asked + timedelta(hours=2),
    )
    reply = mail(
        "ご不便をおかけしております。すぐに使用を中止してください。",
        sender=SUPPORT,
        message_id="<r5@koe-shop.example>",
        in_reply_to="<q5@example.jp>",
        date=asked + timedelta(hours=6),
    )
    path = write_mbox(tmp_path, "thread.mbox", [question, relative, reply])
    result = read_email(path, "email/thread.mbox")
    assert [f.source_key for f in result.feedback] == ["q5@example.jp", "q6@example.ne.jp"]
    assert result.feedback[0].first_response_at == asked + timedelta(hours=6)


def test_without_a_configured_support_address_every_mail_is_a_customer_voice(tmp_path, monkeypatch):
    """Only configured addresses answer for the support office: guessing would turn a
    customer's follow-up into a 'reply' and lose it (and its first-response time)."""
    monkeypatch.delenv("KOE_SUPPORT_ADDRESSES")
    reload_settings()
    question = mail("注文した商品がまだ届きません。", message_id="<q7@example.jp>")
    answer = mail(
        "本日発送いたしました。",
        sender=SUPPORT,
        message_id="<r7@koe-shop.example>",
        in_reply_to="<q7@example.jp>",
    )
    result = read_email(write_mbox(tmp_path, "t.mbox", [question, answer]), "email/t.mbox")
    assert [f.source_key for f in result.feedback] == ["q7@example.jp", "r7@koe-shop.example"]
    assert result.feedback[0].first_response_at is None and result.merged == 0


def test_every_message_read_leaves_its_thread_link_keyed_like_its_feedback(tmp_path):
    """The links let a later file thread without this one; they hold no Message-ID itself
    (one can carry an address), only the key its feedback_id is made of."""
    asked = datetime(2026, 8, 3, 9, 15, tzinfo=JST)
    question = mail("電池の持ちが悪くなりました。", message_id="<q7@example.jp>", date=asked)
    no_text = mail("> 引用だけの返信", message_id="<q8@example.jp>", in_reply_to="<q7@example.jp>")
    answer = mail(
        "交換のご案内をいたします。",
        sender=SUPPORT,
        message_id="<r7@koe-shop.example>",
        in_reply_to="<q8@example.jp>",
        date=asked + timedelta(hours=3),
    )
    path = write_mbox(tmp_path, "t.mbox", [question, no_text, answer])
    result = read_email(path, "email/t.mbox")

    assert len(result.quarantine) == 1  # the quote-only message, still a link in the thread
    key = {name: stable_id("email", f"{name}@example.jp") for name in ("q7", "q8")}
    assert [(k.source_line, k.message_key, k.parent_key, k.from_support) for k in result.links] == [
        (1, key["q7"], None, False),
        (2, key["q8"], key["q7"], False),
        (3, stable_id("email", "r7@koe-shop.example"), key["q8"], True),
    ]
    assert result.links[0].message_key == result.feedback[0].feedback_id
    assert result.feedback[0].first_response_at == asked + timedelta(hours=3)
    assert not any("example" in str(value) for k in result.links for value in vars(k).values()
                   if value != k.source_file)  # fmt: skip


# --- malformed messages ------------------------------------------------------------------------


def test_malformed_message_is_quarantined_with_file_and_position_and_the_rest_is_read(tmp_path):
    good_first = mail("保証期間を確認したいです。", message_id="<g1@example.jp>")
    no_date = mail("日付のないメールです。", message_id="<bad@example.jp>", date=None)
    good_last = mail("領収書の再発行をお願いします。", message_id="<g2@example.jp>")
    path = write_mbox(tmp_path, "mixed.mbox", [good_first, no_date, good_last])
    result = read_email(path, "email/mixed.mbox")
    assert [f.source_key for f in result.feedback] == ["g1@example.jp", "g2@example.jp"]
    assert [f.source_line for f in result.feedback] == [1, 3]
    [bad] = result.quarantine
    assert (bad.channel, bad.source_file, bad.source_line) == ("email", "email/mixed.mbox", 2)
    assert bad.reason == "missing Date header"
    assert "bad@example.jp" in bad.excerpt


def test_message_with_nothing_but_a_quote_is_quarantined(tmp_path):
    body = "> パッキンの向きをご確認ください。\n> よろしくお願いいたします。\n"
    result = read_email(write_eml(tmp_path, "empty.eml", mail(body)), "email/empty.eml")
    assert result.feedback == []
    [bad] = result.quarantine
    assert bad.source_file == "email/empty.eml"
    assert bad.source_line is None
    assert "empty text" in bad.reason


def test_file_that_is_not_an_mbox_is_one_quarantine_row(tmp_path):
    path = tmp_path / "notes.mbox"
    path.write_text("これはメールボックスではありません\n", encoding="utf-8")
    result = read_email(path, "email/notes.mbox")
    assert result.feedback == []
    [bad] = result.quarantine
    assert (bad.source_file, bad.source_line) == ("email/notes.mbox", None)
    assert "From " in bad.reason


# --- ids ---------------------------------------------------------------------------------------


def test_ids_are_stable_hashes_of_the_message_id(tmp_path):
    path = write_eml(tmp_path, "id.eml", mail("在庫はありますか。", message_id="<abc@example.jp>"))
    first = read_one(path, "email/id.eml")
    second = read_one(path, "email/id.eml")
    assert first.feedback_id == second.feedback_id == stable_id("email", "abc@example.jp")


def test_message_without_message_id_gets_the_same_key_on_every_read(tmp_path):
    path = write_eml(tmp_path, "noid.eml", mail("配送先を変更したいです。", message_id=None))
    first = read_one(path, "email/noid.eml")
    second = read_one(path, "email/noid.eml")
    assert first.source_key.startswith("no-message-id-")
    assert first.feedback_id == second.feedback_id
    assert first.attributes == {"message_id_missing": "true"}
    other = read_one(
        write_eml(tmp_path, "noid2.eml", mail("配送先を変更したくないです。", message_id=None)),
        "email/noid2.eml",
    )
    assert other.feedback_id != first.feedback_id


def test_created_at_is_timezone_aware_and_keeps_the_instant(tmp_path):
    sent = datetime(2026, 8, 3, 23, 30, tzinfo=JST)
    feedback = read_one(write_eml(tmp_path, "tz.eml", mail("夜分に失礼します。", date=sent)), "x")
    assert feedback.created_at.tzinfo is not None
    assert feedback.created_at == sent
    assert feedback.created_at.astimezone(UTC).day == 3
