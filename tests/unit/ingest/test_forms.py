"""Web-form reader: CSV in UTF-8/BOM/CP932 and JSON, header aliases, contact columns dropped."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from ingest.forms import read_forms
from ingest.records import stable_id

JST = timezone(timedelta(hours=9))

JAPANESE_EXPORT = (
    "受付ID,受付日時,製品,お名前,メールアドレス,電話番号,ロット番号,ファームウェア,都道府県,"
    "お問い合わせ内容,初回返信日時\r\n"
    "F-10231,2026/08/03 14:05,スマートロック KL-200,山本 由美,yumi.y@example.ne.jp,090-1234-5678,"
    'L2407B,2.1.4,神奈川県,"玄関の鍵が夜中に勝手に解錠されていました。\r\n'
    "履歴を見ると 2:13 に「アプリから解錠」となっていますが、家族は誰も操作していません。\r\n"
    '怖いので至急確認してください。",2026/08/03 16:40\r\n'
    "F-10232,2026年8月3日 15時20分,空気清浄機 AP-30,佐々木,,,,,大阪府,"
    "フィルター交換のランプが消えません。説明書どおりに長押ししました。,\r\n"
)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_bom_csv_with_japanese_headers_and_a_multiline_body_is_read(tmp_path):
    export = write(tmp_path, "forms.csv", JAPANESE_EXPORT.encode("utf-8-sig"))

    first, second = read_forms(export, "forms/forms.csv").feedback

    assert first.channel == "form"
    assert first.source_key == "F-10231"
    assert first.feedback_id == stable_id("form", "F-10231")
    assert first.text == (
        "玄関の鍵が夜中に勝手に解錠されていました。\n"
        "履歴を見ると 2:13 に「アプリから解錠」となっていますが、家族は誰も操作していません。\n"
        "怖いので至急確認してください。"
    )
    assert first.created_at == datetime(2026, 8, 3, 14, 5, tzinfo=JST)
    assert first.first_response_at == datetime(2026, 8, 3, 16, 40, tzinfo=JST)
    assert first.product == "スマートロック KL-200"
    assert first.source_line == 2
    assert second.source_line == 5  # the multi-line body above spans lines 2–4
    assert second.created_at == datetime(2026, 8, 3, 15, 20, tzinfo=JST)
    assert second.first_response_at is None


def test_the_name_is_the_author_and_contact_columns_are_not_carried(tmp_path):
    export = write(tmp_path, "forms.csv", JAPANESE_EXPORT.encode("utf-8-sig"))

    first, second = read_forms(export, "forms/forms.csv").feedback

    assert first.author == "山本 由美"
    assert first.attributes == {"lot": "L2407B", "firmware": "2.1.4", "region": "神奈川県"}
    assert second.attributes == {"region": "大阪府"}
    carried = " ".join([*first.attributes.values(), first.author, first.text])
    assert "yumi.y@example.ne.jp" not in carried
    assert "090-1234-5678" not in carried


def test_a_cp932_export_keeps_windows_only_characters(tmp_path):
    export_text = (
        "受付ID,受付日時,製品,アプリバージョン,本文\r\n"
        "F-2001,2026-08-04 10:00:00,家計簿アプリ,5.3.0,"
        "①レシート読み取りが失敗します ②同期が遅い　の２点です～。㈱髙島屋のレシートです。\r\n"
    )
    export = write(tmp_path, "legacy.csv", export_text.encode("cp932"))

    [entry] = read_forms(export, "forms/legacy.csv").feedback

    assert entry.text == (
        "①レシート読み取りが失敗します ②同期が遅い　の２点です～。㈱髙島屋のレシートです。"
    )
    assert entry.attributes == {"app_version": "5.3.0"}


def test_english_headers_without_ids_get_a_stable_row_key(tmp_path):
    export_text = (
        "submitted_at,product,body,region\n"
        "2026-08-05T08:30:00+09:00,家計簿アプリ,グラフの色が見づらいです。もう少しコントラストを。,北海道\n"
        "2026-08-05T08:31:00+09:00,家計簿アプリ,ログインできない！！,北海道\n"
    )
    export = write(tmp_path, "en.csv", export_text.encode("utf-8"))

    first_read = read_forms(export, "forms/en.csv").feedback
    second_read = read_forms(export, "forms/en.csv").feedback

    assert [f.source_key for f in first_read] == [f.source_key for f in second_read]
    assert first_read[0].source_key.startswith("row-")
    assert first_read[0].source_key != first_read[1].source_key


def test_bad_rows_are_quarantined_with_line_and_reason_and_the_rest_is_read(tmp_path):
    export_text = (
        "受付ID,受付日時,製品,本文\n"
        "F-1,2026/08/03 09:00,AP-30,音が急に大きくなることがあります。\n"
        "F-2,2026/08/03 09:10,AP-30\n"
        "F-3,きのう,AP-30,風量が変えられません\n"
        'F-4,2026/08/03 09:30,AP-30,""\n'
        ",,,\n"
        ",2026/08/03 09:40,AP-30,エラーコードE5が出ました。\n"
    )
    export = write(tmp_path, "forms.csv", export_text.encode("utf-8"))

    result = read_forms(export, "forms/forms.csv")

    assert [f.source_line for f in result.feedback] == [2, 7]
    assert [(q.source_line, q.reason) for q in result.quarantine] == [
        (3, "expected 4 columns, found 3"),
        (4, "unparseable date in '受付日時' (text of 3 characters)"),
        (5, "empty text in '本文'"),
    ]
    assert result.quarantine[0].excerpt == "F-2,2026/08/03 09:10,AP-30"


def test_an_export_without_a_body_column_is_one_file_level_row(tmp_path):
    export = write(tmp_path, "forms.csv", "受付ID,受付日時,製品\nF-1,2026/08/03,AP-30\n".encode())

    result = read_forms(export, "forms/forms.csv")

    assert result.feedback == []
    [row] = result.quarantine
    assert row.source_line is None
    assert row.reason == "missing required column 'body' (本文/お問い合わせ内容/body/text)"


def test_bytes_that_are_neither_utf8_nor_cp932_quarantine_the_file(tmp_path):
    export = write(tmp_path, "broken.csv", b"\x85\x40,\xff\xfe\n\x85\x40\n")

    [row] = read_forms(export, "forms/broken.csv").quarantine

    assert row.source_line is None
    assert row.reason == "file is neither UTF-8 nor CP932 (Shift_JIS) text"


def test_one_undecodable_row_of_a_cp932_export_costs_that_row_only(tmp_path):
    rows = [
        "受付ID,受付日時,本文",
        "F-1,2026/08/03 10:00,電源が入りません",
        'F-2,2026/08/03 11:00,"改行を含む\n本文です"',
    ]
    good = "\r\n".join(rows).encode("cp932")
    # A byte pair no Japanese text holds, inside the third row's body.
    broken = "F-3,2026/08/03 12:00,壊れた".encode("cp932") + b"\x85\x40"
    tail = "F-4,2026/08/03 13:00,蓋が閉まらない".encode("cp932")
    export = write(tmp_path, "sjis.csv", good + b"\r\n" + broken + b"\r\n" + tail + b"\r\n")

    result = read_forms(export, "forms/sjis.csv")

    assert [f.source_key for f in result.feedback] == ["F-1", "F-2", "F-4"]
    assert result.feedback[1].text == "改行を含む\n本文です"
    assert [(q.source_line, q.reason) for q in result.quarantine] == [
        (5, "row is not valid cp932 text (line 5)")
    ]


def test_a_json_export_is_read_as_submissions(tmp_path):
    document = {
        "submissions": [
            {
                "submission_id": 5521,
                "submitted_at": "2026-08-06T12:00:00+09:00",
                "product": "スマートロック KL-200",
                "text": "オートロックの秒数を30秒より短くできませんか？",
                "name": "Kenji Ono",
                "email": "k.ono@example.com",
                "firmware": "2.2.0",
                "responded_at": "2026-08-07T09:15:00+09:00",
            },
            {"submission_id": 5522, "product": "AP-30", "text": "日時がない"},
            "ただの文字列",
        ]
    }
    export = write(tmp_path, "web.json", json.dumps(document, ensure_ascii=False).encode())

    result = read_forms(export, "forms/web.json")

    [entry] = result.feedback
    assert entry.source_key == "5521"
    assert entry.author == "Kenji Ono"
    assert entry.attributes == {"firmware": "2.2.0"}
    assert entry.first_response_at == datetime(2026, 8, 7, 9, 15, tzinfo=JST)
    assert entry.source_line == 1
    assert [(q.source_line, q.reason) for q in result.quarantine] == [
        (2, "missing required field 'submitted_at' (受付日時/送信日時/submitted_at/created_at)"),
        (3, "expected a JSON object, got str"),
    ]


def test_a_plain_json_list_is_accepted_and_broken_json_is_one_row(tmp_path):
    good = write(
        tmp_path,
        "a.json",
        json.dumps(
            [
                {
                    "id": "W-1",
                    "created_at": "2026/08/06 18:00",
                    "body": "返品の送り先を教えてください",
                }
            ],
            ensure_ascii=False,
        ).encode(),
    )
    broken = write(tmp_path, "b.json", b'[{"id": "W-2", ')

    assert [f.source_key for f in read_forms(good, "forms/a.json").feedback] == ["W-1"]
    [row] = read_forms(broken, "forms/b.json").quarantine
    assert row.source_line is None
    assert row.reason.startswith("broken JSON")
