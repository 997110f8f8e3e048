"""Masking a ReadResult: every field the warehouse stores is free of personal data, authors and
contact-data ids become stable keyed pseudonyms, opaque ids and record identity are kept."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

import pytest

from ingest.calls import read_calls
from ingest.email import read_email
from ingest.forms import read_forms
from ingest.records import Feedback, Quarantined, ReadResult, stable_id
from ingest.sns import read_sns
from koe.settings import reload as reload_settings
from nlp.masking import customer_key, mask_read_result, pseudonym

JST = timezone(timedelta(hours=9))

MBOX = """\
From keiko.nakamura@example.ne.jp Wed Aug  5 09:30:11 2026
From: 中村 恵子 <keiko.nakamura@example.ne.jp>
To: support@koe.example.jp
Subject: 空気清浄機のランプについて（中村）
Date: Wed, 05 Aug 2026 09:30:11 +0900
Message-ID: <keiko.nakamura.20260805093011@example.ne.jp>
Content-Type: text/plain; charset=utf-8

いつもお世話になっております。中村と申します。
先月購入した空気清浄機AP-550のフィルター交換ランプが消えません。
リセットボタンを長押ししても変化がありませんでした。
日中は携帯 080-2468-1357 までご連絡ください。
注文番号：ORD-20260712-0831

From taichi.m@example.com Wed Aug  5 11:02:40 2026
From: "Matsuda Taichi" <taichi.m@example.com>
To: support@koe.example.jp
Subject: アプリが落ちます
Date: Wed, 05 Aug 2026 11:02:40 +0900
Message-ID: <CAF8x2kq91Zt@mail.example.com>
Content-Type: text/plain; charset=utf-8

アプリ3.2.1にしてから起動直後に落ちます。iPhoneです。
Matsuda様宛の返信メールも届いていないようです。

From hanako.oda@example.jp Wed Aug  5 12:00:00 2026
From: 小田 花子 <hanako.oda@example.jp>
To: support@koe.example.jp
Subject: 返品の件
Message-ID: <20260805120000.4411@mx.example.jp>
Content-Type: text/plain; charset=utf-8

返品したいです。電話は03-3456-7890です。
"""

SNS = [
    {
        "post_id": "1820394857712",
        "posted_at": "2026-08-03T21:47:10+09:00",
        "author": "@yuki_tanaka0612",
        "text": "サポセン全然つながらん…担当のイトウさん折り返すって言ってたのに音沙汰なし。"
        "DMで連絡先送ったよ ０９０－１１２２－３３４４",
        "url": "https://sns.example.com/yuki_tanaka0612/status/1820394857712",
        "likes": 14,
    },
    {
        "post_id": "1820401122334",
        "posted_at": "2026/08/03 22:05",
        "author": "ガジェット好きの田中",
        "text": "AP-30買ってよかった。花粉の時期でも朝まで鼻がつまらない。",
    },
]
# A broken line: not JSON, so it is quarantined with the raw text as its excerpt.
SNS_BROKEN = '{"post_id": "1820409999999", "author": "@kenji_w_77", "text": "住所は東京都練馬区豊玉北5-18-3、電話 03-3993-1111'

FORMS_CSV = """\
受付ID,受付日時,製品,お問い合わせ内容,お名前,顧客ID,メールアドレス,電話番号,ロット番号
F-0001,2026-08-04 10:12,炊飯器 RC-10,届いた炊飯器の内ぶたが割れていました。交換をお願いします。送付先は〒530-0001 大阪府大阪市北区梅田2丁目4番9号です。,高橋 美咲,misaki.t@example.com,misaki.t@example.com,06-6345-1234,L2608B
F-0002,2026-08-04 11:40,炊飯器 RC-10,保温中にエラーE-04が出ます。,佐藤 健,C-00123,,,L2608B
F-0003,,炊飯器 RC-10,至急連絡ください 090-5555-6666,山口 誠,C-00777,,,
"""

CALL = {
    "call_id": "C-20260803-0001",
    "product": "スマートロック KL-200",
    "started_at": "2026-08-03T09:12:44+09:00",
    "answered_after_s": 38.5,
    "abandoned": False,
    "hold_segments": [],
    "resolved_first_contact": True,
    "customer_id": "090-8765-4321",
    "agent_id": "A-017",
    "team": "住宅設備",
    "turns": [
        {
            "speaker": "agent",
            "t": 0.0,
            "text": "お電話ありがとうございます。サポートセンターの佐藤でございます。",
        },
        {
            "speaker": "customer",
            "t": 4.2,
            "text": "あ、えっと、ヨシダと申します。鍵がアプリから開かなくて。",
        },
        {
            "speaker": "agent",
            "t": 9.8,
            "text": "恐れ入りますが、ご住所をお伺いできますでしょうか。",
        },
        {"speaker": "customer", "t": 15.0, "text": "埼玉県さいたま市浦和区高砂2-5-17です。"},
        {"speaker": "agent", "t": 30.2, "text": "念のためお電話番号も。"},
        {"speaker": "customer", "t": 33.0, "text": "090の8765の4321です。"},
    ],
}
CALL_BROKEN = '{"call_id": "C-20260803-0002", "started_at": "not a time", "customer_id": "kenta.abe@example.org", "turns": [{"speaker": "customer", "t": 1.0, "text": "阿部です、折り返しは080-1111-2222に"}]}'

# Every value here is personal data that must not be found anywhere in the masked result.
PERSONAL = [
    "中村",
    "恵子",
    "keiko.nakamura",
    "example.ne.jp>",
    "080-2468-1357",
    "ORD-20260712-0831",
    "Matsuda",
    "taichi.m",
    "小田",
    "hanako.oda",
    "03-3456-7890",
    "yuki_tanaka0612",
    "イトウ",
    "１１２２－３３４４",
    "ガジェット好きの田中",
    "kenji_w_77",
    "練馬区豊玉北5-18-3",
    "03-3993-1111",
    "530-0001",
    "梅田2丁目4番9号",
    "高橋",
    "美咲",
    "misaki.t",
    "佐藤",
    "山口",
    "090-5555-6666",
    "090-8765-4321",
    "8765の4321",
    "ヨシダ",
    "高砂2-5-17",
    "kenta.abe",
    "阿部",
    "080-1111-2222",
]


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    root = tmp_path_factory.mktemp("inbox")
    (root / "mail.mbox").write_text(MBOX, encoding="utf-8")
    sns_lines = [json.dumps(p, ensure_ascii=False) for p in SNS] + [SNS_BROKEN]
    (root / "x.jsonl").write_text("\n".join(sns_lines) + "\n", encoding="utf-8")
    (root / "export.csv").write_text(FORMS_CSV, encoding="utf-8")
    call_lines = [json.dumps(CALL, ensure_ascii=False), CALL_BROKEN]
    (root / "calls.jsonl").write_text("\n".join(call_lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def raw(inbox) -> ReadResult:
    combined = ReadResult()
    for result in (
        read_email(inbox / "mail.mbox", "email/mail.mbox"),
        read_sns(inbox / "x.jsonl", "sns/x.jsonl"),
        read_forms(inbox / "export.csv", "forms/export.csv"),
        read_calls(inbox / "calls.jsonl", "calls/calls.jsonl"),
    ):
        combined.feedback += result.feedback
        combined.calls += result.calls
        combined.quarantine += result.quarantine
    return combined


@pytest.fixture(scope="module")
def masked(raw) -> ReadResult:
    return mask_read_result(raw)


def by_key(result: ReadResult) -> dict[str, Feedback]:
    return {f.feedback_id: f for f in result.feedback}


# The form reader leaves the name and contact cells out of a quarantined row's excerpt.
NEVER_READ = {"山口"}


def test_the_raw_fixture_really_holds_every_planted_value(raw):
    dumped = json.dumps(asdict(raw), ensure_ascii=False, default=str)
    assert [p for p in PERSONAL if p not in dumped] == sorted(NEVER_READ)
    assert {q.channel for q in raw.quarantine} == {"email", "sns", "form", "call"}


def test_no_personal_value_survives_anywhere_in_the_masked_result(masked):
    dumped = json.dumps(asdict(masked), ensure_ascii=False, default=str)
    assert [p for p in PERSONAL if p in dumped] == []


def test_record_counts_and_identity_are_unchanged(raw, masked):
    assert [f.feedback_id for f in masked.feedback] == [f.feedback_id for f in raw.feedback]
    assert [c.call_id for c in masked.calls] == [c.call_id for c in raw.calls]
    assert [q.quarantine_id for q in masked.quarantine] == [q.quarantine_id for q in raw.quarantine]
    assert [f.created_at for f in masked.feedback] == [f.created_at for f in raw.feedback]


def test_email_text_and_subject_are_masked_and_pii_types_listed(raw, masked):
    [before] = [f for f in raw.feedback if "AP-550" in f.text]
    after = by_key(masked)[before.feedback_id]
    assert "携帯 ［電話番号］ まで" in after.text
    assert "注文番号：［注文番号］" in after.text
    assert "［氏名］と申します" in after.text
    assert "AP-550" in after.text
    assert after.subject == "空気清浄機のランプについて（［氏名］）"
    assert after.pii_types == ("order_id", "person", "phone")


def test_an_author_becomes_a_keyed_pseudonym(raw, masked):
    for before, after in zip(raw.feedback, masked.feedback, strict=True):
        if before.author is None:
            assert after.author is None
        else:
            assert after.author == pseudonym(before.author, "author")
            assert after.author.startswith("author-") and len(after.author) == len("author-") + 12


def test_the_same_sender_gets_the_same_pseudonym_however_the_name_is_written():
    a = pseudonym("中村 恵子 <Keiko.Nakamura@example.ne.jp>", "author")
    b = pseudonym("ナカムラ <keiko.nakamura@example.ne.jp>", "author")
    c = pseudonym("小田 花子 <hanako.oda@example.jp>", "author")
    assert a == b != c
    assert pseudonym("＠ｙｕｋｉ_ｔａｎａｋａ", "author") == pseudonym("@yuki_tanaka", "author")


def test_pseudonyms_depend_on_the_deployment_key(monkeypatch):
    default = pseudonym("@yuki_tanaka0612", "author")
    monkeypatch.setenv("KOE_PSEUDONYM_KEY", "another-deployment")
    reload_settings()
    assert pseudonym("@yuki_tanaka0612", "author") != default


def test_a_message_id_built_from_the_sender_address_is_pseudonymized_others_kept(raw, masked):
    keys = {b.source_key: a.source_key for b, a in zip(raw.feedback, masked.feedback, strict=True)}
    assert keys["CAF8x2kq91Zt@mail.example.com"] == "CAF8x2kq91Zt@mail.example.com"
    personal = keys["keiko.nakamura.20260805093011@example.ne.jp"]
    assert personal.startswith("msgid-")
    # The id still comes from the original key, so reloading the same mail upserts the same row.
    [after] = [f for f in masked.feedback if f.source_key == personal]
    assert after.feedback_id == stable_id("email", "keiko.nakamura.20260805093011@example.ne.jp")


def test_the_sns_handle_is_masked_in_the_post_url_and_text(raw, masked):
    [after] = [f for f in masked.feedback if f.source_key == "1820394857712"]
    assert after.attributes["url"] == "https://sns.example.com/［氏名］/status/1820394857712"
    assert after.attributes["likes"] == "14"
    assert "担当の［氏名］さん" in after.text
    assert after.text.endswith("DMで連絡先送ったよ ［電話番号］")
    assert after.pii_types == ("person", "phone")


def test_a_post_without_personal_data_keeps_its_text_and_has_no_pii_types(raw, masked):
    [after] = [f for f in masked.feedback if f.source_key == "1820401122334"]
    assert after.text == "AP-30買ってよかった。花粉の時期でも朝まで鼻がつまらない。"
    assert after.pii_types == ()


def test_customer_ids_become_pseudonyms_contact_data_ones_linking_as_that_contact(masked):
    ids = {f.source_key: f.customer_id for f in masked.feedback if f.channel == "form"}
    assert ids["F-0001"] == pseudonym("misaki.t@example.com", "customer")
    assert ids["F-0002"] == customer_key("customer_id", "c 00123") != "C-00123"
    assert ids["F-0002"].startswith("customer-")
    [call] = masked.calls
    assert call.customer_id == pseudonym("090-8765-4321", "customer")
    assert (call.agent_id, call.team) == ("A-017", "住宅設備")


def test_a_form_links_through_its_address_and_phone_never_stored_raw(masked):
    [form] = [f for f in masked.feedback if f.source_key == "F-0001"]
    assert set(form.contacts) == {
        customer_key("email", "MISAKI.T@example.com"),
        customer_key("phone", "06 6345 1234"),
    }
    assert all(key.startswith("customer-") for key in form.contacts)
    assert "example.com" not in repr(form) and "6345" not in repr(form)


def test_a_mail_links_through_its_sender_and_a_post_through_its_handle(masked):
    post = next(f for f in masked.feedback if f.source_key == "1820394857712")
    assert post.contacts == (customer_key("handle", "＠Yuki_Tanaka0612"),)
    mails = [f for f in masked.feedback if f.channel == "email"]
    assert mails and all(len(m.contacts) == 1 for m in mails)


def test_form_text_and_attributes(masked):
    [after] = [f for f in masked.feedback if f.source_key == "F-0001"]
    assert after.text.endswith("送付先は［郵便番号］ ［住所］です。")
    assert after.attributes["lot"] == "L2608B"
    assert after.pii_types == ("address", "postal_code")


def test_every_call_turn_is_masked_and_the_call_feedback_too(masked):
    [call] = masked.calls
    assert [t.text for t in call.turns] == [
        "お電話ありがとうございます。サポートセンターの［氏名］でございます。",
        "あ、えっと、［氏名］と申します。鍵がアプリから開かなくて。",
        "恐れ入りますが、ご住所をお伺いできますでしょうか。",
        "［住所］です。",
        "念のためお電話番号も。",
        "［電話番号］です。",
    ]
    assert [t.t for t in call.turns] == [0.0, 4.2, 9.8, 15.0, 30.2, 33.0]
    [voice] = [f for f in masked.feedback if f.channel == "call"]
    assert voice.pii_types == ("address", "person", "phone")


def test_quarantine_excerpts_are_masked_including_raw_mail_headers(raw, masked):
    by_channel = {q.channel: q for q in masked.quarantine}
    mail = by_channel["email"].excerpt
    assert "From: ［氏名］ <［メール］>" in mail
    assert "電話は［電話番号］です" in mail
    sns = by_channel["sns"].excerpt
    assert '"author": "@［氏名］"' in sns
    assert "住所は［住所］、電話 ［電話番号］" in sns
    assert [q.reason for q in masked.quarantine] == [q.reason for q in raw.quarantine]


def test_masking_a_masked_result_again_changes_nothing(masked):
    again = mask_read_result(masked)
    assert [f.text for f in again.feedback] == [f.text for f in masked.feedback]
    assert [q.excerpt for q in again.quarantine] == [q.excerpt for q in masked.quarantine]


def test_feedback_built_in_code_with_attributes_and_no_author():
    feedback = Feedback(
        feedback_id="f1",
        channel="form",
        source_key="F-9",
        source_file="forms/a.csv",
        source_line=2,
        created_at=datetime(2026, 8, 1, 9, 0, tzinfo=JST),
        text="アプリ3.2.1で 12,800円の決済が2026-08-01に二重になりました。",
        attributes={"region": "東京都", "app_version": "3.2.1"},
    )
    [after] = mask_read_result(ReadResult(feedback=[feedback])).feedback
    assert after == feedback


def test_a_phone_number_id_links_however_it_is_written():
    same = {
        pseudonym(v, "customer")
        for v in ("090-8765-4321", "09087654321", "+81 90-8765-4321", "+81(0)90 8765 4321")
    }
    assert len(same) == 1
    assert pseudonym("090-8765-4322", "customer") not in same


def test_a_quarantined_json_line_written_with_ascii_escapes_is_unescaped_and_masked():
    raw_line = json.dumps(
        {"post_id": "9", "author": "小野寺 翼", "text": "担当の木村さんに伝えて\ud83d\ude21"},
        ensure_ascii=True,
    )[:-2]  # cut off like a broken line
    quarantined = Quarantined("sns", "sns/x.jsonl", 3, "broken JSON", raw_line)
    [after] = mask_read_result(ReadResult(quarantine=[quarantined])).quarantine
    assert (
        after.excerpt
        == '{"post_id": "9", "author": "［氏名］", "text": "担当の［氏名］さんに伝えて😡'
    )


def test_masking_twice_keeps_the_pseudonyms(masked):
    again = mask_read_result(masked)
    assert [f.author for f in again.feedback] == [f.author for f in masked.feedback]
    assert [f.customer_id for f in again.feedback] == [f.customer_id for f in masked.feedback]
    assert [f.source_key for f in again.feedback] == [f.source_key for f in masked.feedback]


def test_a_customer_typed_product_is_masked_where_it_becomes_a_team_or_a_file_name():
    feedback = Feedback(
        "f2", "form", "F-10", "forms/a.csv", 2, datetime(2026, 8, 1, 9, 0, tzinfo=JST),
        "動きません", product="連絡先_090-1234-5678",
    )  # fmt: skip
    [after] = mask_read_result(ReadResult(feedback=[feedback])).feedback
    assert after.product == "連絡先_［電話番号］"
    assert "phone" in after.pii_types


def test_a_romanised_name_from_the_name_field_is_masked_when_the_text_uses_one_part(tmp_path):
    export = tmp_path / "forms.csv"
    export.write_text(
        "受付ID,受付日時,お名前,本文\n"
        "F-1,2026/08/03 10:00,Taro Yamada,Yamada here. The lid of my rice cooker is broken.\n",
        encoding="utf-8",
    )
    [after] = mask_read_result(read_forms(export, "forms/forms.csv")).feedback
    assert "Yamada" not in after.text and "Taro" not in str(after.author)


def test_an_rfc_2047_sender_name_is_decoded_then_masked_in_a_quarantine_excerpt(tmp_path):
    from email.header import Header

    sender = Header("小野寺 翼", "iso-2022-jp").encode()
    message = (
        f"From: {sender} <tsubasa@example.jp>\nTo: support@koe.example.jp\n"
        "Message-ID: <q1@example.jp>\nSubject: x\nContent-Type: text/plain; charset=utf-8\n\n"
        "日付のない問い合わせです。\n"
    )
    path = tmp_path / "m.eml"
    path.write_text(message, encoding="utf-8")
    raw = read_email(path, "email/m.eml")
    [row] = raw.quarantine  # no Date header
    assert "小野寺" in row.excerpt  # decoded, so masking can see it
    [after] = mask_read_result(raw).quarantine
    assert "小野寺" not in after.excerpt and "tsubasa" not in after.excerpt


def test_a_quarantine_reason_is_masked_too():
    row = Quarantined("form", "forms/a.csv", 3, "bad value 090-1234-5678", "")
    [after] = mask_read_result(ReadResult(quarantine=[row])).quarantine
    assert "090-1234-5678" not in after.reason
