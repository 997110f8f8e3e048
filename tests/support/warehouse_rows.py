"""A small, hand-checkable marts-only warehouse for the app's query and browser tests.

`build_fixture_warehouse(path)` writes the `marts.*` tables of the ARCHITECTURE table contract:
48 pieces of feedback over two weeks (five issues plus 未分類), 56 calls with holds and QA
findings, and a few quarantined records. The detail tables are listed row by row below; the
aggregate marts (issues, issue_daily, kpi_daily) are derived from them, so every number a test
expects can be counted by hand from this file.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.search import normalize

JST = timezone(timedelta(hours=9))
YEAR = 2026
FIRST_DAY = date(2026, 8, 3)
LAST_DAY = date(2026, 8, 16)

WATCH = "KW-3 スマートウォッチ"
APP = "かけいぼPlus アプリ"
EAR = "E2 ワイヤレスイヤホン"

UNCLASSIFIED_ID = "__unclassified__"
UNCLASSIFIED_LABEL = "未分類"

# issue_id → (label, keywords); representative ids are the first rows marked "*" below.
ISSUES = {
    "iss-battery": ("バッテリーの減りが早い", ["バッテリー", "充電", "減り", "アップデート"]),
    "iss-login": ("アプリにログインできない", ["ログイン", "パスワード", "認証コード", "エラー"]),
    "iss-delivery": ("商品が届かない・配送遅延", ["配送", "届く", "注文", "遅れ"]),
    "iss-refund": ("返品・返金の手続き", ["返品", "返金", "手続き", "振込"]),
    "iss-thanks": ("丁寧な対応へのお礼", ["対応", "丁寧", "ありがとう", "助かる"]),
}

PLACEHOLDER_PII = {
    "［電話番号］": "phone",
    "［メール］": "email",
    "［カード番号］": "card",
    "［郵便番号］": "postal_code",
    "［住所］": "address",
    "［注文番号］": "order_id",
    "［氏名］": "person",
}

# (created "MM-DD HH:MM" JST, channel, product, issue_id or None, sentiment, score,
#  subject, text, flags, first_response_hours, representative?)
FEEDBACK = [
    # --- バッテリーの減りが早い (14: 12 negative, 2 neutral) ---
    (
        "08-03 10:12",
        "call",
        WATCH,
        "iss-battery",
        "negative",
        -0.6,
        None,
        "もしもし、あの、KW-3の時計を使ってるんですけど、充電が一日もたないんです。\n"
        "朝満タンにしても夕方にはもう切れちゃってて。\n初期不良なのかなと思って電話しました。",
        [],
        None,
        False,
    ),
    (
        "08-05 14:40",
        "email",
        WATCH,
        "iss-battery",
        "negative",
        -0.5,
        "バッテリーの持ちについて",
        "いつもお世話になっております。［氏名］と申します。先月購入したKW-3スマートウォッチですが、"
        "カタログでは約5日と書かれているバッテリーが2日ほどで切れてしまいます。"
        "設定で改善できるものでしょうか。ご教示いただけますと幸いです。",
        [],
        20.5,
        False,
    ),
    (
        "08-07 21:03",
        "sns",
        WATCH,
        "iss-battery",
        "neutral",
        -0.1,
        None,
        "KW-3のバッテリー、通知オフにしたら少しマシになった気がする。まだ様子見",
        [],
        None,
        False,
    ),
    (
        "08-08 08:55",
        "sns",
        WATCH,
        "iss-battery",
        "negative",
        -0.8,
        None,
        "昨日のアップデート入れてからKW-3の電池の減りが異常。朝100%→昼で40%ってどういうこと",
        [],
        None,
        True,
    ),
    (
        "08-08 11:20",
        "form",
        WATCH,
        "iss-battery",
        "negative",
        -0.6,
        "アップデート後に電池がすぐなくなる",
        "ファームウェアを最新にしてから、バッテリーが半日しか持ちません。"
        "元のバージョンに戻す方法はありますか。連絡先：［電話番号］",
        [],
        30.0,
        True,
    ),
    (
        "08-09 09:41",
        "call",
        WATCH,
        "iss-battery",
        "negative",
        -0.7,
        None,
        "すみません、時計の充電のことで…\nアップデートしたら急に減りが早くなって、"
        "寝る前に充電しても朝には半分くらいになってるんですよ。\nこれ交換してもらえるんですか？",
        [],
        None,
        False,
    ),
    (
        "08-10 16:05",
        "email",
        WATCH,
        "iss-battery",
        "negative",
        -0.9,
        "【至急】バッテリー不具合の件",
        "先日から何度かお問い合わせしていますが、まだ回答がありません。"
        "アップデート以降バッテリーが全くもたず、仕事中に使えず困っています。"
        "改善されないようであれば返金を希望します。責任者の方からご連絡ください。注文番号：［注文番号］",
        ["refund_request", "escalation_demand"],
        26.0,
        True,
    ),
    (
        "08-11 12:30",
        "sns",
        WATCH,
        "iss-battery",
        "negative",
        -0.7,
        None,
        "KW-3ユーザーのみなさん電池どうですか？うちのはアプデ後から1日もたない。他の人も同じなら不具合だよね",
        [],
        None,
        False,
    ),
    (
        "08-12 10:10",
        "form",
        WATCH,
        "iss-battery",
        "negative",
        -0.5,
        "充電してもすぐ減る",
        "充電は100%になるのですが、運動モードを30分使うだけで30%以上減ります。購入から2週間です。",
        [],
        5.0,
        False,
    ),
    (
        "08-13 15:45",
        "call",
        WATCH,
        "iss-battery",
        "negative",
        -0.6,
        None,
        "あ、どうも。前にも電話したんですけど、電池の件、まだ直らなくて。\n"
        "アップデートの修正版っていつ出るんですかね。",
        [],
        None,
        False,
    ),
    (
        "08-14 19:22",
        "sns",
        WATCH,
        "iss-battery",
        "negative",
        -0.9,
        None,
        "KW-3まじで電池もたない。サポートに連絡しても返事ないし、もう別のメーカーに乗り換えようかな",
        ["churn"],
        None,
        False,
    ),
    (
        "08-15 09:05",
        "email",
        WATCH,
        "iss-battery",
        "neutral",
        -0.2,
        "バッテリー消費の件（続報）",
        "［氏名］です。ご案内いただいた手順で再起動と省電力設定を試しました。"
        "少し改善しましたが、以前ほどは持ちません。引き続きよろしくお願いします。",
        [],
        3.0,
        False,
    ),
    (
        "08-16 10:48",
        "form",
        EAR,
        "iss-battery",
        "negative",
        -0.6,
        "イヤホンの充電ケース",
        "E2のケースに入れておいても片方だけ充電されていないことがあり、翌朝使おうとするとバッテリー切れです。",
        [],
        12.0,
        False,
    ),
    (
        "08-16 13:30",
        "call",
        WATCH,
        "iss-battery",
        "negative",
        -0.5,
        None,
        "えっと、娘に買った時計なんですけど、学校から帰ってくるともう電源が切れてて。\n"
        "充電器が悪いのか本体が悪いのか分からなくて…",
        [],
        None,
        False,
    ),
    # --- アプリにログインできない (10: 9 negative, 1 neutral) ---
    (
        "08-04 13:15",
        "form",
        APP,
        "iss-login",
        "neutral",
        -0.2,
        "パスワード再設定メールが届かない",
        "パスワードを忘れたので再設定を試しましたが、メールが届きません。"
        "登録アドレスは［メール］です。迷惑メールフォルダも確認済みです。",
        [],
        8.0,
        False,
    ),
    (
        "08-10 09:02",
        "sns",
        APP,
        "iss-login",
        "negative",
        -0.7,
        None,
        "かけいぼPlus、今朝のアップデート後からログインできない。家計簿つけられなくて困る",
        [],
        None,
        True,
    ),
    (
        "08-10 10:30",
        "call",
        APP,
        "iss-login",
        "negative",
        -0.6,
        None,
        "アプリを開くと、ログイン画面でずっとくるくる回ってて入れないんです。\n昨日までは普通に使えてました。",
        [],
        None,
        False,
    ),
    (
        "08-10 18:40",
        "email",
        APP,
        "iss-login",
        "negative",
        -0.8,
        "ログインできません",
        "お世話になっております。本日アプリを更新したところ、正しいパスワードを入力しても"
        "「認証に失敗しました」と表示されログインできません。1年分の記録が見られず大変困っております。"
        "早急な対応をお願いします。",
        [],
        14.0,
        True,
    ),
    (
        "08-11 07:55",
        "sns",
        APP,
        "iss-login",
        "negative",
        -0.6,
        None,
        "認証コードのSMSが来ない…何回押しても来ない…かけいぼPlus 4.2.0",
        [],
        None,
        False,
    ),
    (
        "08-11 12:12",
        "form",
        APP,
        "iss-login",
        "negative",
        -0.7,
        "二段階認証のコードが届かない",
        "SMSの認証コードが届かずログインできません。電話番号は［電話番号］で変わっていません。",
        [],
        22.0,
        False,
    ),
    (
        "08-12 20:20",
        "sns",
        APP,
        "iss-login",
        "negative",
        -0.9,
        None,
        "ログインできないの3日目。データ消えてたら本気で怒るよ。このままなら消費者センターに相談します",
        ["legal_threat"],
        None,
        False,
    ),
    (
        "08-13 11:00",
        "call",
        APP,
        "iss-login",
        "negative",
        -0.4,
        None,
        "ログインの件なんですが、アプリを入れ直したら入れるようになりました。\n"
        "でも入れ直すのに30分もかかりました。最初から案内してほしかったです。",
        [],
        None,
        False,
    ),
    (
        "08-14 16:33",
        "email",
        APP,
        "iss-login",
        "negative",
        -0.6,
        "Re: ログインできません",
        "ご案内いただいた再インストールも試しましたが、やはりログインできません。"
        "Android 14、アプリは4.2.0です。",
        [],
        40.0,
        False,
    ),
    (
        "08-15 08:20",
        "sns",
        APP,
        "iss-login",
        "negative",
        -0.7,
        None,
        "かけいぼPlusまだログインできない人いる？公式からのお知らせもないし不安",
        [],
        None,
        False,
    ),
    # --- 商品が届かない・配送遅延 (8: 6 negative, 2 neutral) ---
    (
        "08-03 15:30",
        "email",
        EAR,
        "iss-delivery",
        "negative",
        -0.5,
        "商品が届きません",
        "7月28日に注文したE2イヤホンがまだ届きません。配送状況を確認したところ「出荷準備中」のままです。"
        "注文番号は［注文番号］です。",
        [],
        18.0,
        True,
    ),
    (
        "08-04 11:11",
        "call",
        WATCH,
        "iss-delivery",
        "neutral",
        -0.1,
        None,
        "注文した時計の配送状況を知りたくて。\n注文番号は［注文番号］です。\nいつ頃届きそうですか。",
        [],
        None,
        False,
    ),
    (
        "08-06 17:50",
        "sns",
        EAR,
        "iss-delivery",
        "negative",
        -0.6,
        None,
        "E2イヤホン、発送予定日過ぎてもまだ発送されない。旅行に間に合わないじゃん",
        [],
        None,
        False,
    ),
    (
        "08-07 10:05",
        "form",
        EAR,
        "iss-delivery",
        "negative",
        -0.5,
        "配送予定日を過ぎています",
        "お届け予定日の8月5日を過ぎても商品が届いていません。住所は［住所］で間違いありません。",
        [],
        23.5,
        False,
    ),
    (
        "08-09 14:14",
        "call",
        WATCH,
        "iss-delivery",
        "negative",
        -0.7,
        None,
        "もう一週間以上待ってるんですけど、全然届かなくて。\n誕生日プレゼントだったのに間に合わなかったんですよ。",
        [],
        None,
        True,
    ),
    (
        "08-11 09:30",
        "email",
        EAR,
        "iss-delivery",
        "neutral",
        0.0,
        "配送先の変更について",
        "注文済みの商品の配送先を勤務先に変更したいです。変更後の住所は［住所］、宛名は［氏名］でお願いします。",
        [],
        2.5,
        False,
    ),
    (
        "08-13 13:13",
        "sns",
        EAR,
        "iss-delivery",
        "negative",
        -0.5,
        None,
        "配送遅れのお詫びメールは来たけど、結局いつ届くのか書いてない…",
        [],
        None,
        False,
    ),
    (
        "08-15 18:00",
        "form",
        WATCH,
        "iss-delivery",
        "negative",
        -0.6,
        "再配達の依頼ができない",
        "不在票が入っていたので再配達を依頼しようとしたら、伝票番号が無効と表示されます。",
        [],
        None,
        False,
    ),
    # --- 返品・返金の手続き (6: 3 negative, 2 neutral, 1 positive) ---
    (
        "08-05 10:40",
        "form",
        EAR,
        "iss-refund",
        "negative",
        -0.6,
        "返品したい",
        "E2イヤホンの右側から音が出ません。返品・返金の手続き方法を教えてください。",
        ["refund_request"],
        6.0,
        True,
    ),
    (
        "08-06 13:25",
        "call",
        WATCH,
        "iss-refund",
        "neutral",
        -0.1,
        None,
        "返品の手続きをしたいんですけど、箱を捨ててしまってても大丈夫ですか。",
        ["refund_request"],
        None,
        False,
    ),
    (
        "08-08 16:00",
        "email",
        EAR,
        "iss-refund",
        "negative",
        -0.7,
        "返金がまだ振り込まれていません",
        "7月20日に返品した商品の返金が、まだ反映されていません。"
        "カード番号［カード番号］への返金と伺っていましたが、明細にも載っていません。",
        ["refund_request"],
        28.0,
        True,
    ),
    (
        "08-12 11:45",
        "call",
        WATCH,
        "iss-refund",
        "positive",
        0.4,
        None,
        "返品の件でお電話しました。\n先ほど返金の確認ができました。手続きが早くて助かりました。",
        [],
        None,
        False,
    ),
    (
        "08-14 09:50",
        "sns",
        APP,
        "iss-refund",
        "negative",
        -0.8,
        None,
        "かけいぼPlusのプレミアム、解約したのに今月も引き落とされてる。返金してほしい",
        ["refund_request", "churn"],
        None,
        False,
    ),
    (
        "08-16 15:15",
        "form",
        WATCH,
        "iss-refund",
        "neutral",
        0.0,
        "返品送料について",
        "初期不良で返品する場合、送料はそちらの負担になりますか。",
        [],
        4.0,
        False,
    ),
    # --- 丁寧な対応へのお礼 (5 positive) ---
    (
        "08-04 17:20",
        "email",
        WATCH,
        "iss-thanks",
        "positive",
        0.8,
        "お礼",
        "先日お電話で対応していただいた［氏名］様、丁寧に説明していただきありがとうございました。"
        "無事に設定できました。",
        [],
        10.0,
        True,
    ),
    (
        "08-07 12:00",
        "sns",
        APP,
        "iss-thanks",
        "positive",
        0.7,
        None,
        "かけいぼPlusのサポート、返信早くて丁寧だった。助かった〜",
        [],
        None,
        False,
    ),
    (
        "08-09 16:40",
        "call",
        EAR,
        "iss-thanks",
        "positive",
        0.6,
        None,
        "前回教えてもらったペアリングの方法でちゃんとつながりました。\nわざわざありがとうございました。",
        [],
        None,
        False,
    ),
    (
        "08-12 14:05",
        "form",
        APP,
        "iss-thanks",
        "positive",
        0.9,
        "サポートの方へ",
        "チャットで対応してくださった方、夜遅くまで本当にありがとうございました。とても分かりやすかったです。",
        [],
        1.5,
        True,
    ),
    (
        "08-15 11:30",
        "sns",
        WATCH,
        "iss-thanks",
        "positive",
        0.7,
        None,
        "KW-3の電池の件、サポートの人が根気よく付き合ってくれて設定見直したら改善した。対応は神",
        [],
        None,
        False,
    ),
    # --- 未分類 (5: 2 negative, 2 neutral, 1 positive) ---
    (
        "08-05 19:10",
        "sns",
        None,
        None,
        "neutral",
        0.0,
        None,
        "新色のベルトっていつ発売されるんだろう",
        [],
        None,
        False,
    ),
    (
        "08-06 09:15",
        "email",
        APP,
        None,
        "neutral",
        0.1,
        "領収書の発行について",
        "プレミアムプランの領収書を会社宛てで発行していただくことは可能でしょうか。"
        "宛名は［氏名］でお願いしたいです。",
        [],
        6.0,
        False,
    ),
    (
        "08-09 20:45",
        "sns",
        None,
        None,
        "negative",
        -0.6,
        None,
        "店頭の説明と全然違った。もう二度と買わない",
        ["churn"],
        None,
        False,
    ),
    (
        "08-13 10:20",
        "call",
        EAR,
        None,
        "negative",
        -0.5,
        None,
        "イヤホンを付けてると耳が痛くなるんですけど、小さいイヤーピースって別売りでありますか。\n"
        "ちょっと熱くなる気もして心配で。",
        ["safety"],
        None,
        False,
    ),
    (
        "08-16 17:05",
        "form",
        WATCH,
        None,
        "positive",
        0.5,
        "機能の要望",
        "睡眠記録がとても便利です。昼寝も記録できるようになると嬉しいです。",
        [],
        20.0,
        False,
    ),
]

AGENT_TEAMS = {
    "A101": "東京第1チーム",
    "A102": "東京第1チーム",
    "A201": "東京第2チーム",
    "B301": "大阪チーム",
}

# (started "MM-DD HH:MM" JST, agent_id or None when abandoned, answered_after_s,
#  resolved_first_contact, holds [(seconds, intermediate_report)], product)
CALLS = [
    ("08-03 09:05", "A101", 12, True, [(30, False)], WATCH),
    ("08-03 10:12", "A102", 25, True, [], WATCH),
    ("08-03 13:48", "B301", 40, False, [(60, True)], EAR),
    ("08-03 16:20", None, None, None, [], None),
    ("08-04 09:30", "A201", 8, True, [], APP),
    ("08-04 11:11", "A101", 15, True, [(20, False), (50, False)], WATCH),
    ("08-04 14:02", "B301", 33, True, [], EAR),
    ("08-04 17:45", "A102", 21, True, [], APP),
    ("08-05 10:00", "A101", 18, True, [], WATCH),
    ("08-05 12:40", "A201", 29, False, [(40, False)], APP),
    ("08-05 15:10", None, None, None, [], None),
    ("08-05 16:55", "B301", 14, True, [], WATCH),
    ("08-06 09:20", "A102", 10, True, [], WATCH),
    ("08-06 13:25", "A101", 22, True, [], WATCH),
    ("08-06 15:00", "A201", 37, True, [(35, False)], EAR),
    ("08-06 18:10", "B301", 19, True, [], APP),
    ("08-07 09:45", "A101", 16, True, [], WATCH),
    ("08-07 11:30", "A102", 24, True, [(90, False)], WATCH),
    ("08-07 14:15", "A201", 11, True, [], APP),
    ("08-07 16:40", "B301", 27, True, [], EAR),
    ("08-08 10:05", "A101", 31, True, [], WATCH),
    ("08-08 12:20", "A201", 45, False, [(25, False)], WATCH),
    ("08-08 15:35", "A102", 20, True, [], WATCH),
    ("08-08 17:50", "B301", 13, True, [], EAR),
    ("08-09 09:41", "A101", 9, True, [(40, False)], WATCH),
    ("08-09 11:05", None, None, None, [], None),
    ("08-09 14:14", "A201", 26, True, [], WATCH),
    ("08-09 16:40", "B301", 17, True, [], EAR),
    ("08-10 09:10", "A102", 55, True, [], APP),
    ("08-10 10:30", "A101", 48, False, [(70, False)], APP),
    ("08-10 12:45", "A201", 62, True, [], APP),
    ("08-10 15:20", None, None, None, [], None),
    ("08-11 09:00", "B301", 35, True, [], APP),
    ("08-11 11:25", "A101", 28, True, [(15, False)], APP),
    ("08-11 14:50", "A102", 22, True, [], WATCH),
    ("08-11 17:05", "A201", 30, True, [], EAR),
    ("08-12 09:35", "A101", 14, True, [], WATCH),
    ("08-12 11:45", "B301", 18, True, [], WATCH),
    ("08-12 14:20", "A102", 23, True, [(50, True)], APP),
    ("08-12 16:30", "A201", 12, True, [], EAR),
    ("08-13 10:20", "B301", 16, True, [], EAR),
    ("08-13 11:00", "A101", 41, False, [], APP),
    ("08-13 15:45", "A201", 19, True, [(30, False)], WATCH),
    ("08-13 17:15", None, None, None, [], None),
    ("08-14 09:15", "A102", 11, True, [], WATCH),
    ("08-14 12:00", "A101", 24, True, [], APP),
    ("08-14 14:40", "B301", 15, True, [], EAR),
    ("08-14 16:05", "A201", 20, True, [], WATCH),
    ("08-15 10:10", "A101", 13, True, [], WATCH),
    ("08-15 12:35", "A102", 17, True, [(100, False)], APP),
    ("08-15 15:00", "B301", 22, True, [], EAR),
    ("08-15 17:30", "A201", 26, True, [], WATCH),
    ("08-16 09:50", "A101", 12, True, [], WATCH),
    ("08-16 13:30", "B301", 21, True, [], WATCH),
    ("08-16 15:55", "A102", 30, False, [], EAR),
    ("08-16 18:00", "A201", 18, True, [], APP),
]

# (call started "MM-DD HH:MM", check_name, turn, phrase, masked agent/customer words)
QA_FINDINGS = [
    (
        "08-03 13:48",
        "forbidden_phrase",
        5,
        "わかりかねます",
        "それについては私ではわかりかねますので、ご自身でお調べいただけますか。",
    ),
    (
        "08-04 11:11",
        "long_hold_without_report",
        7,
        None,
        "少々お待ちください。（50秒保留、途中のお声がけなし）",
    ),
    (
        "08-05 12:40",
        "internal_contact",
        9,
        "内線",
        "担当部署の内線が［電話番号］ですので、そちらに直接お電話ください。",
    ),
    (
        "08-07 11:30",
        "long_hold_without_report",
        4,
        None,
        "確認しますので、このままお待ちください。（90秒保留、途中のお声がけなし）",
    ),
    (
        "08-07 11:30",
        "escalation_request",
        6,
        "上の人",
        "もういいです、上の人に代わってもらえますか。",
    ),
    (
        "08-08 12:20",
        "forbidden_phrase",
        3,
        "規則ですので",
        "規則ですので、それ以上はお答えできません。",
    ),
    (
        "08-10 10:30",
        "long_hold_without_report",
        8,
        None,
        "システムを確認いたします。（70秒保留、途中のお声がけなし）",
    ),
    (
        "08-10 10:30",
        "escalation_request",
        10,
        "責任者",
        "何度も同じ説明をさせないでください。責任者の方をお願いします。",
    ),
    ("08-13 11:00", "forbidden_phrase", 6, "たぶん", "たぶん再インストールすれば直ると思います。"),
    (
        "08-15 12:35",
        "long_hold_without_report",
        5,
        None,
        "お調べしますのでお待ちください。（100秒保留、途中のお声がけなし）",
    ),
    (
        "08-15 12:35",
        "internal_contact",
        11,
        "直通",
        "開発チームの直通番号［電話番号］にお問い合わせいただければ早いかと。",
    ),
]

QUARANTINE = [
    (
        "email",
        "email/2026-08.mbox",
        37,
        "メールの日付ヘッダを解釈できません: 'Date: 明日の朝'",
        "From: ［メール］\nSubject: 注文の件\nDate: 明日の朝\n\n［氏名］です。注文番号［注文番号］の…",
        "08-16 23:10",
    ),
    (
        "forms",
        "forms/contact_export_0815.csv",
        12,
        "列数が合いません: 9列を想定しましたが 6列でした",
        "2026/08/15 10:22,［氏名］,［メール］,配送について,届いていません,",
        "08-16 23:10",
    ),
    (
        "forms",
        "forms/contact_export_0815.csv",
        45,
        "created_at が空です",
        ",［氏名］,［電話番号］,アプリ,ログインできない,,,,",
        "08-16 23:10",
    ),
    (
        "sns",
        "sns/posts_0814.jsonl",
        208,
        "JSONとして読めません: Expecting ',' delimiter (column 57)",
        '{"post_id": "1823", "text": "KW-3の電池が持たない" "created_at": "2026-08-14T20:11:00+09:00"',
        "08-16 23:10",
    ),
    (
        "calls",
        "calls/calls_0812.jsonl",
        None,
        "ファイルを読めません: UTF-8 / Shift_JIS のどちらでもありません",
        None,
        "08-16 23:10",
    ),
]

KPI_TARGETS = [
    ("answer_rate", "応答率", 0.90, ">="),
    ("first_contact_resolution_rate", "1次解決率", 0.90, ">="),
    ("repeat_contact_rate", "再問い合わせ率", 0.10, "<="),
    ("holds_within_45s_share", "保留45秒以内", 1.00, ">="),
    ("written_responded_within_24h_share", "初回返信24時間以内", 1.00, ">="),
]

DDL = """
CREATE SCHEMA IF NOT EXISTS marts;
CREATE TABLE marts.feedback (
    feedback_id VARCHAR, channel VARCHAR, created_at TIMESTAMPTZ, created_date DATE,
    product VARCHAR, lot VARCHAR, app_version VARCHAR, customer_id VARCHAR,
    subject_masked VARCHAR, text_masked VARCHAR, text_normalized VARCHAR, issue_id VARCHAR,
    issue_label VARCHAR, is_complaint BOOLEAN, sentiment VARCHAR, sentiment_score DOUBLE, flags VARCHAR[], pii_types VARCHAR[],
    first_response_hours DOUBLE);
CREATE TABLE marts.issues (
    issue_id VARCHAR, label VARCHAR, kind VARCHAR, keywords VARCHAR[], feedback_count INTEGER,
    negative_share DOUBLE, first_seen DATE, last_seen DATE, top_product VARCHAR,
    top_channel VARCHAR, representative_ids VARCHAR[], origin VARCHAR DEFAULT 'machine',
    label_pinned BOOLEAN DEFAULT false);
CREATE TABLE marts.issue_daily (
    issue_id VARCHAR, day DATE, channel VARCHAR, product VARCHAR, feedback_count INTEGER,
    negative_count INTEGER, avg_sentiment DOUBLE);
CREATE TABLE marts.calls (
    call_id VARCHAR, started_at TIMESTAMPTZ, day DATE, product VARCHAR, team VARCHAR,
    agent_id VARCHAR, answered BOOLEAN, abandoned BOOLEAN, answered_after_s DOUBLE,
    resolved_first_contact BOOLEAN, hold_count INTEGER, max_hold_s DOUBLE,
    long_holds_without_report INTEGER, qa_findings INTEGER);
CREATE TABLE marts.kpi_daily (
    day DATE, calls_offered INTEGER, calls_answered INTEGER, answer_rate DOUBLE,
    abandon_rate DOUBLE, avg_speed_of_answer_s DOUBLE, first_contact_resolution_rate DOUBLE,
    holds INTEGER, holds_within_45s_share DOUBLE, written_received INTEGER,
    written_responded_within_24h_share DOUBLE, issue_contacts_linked INTEGER,
    repeat_contacts INTEGER, repeat_contact_rate DOUBLE);
CREATE TABLE marts.kpi_targets (kpi VARCHAR, label_ja VARCHAR, target DOUBLE, direction VARCHAR);
CREATE TABLE marts.agent_qa_findings (
    call_id VARCHAR, started_at TIMESTAMPTZ, day DATE, team VARCHAR, agent_id VARCHAR,
    check_name VARCHAR, turn INTEGER, phrase VARCHAR, text_masked VARCHAR);
CREATE TABLE marts.call_turns (
    call_id VARCHAR, turn INTEGER, speaker VARCHAR, t_s DOUBLE, text_masked VARCHAR);
CREATE TABLE marts.quarantine (
    quarantine_id VARCHAR, channel VARCHAR, source_file VARCHAR, source_line INTEGER,
    reason VARCHAR, excerpt_masked VARCHAR, quarantined_at TIMESTAMPTZ);
CREATE TABLE marts.issue_lineage (
    run_at TIMESTAMPTZ, mode VARCHAR, event VARCHAR, issue_id VARCHAR, label VARCHAR,
    source_issue_id VARCHAR, source_label VARCHAR, documents INTEGER, actor VARCHAR DEFAULT 'koe',
    decision_id VARCHAR);
CREATE TABLE marts.issue_subgroups (
    issue_id VARCHAR, subgroup INTEGER, label VARCHAR, keywords VARCHAR[], share DOUBLE,
    centroid FLOAT[], example_ids VARCHAR[]);
-- The recurring questions' marts, as the real build makes them; this fixture holds no question.
CREATE TABLE marts.question_feedback (
    feedback_id VARCHAR, question_id VARCHAR, inquiry VARCHAR, created_at TIMESTAMPTZ,
    created_date DATE, channel VARCHAR, product VARCHAR, text_masked VARCHAR, call_id VARCHAR,
    resolved_first_contact BOOLEAN);
CREATE TABLE marts.questions (
    question_id VARCHAR, label VARCHAR, keywords VARCHAR[], product VARCHAR, inquiry VARCHAR,
    voices BIGINT, recent_voices BIGINT, earlier_voices BIGINT, call_voices BIGINT,
    email_voices BIGINT, form_voices BIGINT, sns_voices BIGINT, calls_recorded BIGINT,
    calls_resolved_first BIGINT, first_contact_resolution DOUBLE, first_seen DATE,
    last_seen DATE, representative_ids VARCHAR[]);
CREATE TABLE marts.question_daily (
    question_id VARCHAR, day DATE, channel VARCHAR, product VARCHAR, voices BIGINT,
    requests BIGINT, calls_recorded BIGINT, calls_resolved_first BIGINT);
CREATE TABLE marts.question_examples (
    question_id VARCHAR, example_rank BIGINT, feedback_id VARCHAR, channel VARCHAR,
    created_date DATE, text_masked VARCHAR, representative BOOLEAN);
CREATE TABLE marts.question_lineage (
    run_at TIMESTAMPTZ, mode VARCHAR, event VARCHAR, question_id VARCHAR, label VARCHAR,
    source_question_id VARCHAR, source_label VARCHAR, documents INTEGER);
"""

# Two clustering runs: the first made the login issue, the second merged a retired one into it.
LINEAGE = [
    ("08-04 03:00", "full", "created", "iss-login", None, 4),
    ("08-12 03:00", "full", "merged", "iss-login", "iss-2fa-code", 3),
]


def lineage_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "run_at": _at(stamp),
                "mode": mode,
                "event": event,
                "issue_id": issue_id,
                "label": ISSUES[issue_id][0],
                "source_issue_id": source,
                "source_label": None,
                "documents": documents,
            }
            for stamp, mode, event, issue_id, source, documents in LINEAGE
        ]
    )


def _at(stamp: str) -> datetime:
    """'08-03 10:12' → 2026-08-03 10:12 JST."""
    return datetime.strptime(f"{YEAR}-{stamp}", "%Y-%m-%d %H:%M").replace(tzinfo=JST)


def _hex_id(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


# The same customer again: row → the earlier row whose customer wrote it. Battery: a call on
# 08-03, a form 5 days later and a call 5 days after that (two repeat contacts within 7 days);
# a mail on 08-05 and another 10 days later (the same customer, outside the window).
SAME_CUSTOMER = {4: 0, 9: 0, 11: 1}
REPEAT_WINDOW_DAYS = 7


def _customer(n: int, channel: str) -> str | None:
    if channel == "sns":
        return None
    return f"customer-{_hex_id('customer', SAME_CUSTOMER.get(n, n))[:12]}"


def feedback_frame() -> pd.DataFrame:
    rows = []
    for n, (
        stamp,
        channel,
        product,
        issue_id,
        sentiment,
        score,
        subject,
        text,
        flags,
        frh,
        _,
    ) in enumerate(FEEDBACK):
        created = _at(stamp)
        rows.append(
            {
                "feedback_id": _hex_id(channel, n),
                "channel": channel,
                "created_at": created,
                "created_date": created.date(),
                "product": product,
                "lot": "KW3-2607B" if product == WATCH else None,
                "app_version": ("4.2.0" if created.date() >= date(2026, 8, 10) else "4.1.3")
                if product == APP
                else None,
                "customer_id": _customer(n, channel),
                "subject_masked": subject,
                "text_masked": text,
                "issue_id": issue_id,
                "issue_label": ISSUES[issue_id][0] if issue_id else UNCLASSIFIED_LABEL,
                "is_complaint": True,
                "sentiment": sentiment,
                "sentiment_score": score,
                "flags": flags,
                "pii_types": sorted({t for p, t in PLACEHOLDER_PII.items() if p in text}),
                "first_response_hours": frh,
            }
        )
    return pd.DataFrame(rows)


def _mode(values: pd.Series) -> str | None:
    counts = Counter(v for v in values if pd.notna(v))
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def issues_frame(feedback: pd.DataFrame) -> pd.DataFrame:
    representatives = {
        issue_id: [
            _hex_id(channel, n)
            for n, (_, channel, _, iid, *_rest, rep) in enumerate(FEEDBACK)
            if iid == issue_id and rep
        ]
        for issue_id in ISSUES
    }
    rows = []
    keyed = feedback.assign(key=feedback["issue_id"].fillna(UNCLASSIFIED_ID))
    for issue_id, group in keyed.groupby("key", sort=True):
        label, keywords = ISSUES.get(issue_id, (UNCLASSIFIED_LABEL, []))
        rows.append(
            {
                "issue_id": issue_id,
                "label": label,
                "kind": "unclassified" if issue_id == UNCLASSIFIED_ID else "issue",
                "keywords": keywords,
                "feedback_count": len(group),
                "negative_share": float((group["sentiment"] == "negative").mean()),
                "first_seen": group["created_date"].min(),
                "last_seen": group["created_date"].max(),
                "top_product": _mode(group["product"]),
                "top_channel": _mode(group["channel"]),
                "representative_ids": representatives.get(issue_id, []),
            }
        )
    return pd.DataFrame(rows)


def calls_frame() -> pd.DataFrame:
    findings = Counter(stamp for stamp, *_ in QA_FINDINGS)
    rows = []
    for n, (stamp, agent, after_s, resolved, holds, product) in enumerate(CALLS):
        started = _at(stamp)
        answered = agent is not None
        rows.append(
            {
                "call_id": _hex_id("call", n),
                "started_at": started,
                "day": started.date(),
                "product": product,
                "team": AGENT_TEAMS.get(agent),
                "agent_id": agent,
                "answered": answered,
                "abandoned": not answered,
                "answered_after_s": float(after_s) if answered else None,
                "resolved_first_contact": resolved,
                "hold_count": len(holds),
                "max_hold_s": float(max((s for s, _ in holds), default=0)),
                "long_holds_without_report": sum(1 for s, rep in holds if s > 45 and not rep),
                "qa_findings": findings.get(stamp, 0),
                # kept for the KPI derivation below, dropped before loading
                "_holds_within_45s": sum(1 for s, _ in holds if s <= 45),
            }
        )
    return pd.DataFrame(rows)


def kpi_daily_frame(calls: pd.DataFrame, feedback: pd.DataFrame) -> pd.DataFrame:
    written = feedback[feedback["channel"].isin(["email", "form"])]
    rows = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        c = calls[calls["day"] == day]
        answered = c[c["answered"]]
        w = written[written["created_date"] == day]
        holds = int(c["hold_count"].sum())
        rows.append(
            {
                "day": day,
                "calls_offered": len(c),
                "calls_answered": len(answered),
                "answer_rate": len(answered) / len(c) if len(c) else None,
                "abandon_rate": int(c["abandoned"].sum()) / len(c) if len(c) else None,
                "avg_speed_of_answer_s": answered["answered_after_s"].mean()
                if len(answered)
                else None,
                "first_contact_resolution_rate": answered["resolved_first_contact"]
                .astype(bool)
                .mean()
                if len(answered)
                else None,
                "holds": holds,
                "holds_within_45s_share": c["_holds_within_45s"].sum() / holds if holds else None,
                "written_received": len(w),
                "written_responded_within_24h_share": float(
                    (w["first_response_hours"] <= 24).mean()
                )
                if len(w)
                else None,
            }
        )
        day += timedelta(days=1)
    return pd.DataFrame(rows)


def qa_findings_frame(calls: pd.DataFrame) -> pd.DataFrame:
    by_stamp = {stamp: n for n, (stamp, *_rest) in enumerate(CALLS)}
    rows = []
    for stamp, check, turn, phrase, text in QA_FINDINGS:
        call = calls.iloc[by_stamp[stamp]]
        rows.append(
            {
                "call_id": call["call_id"],
                "started_at": call["started_at"],
                "day": call["day"],
                "team": call["team"],
                "agent_id": call["agent_id"],
                "check_name": check,
                "turn": turn,
                "phrase": phrase,
                "text_masked": text,
            }
        )
    return pd.DataFrame(rows)


# The turns around each finding: the agent's flagged turn is the finding's own text; the
# customer speaks before and after it.
CONTEXT_TURNS = ("お客様: 先日購入した製品のことで電話しました。", "お客様: わかりました。")


def call_turns_frame(findings: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for call_id, found in findings.groupby("call_id", sort=False):
        flagged = dict(zip(found["turn"], found["text_masked"], strict=False))
        for turn in range(int(found["turn"].max()) + 2):
            if turn in flagged:
                speaker, text = "agent", flagged[turn]
            elif turn % 2 == 1 or turn - 1 in flagged:
                speaker, text = "customer", CONTEXT_TURNS[turn - 1 in flagged].split(": ")[1]
            else:
                speaker, text = "agent", "確認いたします。"
            rows.append(
                {
                    "call_id": call_id,
                    "turn": turn,
                    "speaker": speaker,
                    "t_s": 10.0 * turn,
                    "text_masked": text,
                }
            )
    return pd.DataFrame(rows)


def quarantine_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "quarantine_id": _hex_id(source_file, line, reason),
                "channel": channel,
                "source_file": source_file,
                "source_line": line,
                "reason": reason,
                "excerpt_masked": excerpt,
                "quarantined_at": _at(stamp),
            }
            for channel, source_file, line, reason, excerpt, stamp in QUARANTINE
        ]
    )


def build_fixture_warehouse(path: str | Path) -> Path:
    """Write the fixture marts to a new DuckDB file at `path` (replacing it) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    feedback = feedback_frame()
    calls = calls_frame()
    frames = {
        # The concordance's search form, as the marts build stores it (warehouse/search.py).
        "feedback": feedback.assign(text_normalized=feedback["text_masked"].map(normalize)),
        "issues": issues_frame(feedback),
        "issue_daily": None,  # aggregated in SQL from marts.feedback below
        "calls": calls.drop(columns=["_holds_within_45s"]),
        "kpi_daily": kpi_daily_frame(calls, feedback),
        "kpi_targets": pd.DataFrame(
            KPI_TARGETS, columns=["kpi", "label_ja", "target", "direction"]
        ),
        "agent_qa_findings": qa_findings_frame(calls),
        "call_turns": call_turns_frame(qa_findings_frame(calls)),
        "quarantine": quarantine_frame(),
        "issue_lineage": lineage_frame(),
    }
    con = duckdb.connect(str(path))
    try:
        con.execute("SET TimeZone = 'Asia/Tokyo'")
        con.execute(DDL)
        for table, frame in frames.items():
            if frame is None:
                continue
            con.register("frame", frame)
            columns = ", ".join(frame.columns)
            con.execute(f"INSERT INTO marts.{table} ({columns}) SELECT {columns} FROM frame")
            con.unregister("frame")
        _insights(con, feedback)
        _customer_contacts(con)
        _impact_cells(con)
        con.execute(
            f"""
            INSERT INTO marts.issue_daily
            SELECT coalesce(issue_id, '{UNCLASSIFIED_ID}'), created_date, channel, product,
                   count(*), count(*) FILTER (WHERE sentiment = 'negative'), avg(sentiment_score)
            FROM marts.feedback
            GROUP BY ALL
            """
        )
    finally:
        con.close()
    return path


def _customer_contacts(con: duckdb.DuckDBPyConnection) -> None:
    """marts.customer_contacts by the real mart SQL, each customer_id taken as linked, and the
    repeat-contact columns of marts.kpi_daily from it."""
    import pyarrow as pa

    from warehouse.db import sql

    con.execute(
        "CREATE SCHEMA nlp; CREATE TABLE nlp.customer_links AS"
        " SELECT feedback_id, customer_id AS customer_key FROM marts.feedback"
        " WHERE customer_id IS NOT NULL"
    )
    con.register("repeat_window", pa.table({"days": [REPEAT_WINDOW_DAYS]}))
    con.execute(sql("marts/45_customer_contacts"))
    con.unregister("repeat_window")
    con.execute("DROP SCHEMA nlp CASCADE")  # the fixture holds marts only
    con.execute(
        """
        UPDATE marts.kpi_daily AS k SET
            issue_contacts_linked = r.linked,
            repeat_contacts = r.repeats,
            repeat_contact_rate = r.repeats / NULLIF(r.linked, 0)
        FROM (
            SELECT created_date AS day, count(*) AS linked,
                   count(*) FILTER (WHERE is_repeat_contact) AS repeats
            FROM marts.customer_contacts WHERE about_issue GROUP BY ALL
        ) AS r
        WHERE k.day = r.day
        """
    )
    con.execute(
        "UPDATE marts.kpi_daily SET issue_contacts_linked = 0, repeat_contacts = 0"
        " WHERE issue_contacts_linked IS NULL"
    )


def _impact_cells(con: duckdb.DuckDBPyConnection) -> None:
    """marts.impact_cells by the real mart SQL. The fixture's call voices are not tied to its
    calls, so every call counts as one without a voice (in 1次解決率 only)."""
    from warehouse.db import sql

    con.execute(
        "CREATE SCHEMA raw; CREATE TABLE raw.feedback AS"
        " SELECT feedback_id, feedback_id AS source_key FROM marts.feedback"
    )
    con.execute(sql("marts/47_impact_cells"))
    con.execute("DROP SCHEMA raw CASCADE")  # the fixture holds marts only


# Two weeks are too short for a baseline, so the rise the alerts page must show is written here
# by hand, on the login issue's busiest day; the safety / SNS alerts and the root causes are
# computed from the rows above by the real functions.
LOGIN_BASELINE = 0.8


def _insights(con: duckdb.DuckDBPyConnection, feedback: pd.DataFrame) -> None:
    from insights.alerts import Alert, build_alerts
    from insights.episodes import build_episodes
    from insights.root_causes import root_causes
    from koe.vocabulary import CASE_FLAGS
    from warehouse import insights
    from warehouse.db import sql

    con.execute("CREATE SCHEMA IF NOT EXISTS insights")
    con.execute(sql("schema/30_insights"))
    labels = {issue_id: label for issue_id, (label, _) in ISSUES.items()}
    alerts = build_alerts(feedback, labels)
    per_day = feedback[feedback["issue_id"] == "iss-login"]["created_date"].value_counts()
    busiest, on_day = min(per_day.items(), key=lambda kv: (-kv[1], kv[0]))
    alerts.append(
        Alert(
            "alt_fixture_login_spike",
            "volume_spike",
            busiest,
            1,
            "iss-login",
            None,
            APP,
            "品質保証",
            f"課題の急増: {labels['iss-login']}（直近1日 {on_day}件、通常なら約{LOGIN_BASELINE}件）",
            float(on_day),
            LOGIN_BASELINE,
            2.4e-4,
            {"ratio": round(on_day / LOGIN_BASELINE, 2), "baseline_days": 28},
        )
    )
    frame = feedback.assign(firmware=None, region=None)
    # The incidents group the flagged rows above by the real rule, over the default window.
    grouping = insights.Grouping(build_episodes({}, alerts), CASE_FLAGS, 7)
    insights.save(con, alerts, root_causes(frame), grouping=grouping)


if __name__ == "__main__":
    import sys

    target = build_fixture_warehouse(sys.argv[1] if len(sys.argv) > 1 else "fixture.duckdb")
    print(f"wrote {target}")
