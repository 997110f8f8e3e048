"""PII finding and masking: planted personal data in every channel's style is found with exact
offsets, look-alikes (dates, prices, model numbers, versions, lots) are left alone."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from nlp.pii import PII_TYPES, PLACEHOLDERS, find_pii, mask

# Planted spans are written {type:value}; the markup is stripped to get the text as sent.
_PLANTED = re.compile(r"\{(\w+):([^{}]+)\}")

CORPUS = {
    "email_keigo_with_signature": """\
いつもお世話になっております。{person:中村恵子}と申します。
先月購入した空気清浄機（型番AP-550）ですが、フィルター交換ランプが消えなくなりました。
取扱説明書のとおりリセットボタンを5秒長押ししても変わりません。
注文番号は{order_id:ORD-20260712-0831}です。
お手数ですが、日中は携帯（{phone:080-2468-1357}）までご連絡いただけますと幸いです。

--
{person:中村 恵子}
{postal_code:〒158-0082} {address:東京都世田谷区等々力3-14-2 グリーンハイツ205号室}
TEL：{phone:03-5707-1234}
Mail：{email:keiko.nakamura@example.ne.jp}
""",
    "email_reply_about_agent": """\
{person:山本}様

先日はお電話で担当の{person:佐々木}さんに丁寧にご対応いただきありがとうございました。
ただ、ご案内いただいた手順でも症状が改善せず、再度ご相談させてください。
返金の場合は、登録済みのカード（{card:4111 1111 1111 1111}）に戻していただけますか。
""",
    "call_customer_turns": """\
あ、もしもし、えっと、{person:ヨシダ}と申しますけど、あの、炊飯器の件で。
番号ですか、{phone:090の8765の4321}です。
住所は{address:埼玉県さいたま市浦和区高砂2-5-17}で、はい。
オーダーIDは{order_id:A12-3456789}って書いてあります。
""",
    "call_agent_turns": """\
お電話ありがとうございます。サポートセンターの{person:佐藤}でございます。
大変お待たせいたしました。責任者の{person:森}に代わります。
念のため、ご登録のお電話番号、{phone:0467-22-3344}でお間違いないでしょうか。
""",
    "form_terse": """\
届いた商品が破損していた。交換希望。
受注番号：{order_id:20260805-55501}
氏名：{person:高橋 美咲}
連絡先 {phone:０３－５５５５－０１２３}
送付先 {postal_code:〒530-0001} {address:大阪府大阪市北区梅田2丁目4番9号}
""",
    "form_card_and_postal": """\
クレジットカード番号を間違えて入力したかもしれません。{card:5555-5555-5555-4444}で合ってますか？
郵便番号は{postal_code:812-0011}、{address:福岡市博多区博多駅前3-2-1}です。
""",
    "sns_slang_fullwidth": """\
サポセンに電話しても全然つながらんw {phone:０５７０－０６４－１２３}に何回かけさせるん…
しかも担当の{person:イトウ}さんに折り返すって言われて放置。
連絡先 ｍａｉｌ→{email:ｙｕｋｉ．ｔａｎａｋａ＠ｅｘａｍｐｌｅ．ｃｏｍ}
""",
    "sns_international": """\
海外から問い合わせたら{phone:+81-90-1234-5678}に折り返しますって、日本の番号しか無いの前提なのね
公式のフリーダイヤル{phone:0120-123-456}も海外からはかからないし
""",
    "email_landline_styles": """\
会社の代表は{phone:(03)1234-5678}、直通は{phone:03(1234)5679}です。
夜間は{phone:09012345678}か{phone:090 1234 5670}にお願いします。
{person:田中}様から伺った件、{email:tanaka.support@example.co.jp}宛てにお送りしました。
""",
}

# Things that look like PII to a careless rule. None of these may be masked.
DECOYS = [
    "2026-08-01の10:30頃から、アプリにログインできなくなりました。",
    "8月1日に12,800円で購入、¥9,980のセールの翌日でした。",
    "型番KX-200とHF-2030Jの両方で同じエラー（E-04）が出ます。",
    "アプリのバージョンは3.2.1、ファームウェアはv10.4.12です。",
    "ロット番号L2608Bの製品だけ異音がするようです。",
    "シリアルは23A0045817、製造は2026/07/15です。",
    "梅田駅の近くのヤマダ電機で買いました。",
    "アイリスオーヤマの加湿器から乗り換えました。",
    "日立の洗濯機と比べても音が大きいと思う。",
    "東京都に住んでいますが、配送が3日かかりました。",
    "1-2-3の順でボタンを押しても反応しません。",
    "保留が45秒を超えて、3回目でやっとつながりました。",
    "充電に2時間半、満充電で8時間くらい持つはずです。",
    "電話番号は［電話番号］、担当は［氏名］さんでした。",
    "JANコードは4901234567894です。",
    "在庫は1,234,567個あるそうです。",
    "温度が28.5度から30.2度に上がりました。",
    "ご担当者様、ご確認をお願いいたします。",
    "オペレーターさんの説明はわかりやすかったです。",
    "5000mAhのバッテリーなのに1日もたない。",
]


def parse(marked: str) -> tuple[str, list[tuple[str, int, int]]]:
    """Text without markup, and the planted (type, start, end) spans in it."""
    out: list[str] = []
    spans: list[tuple[str, int, int]] = []
    pos = 0
    length = 0
    for m in _PLANTED.finditer(marked):
        out.append(marked[pos : m.start()])
        length += m.start() - pos
        kind, value = m.group(1), m.group(2)
        assert kind in PII_TYPES, kind
        spans.append((kind, length, length + len(value)))
        out.append(value)
        length += len(value)
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), spans


def scores() -> tuple[Counter, Counter, list]:
    planted: Counter = Counter()
    found: Counter = Counter()
    false_positives = []
    for name, marked in CORPUS.items():
        text, expected = parse(marked)
        got = {(s.type, s.start, s.end) for s in find_pii(text)}
        for span in expected:
            planted[span[0]] += 1
            if span in got:
                found[span[0]] += 1
        false_positives += [(name, t, text[a:b]) for t, a, b in got - set(expected)]
    return planted, found, false_positives


def test_the_corpus_plants_every_pii_type():
    planted, _, _ = scores()
    assert set(planted) == set(PII_TYPES)


@pytest.mark.parametrize("kind", PII_TYPES)
def test_every_planted_span_of_each_type_is_found_with_exact_offsets(kind):
    planted, found, _ = scores()
    assert found[kind] == planted[kind], f"{kind}: recall {found[kind]}/{planted[kind]}"


def test_nothing_outside_the_planted_spans_is_masked_in_the_corpus():
    _, _, false_positives = scores()
    assert false_positives == []


@pytest.mark.parametrize("text", DECOYS)
def test_look_alikes_are_not_masked(text):
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text)] == []


@pytest.mark.parametrize(
    "number",
    [
        "090-1234-5678",
        "09012345678",
        "090 1234 5678",
        "03-1234-5678",
        "(03)1234-5678",
        "03(1234)5678",
        "0120-123-456",
        "0570-064-123",
        "0800-123-4567",
        "+81-90-1234-5678",
        "+81 3 1234 5678",
        "+81(0)3-1234-5678",
        "０９０－１２３４－５６７８",
        "０９０ー１２３４ー５６７８",
    ],
)
def test_every_written_form_of_a_japanese_phone_number_is_one_phone_span(number):
    text = f"連絡先は{number}です"
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text)] == [("phone", number)]


@pytest.mark.parametrize(
    "digits", ["090-1234-567", "03-1234-56789", "0012345678", "090-1234-56789"]
)
def test_digit_runs_with_the_wrong_length_for_a_phone_are_not_phones(digits):
    assert [s.type for s in find_pii(f"番号 {digits} です")] == []


def test_a_long_number_failing_luhn_is_not_a_card_without_card_context():
    assert find_pii("本体の裏に 4111 1111 1111 1112 と印字されています") == []


def test_an_id_after_a_record_label_may_mix_letters_and_digits():
    text = "予約番号SKL4H8P2で伊丹から、問い合わせ番号：7741-2058-3396、見積書（No.HK-3140-0093）"
    found = [(s.type, text[s.start : s.end]) for s in find_pii(text)]
    assert found == [
        ("order_id", "SKL4H8P2"),
        ("order_id", "7741-2058-3396"),
        ("order_id", "HK-3140-0093"),
    ]


def test_a_year_or_a_word_after_a_record_label_is_not_an_id():
    assert find_pii("予約番号を2024年に変えた") == []
    assert find_pii("取引は2024年から") == []
    assert find_pii("予約番号 ABCDEF を") == []


def test_a_long_number_failing_luhn_is_a_card_when_the_customer_says_it_is_a_card():
    text = "カード番号 4111 1111 1111 1112 で決済エラーになります"
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text)] == [
        ("card", "4111 1111 1111 1112")
    ]


def test_a_postal_code_needs_the_mark_a_label_or_an_address_after_it():
    assert find_pii("品番は150-0001です") == []
    text = "〒150-0001 渋谷区神宮前1-2-3"
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text)] == [
        ("postal_code", "〒150-0001"),
        ("address", "渋谷区神宮前1-2-3"),
    ]


def test_an_address_is_masked_from_the_prefecture_through_the_room_number():
    text = "送り先は神奈川県横浜市中区山下町1-1 メゾン山下1203号室 までお願いします"
    [span] = find_pii(text)
    assert text[span.start : span.end] == "神奈川県横浜市中区山下町1-1 メゾン山下1203号室"


def test_a_prefecture_or_city_alone_is_not_an_address():
    assert find_pii("大阪府大阪市に住んでいます。") == []


@pytest.mark.parametrize(
    "text",
    ["東京都渋谷区で2024年に買った", "横浜市内の2店舗で断られた", "大阪市北区の店で3回目です"],
)
def test_a_number_after_a_place_is_no_address_unless_the_address_ends_there(text):
    assert find_pii(text) == []


def test_an_address_said_aloud_with_commas_and_no_is_masked_whole():
    text = "住所は、堺市堺区、向陵中町、4丁目の、2の9や。"
    spans = [(s.type, text[s.start : s.end]) for s in find_pii(text)]
    assert spans == [("address", "堺市堺区、向陵中町、4丁目の、2の9")]


def test_offsets_point_into_the_original_full_width_text_even_when_nfkc_changes_length():
    # ㈱ becomes three characters under NFKC and ｶﾞ two become one: offsets must still be right.
    text = "㈱ｶﾞｲｱの件。電話は０８０－１１１１－２２２２、メールはｈａｎａ＠ｅｘａｍｐｌｅ．ｊｐ"
    spans = find_pii(text)
    assert [(s.type, text[s.start : s.end]) for s in spans] == [
        ("phone", "０８０－１１１１－２２２２"),
        ("email", "ｈａｎａ＠ｅｘａｍｐｌｅ．ｊｐ"),
    ]


def test_zero_width_characters_inside_a_number_do_not_hide_it():
    text = "携帯090\u200b-1234-5678まで"
    [span] = find_pii(text)
    assert (span.type, text[span.start : span.end]) == ("phone", "090\u200b-1234-5678")


def test_mask_writes_each_type_placeholder():
    text, _ = parse(CORPUS["email_keigo_with_signature"])
    masked = mask(text)
    assert "［氏名］と申します。" in masked.text
    assert "注文番号は［注文番号］です。" in masked.text
    assert "［郵便番号］ ［住所］" in masked.text
    assert "Mail：［メール］" in masked.text
    assert "型番AP-550" in masked.text
    assert set(masked.types) == {"person", "order_id", "phone", "postal_code", "address", "email"}


def test_masking_twice_changes_nothing_more():
    for marked in CORPUS.values():
        once = mask(parse(marked)[0]).text
        assert mask(once).text == once
        assert mask(once).spans == []


def test_no_planted_value_survives_masking():
    for marked in CORPUS.values():
        text, spans = parse(marked)
        masked = mask(text).text
        for _, a, b in spans:
            assert text[a:b] not in masked


def test_a_known_name_is_masked_wherever_it_appears_even_in_latin_letters():
    text = "Yamada様\nよろしくお願いします。\nTaro Yamada"
    masked = mask(text, known_names=["Taro Yamada"])
    assert masked.text == "［氏名］様\nよろしくお願いします。\n［氏名］"


def test_placeholders_are_listed_for_every_type():
    assert set(PLACEHOLDERS) == set(PII_TYPES)
    assert all(p.startswith("［") and p.endswith("］") for p in PLACEHOLDERS.values())


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("髙橋様、先日はありがとうございました。", "髙橋"),
        ("長谷川です。昨日の件で再度ご連絡しました。", "長谷川"),
        ("オペレーターの方（たしか斎藤さん）が親切でした。", "斎藤"),
        ("お客様番号と氏名（新井 翔太）を伝えたのに、また最初から説明させられた。", "新井 翔太"),
        ("担当者名：小松", "小松"),
        ("対応してくれた西村さんにお礼を伝えてください。", "西村"),
        ("私、カスタマーサポートの岡田が承りました。", "岡田"),
        ("夫の健太が設定したので、詳しいことはわかりません。", "健太"),
        ("お世話になります、ABC商事の鈴木です。", "鈴木"),
        ("営業の石井さんからは問題ないと聞いていました。", "石井"),
        ("キムラタクヤ様\nお問い合わせありがとうございます。", "キムラタクヤ"),
        ("山﨑さんに代わってもらえますか", "山﨑"),
        ("大変お待たせいたしました。責任者の森に代わります。", "森"),
        ("私、四十万と申します。ご相談したいことがありまして。", "四十万"),
        ("イワサキ　ユウタと申します。先日お電話した件です。", "イワサキ　ユウタ"),
        ("林です。\nご回答ありがとうございます。まだ直りません。", "林"),
        ("もしもし、林ですが、昨日の件で折り返しを待っています。", "林"),
        ("えっと、森太郎です。番号も言ったほうがいいですか。", "森太郎"),
    ],
)
def test_a_person_name_in_context_is_masked(text, name):
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text)] == [("person", name)]


@pytest.mark.parametrize(
    "text",
    [
        "アイリスオーヤマの加湿器から乗り換えました。",
        "ダイソンの掃除機と迷ってこちらにしました。",
        "小林製薬の商品ではありません。",
        "森の中のキャンプ場で使いました。",
        "林の中でも電波がちゃんと入ります。",
        "父の日のプレゼントに買いました。",
        "奥様がおっしゃっていた症状と同じです。",
        "店員さんにも大家さんにも聞きましたがわかりませんでした。",
        "お客様各位",
        "担当の方から折り返しがありません。",
        "担当者の携帯に電話しても出ません。",
        "カスタマーサポートの者と申しますが、先日のお問い合わせの件でご連絡しました。",
        "何を買ったかって？本です。通販で届いたのが破れていました。",
        "以上です。よろしくお願いします。",
    ],
)
def test_words_that_only_look_like_names_are_not_masked(text):
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text)] == []


@pytest.mark.parametrize(
    "address",
    [
        "北海道札幌市中央区北1条西2丁目1番地",
        "京都市左京区下鴨松ノ木町12-3",
        "愛知県名古屋市中村区名駅4丁目7番1号 ミッドランドスクエア15階",
        "沖縄県那覇市おもろまち4-1-1",
        "東京都千代田区丸の内1-9-1",
        "東京都港区六本木６－１０－１",
        "東京都新宿区西新宿二丁目8番1号",
        # Outside cities: a bare house number after the place name, and the 地割 of Iwate.
        "茨城県常陸大宮市野口1733",
        "長野県下高井郡野沢温泉村豊郷9412",
        "青森県北津軽郡板柳町大字福野田字実田35",
        "岩手県久慈市門前第12地割23-5",
        "紫波郡紫波町日詰西4丁目6-2",
    ],
)
def test_address_forms_are_masked_whole(address):
    text = f"お届け先は{address}です。"
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text)] == [("address", address)]


def test_a_phone_glued_to_tel_is_still_a_phone_but_not_when_glued_to_an_id():
    # A membership number identifies the customer: it is masked, as an id and not as a phone.
    text = "TEL03-1234-5678 会員番号A0312345678"
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text)] == [
        ("phone", "03-1234-5678"),
        ("order_id", "A0312345678"),
    ]


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("申込番号：HK-2024-118734 内容：開通", ["HK-2024-118734"]),
        ("注文番号：GPA.3391-2284-1107-55820 対応希望", ["GPA.3391-2284-1107-55820"]),
        ("注文番号はCE-30918475とCE-30918502です。", ["CE-30918475", "CE-30918502"]),
        ("注文番号言いますね、SL-3390142857です", ["SL-3390142857"]),
        ("証券番号：AK-20931877 の件で", ["AK-20931877"]),
        ("契約者番号：K0093381", ["K0093381"]),
        ("口座番号：1234567 に返金してください", ["1234567"]),
        ("会員番号：M-20931877", ["M-20931877"]),
        # Any record number, in a field without a colon or in a sentence.
        ("寄附番号 FM-2025-021908 の返礼品", ["FM-2025-021908"]),
        ("配車番号はSQ-1030-21155です。", ["SQ-1030-21155"]),
        ("定期便番号：TS-559013", ["TS-559013"]),
        # English labels, and a record code with no label at all.
        ("Reservation ID: YM-5520193 / 内容: 運休分の払い戻し", ["YM-5520193"]),
        ("Booking No. KX-88120 の件", ["KX-88120"]),
        ("Order: QW-410553 arrived broken", ["QW-410553"]),
        # The labels in kana, with お客さま, and with の.
        ("お客さま番号：5531-0927-4410 の請求", ["5531-0927-4410"]),
        ("よやくばんごう：RT-558120 です", ["RT-558120"]),
        ("けいやく ばんごう KM-30917", ["KM-30917"]),
        ("見積書の番号 GT-71026 を確認してください", ["GT-71026"]),
        ("予約の番号は、LP-44071です", ["LP-44071"]),
        ("お客さま番号は、6620の、1173の、58です", ["6620の、1173の、58"]),
        ("注文 UM-240730-8812 SIMロックかかってた", ["UM-240730-8812"]),
        ("1件目がHWL-7715-0032、2件目がHWL-7715-0033です。", ["HWL-7715-0032", "HWL-7715-0033"]),
        # An order named as a field or in brackets.
        ("Gabriel Ito 注文: PL-93318-G", ["PL-93318-G"]),
        ("12月3日の注文（PL-91201-M）について", ["PL-91201-M"]),
        ("Pedido: QL-66012-B", ["QL-66012-B"]),
        ("注文（3点）の件", []),
        # An id corrected or said again later in the text, without its label.
        (
            "受付番号はHIJSL00219です。控えを見直したらHIJSL00291が正しいです。",
            ["HIJSL00219", "HIJSL00291"],
        ),
        (
            "受付番号：4412-7789-0316（前は4412-7798-0316と書きました）",
            ["4412-7789-0316", "4412-7798-0316"],
        ),
        # A shape alone is no id: the same digits with no id found first stay, and a phone
        # shaped like the id keeps its own finding.
        ("4412-7798-0316 と 4412-7789-0316", []),
        # A product's serial, a room, a store or a flight names no customer.
        ("製造番号：SN-20240815 です", []),
        ("部屋番号：1203", []),
        ("新宿三丁目店（店舗番号 20417）で購入", []),
        ("便番号 NH-1234 が欠航", []),
        ("ロット AB-2406-118 の製品だけ", []),
        ("シリアル：QX-55012345", []),
        ("型番 WD-90 と AX-2810 を比べた", []),
        ("予約番号を2024年に変えた", []),
    ],
)
def test_application_and_listed_order_ids_are_masked(text, ids):
    assert [text[s.start : s.end] for s in find_pii(text) if s.type == "order_id"] == ids


def test_a_known_name_is_found_in_full_width_letters_in_any_order():
    text = "ＹＡＭＡＤＡ　Ｔａｒｏ様からの件、Taro Yamadaとして登録済みです"
    masked = mask(text, known_names=["Taro Yamada"])
    assert masked.text == "［氏名］　［氏名］様からの件、［氏名］として登録済みです"


def test_words_in_a_display_name_that_are_not_names_are_not_masked_elsewhere():
    text = "Apple Supportに問い合わせたらサポートの佐藤さんが対応してくれました"
    masked = mask(text, known_names=["Apple Support", "サポート 窓口"])
    assert masked.text == "［氏名］に問い合わせたらサポートの［氏名］さんが対応してくれました"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("カード番号：4980-1234-5678-9012", "card"),
        ("クレジットカード番号: 4980123456789012", "card"),
        ("電話番号：03-1234-5678", "phone"),
        ("連絡先_090-1234-5678", "phone"),
    ],
)
def test_a_specific_rule_keeps_its_type_after_a_number_label(text, kind):
    assert [s.type for s in find_pii(text)] == [kind]


def test_a_word_tagged_a_surname_only_in_context_is_not_masked():
    # Sudachi tags 見方 a surname here; alone it is a common noun, so the lone surname is weak.
    assert find_pii("わたしの見方が悪いんじゃろうか") == []
    text = "昨日、田中が対応しました"
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text)] == [("person", "田中")]


def test_the_ends_of_a_route_are_places():
    assert find_pii("便名：SL312 福岡→羽田 欠航") == []
    assert find_pii("高知—羽田の夕方便") == []
    assert find_pii("・便名：SL 208（羽田 7:40発 → 福岡）") == []
    assert find_pii("（福岡 18:10発 → 羽田）") == []
    assert find_pii("朝の304便、広島から羽田です。") == []
    assert find_pii("19時50分発の羽田行きが欠航になりました。") == []
    assert find_pii("「さざなみ3号」（直江津港 9時30分発）") == []


def test_a_surname_that_is_also_a_place_is_still_a_name_in_a_sentence_about_a_person():
    assert [s.type for s in find_pii("名前は佐野です。")] == ["person"]
    assert [s.type for s in find_pii("担当の佐野から連絡させます。")] == ["person"]


def test_equipment_numbers_are_not_the_customers_records():
    for text in (
        "検針票のメーター番号が 0573-1184 になっています。",
        "スマートメーター（計器番号 SM-77-0294418）の交換",
        "セブン銀行のATM番号 LW-4402-118 で引き出しました。",
        "宅配ロッカー（ロッカーID：HB-SPK-0214）への配達",
    ):
        assert find_pii(text) == [], text
    assert [s.type for s in find_pii("予約番号：WR-7730-1184")] == ["order_id"]


def test_a_phrase_after_a_role_label_is_not_a_name_but_the_name_inside_it_is():
    text = "・担当：名札に「大久保」とありました"
    assert [text[s.start : s.end] for s in find_pii(text)] == ["大久保"]


def test_a_name_tag_glued_to_a_kana_word_before_san_is_a_service():
    assert find_pii("たびまどさんで旅館を予約した者です") == []
    text = "営業の田中さんに伺いました"
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text)] == [("person", "田中")]


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("電話番号は、090の4418の、えー、2093。", "phone", "090の4418の、えー、2093"),
        (
            "連絡先は、ゼロロク、ろくろくきゅうはち、にーいちさんよん。",
            "phone",
            "ゼロロク、ろくろくきゅうはち、にーいちさんよん",
        ),
        (
            "カード番号言うたらええか？よんいちゼロごー、ゼロよんいちゼロ、ろくいちろくはち、はちさんはちはち。",
            "card",
            "よんいちゼロごー、ゼロよんいちゼロ、ろくいちろくはち、はちさんはちはち",
        ),
        (
            "伝票の番号は、えー、6620、の、1173、の…えーと、いや違う、0873。",
            "order_id",
            "6620、の、1173、の…えーと、いや違う、0873",
        ),
        (
            "カード番号を申し上げます。4142、4974、2828、7279、有効期限は",
            "card",
            "4142、4974、2828、7279",
        ),
        (
            "予約番号は、TBM、ハイフン、2、K、7、4、F、9、Qです。",
            "order_id",
            "TBM、ハイフン、2、K、7、4、F、9、Q",
        ),
        ("会員ID：m.kobayashi_stella", "order_id", "m.kobayashi_stella"),
        # A record id read with English numbers in katakana.
        (
            "予約番号は、ケー、ナイン、エイト、ツー、フォー、ワン、セブンです。",
            "order_id",
            "ケー、ナイン、エイト、ツー、フォー、ワン、セブン",
        ),
        # Katakana ニ and ゴ, which are no particles.
        (
            "電話番号は、ゼロ、ニ、ロク、サン、ゴ、ニ、ナナ、ナナ、イチ、キュウです。",
            "phone",
            "ゼロ、ニ、ロク、サン、ゴ、ニ、ナナ、ナナ、イチ、キュウ",
        ),
        # The number for a call-back is the customer's phone.
        (
            "折り返しは、ゼロキューゼロ、サンサンイチハチ、ナナニーヨンゴーで。",
            "phone",
            "ゼロキューゼロ、サンサンイチハチ、ナナニーヨンゴー",
        ),  # fmt: skip
        # The sentence after the label says the number is coming.
        (
            "カードはアメックスや。番号言うで。さんななきゅうゼロ、にーいちろくろくはちさん、いちにーいち。",
            "card",
            "さんななきゅうゼロ、にーいちろくろくはちさん、いちにーいち",
        ),
        # A pause to find the paper, said between the pieces.
        (
            "電話は、えー、086の、ちょっとお待ちくださいね、434の、7708です。",
            "phone",
            "086の、ちょっとお待ちくださいね、434の、7708",
        ),
        (
            "配車IDは、S、T、ハイフン、231118、ハイフン、507726です。",
            "order_id",
            "S、T、ハイフン、231118、ハイフン、507726",
        ),  # fmt: skip
    ],
)
def test_a_number_read_out_in_pieces_after_its_label_is_masked_whole(text, kind, value):
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text)] == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "当方口座から実行した振込（金額350,000円、受取人は御社）",
        "製造番号は、1234の、5678の、90です",
        "電話番号にかけても、いちにちじゅう繋がりません",
        "番号は3回確認しました",
    ],
)
def test_amounts_serial_numbers_and_words_after_a_number_label_are_not_read_outs(text):
    assert find_pii(text) == []


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # Without a label: the shapes alone, their groups joined as a transcript writes speech.
        ("新しいのが、4969、7209、8375、5392です。", "card", "4969、7209、8375、5392"),
        ("090の、2214の、8837。秋元です。", "phone", "090の、2214の、8837"),
        ("番号は0436の、41の、2278です。", "phone", "0436の、41の、2278"),
    ],
)
def test_cards_and_phones_said_in_groups_are_masked_by_their_shape(text, kind, value):
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text) if s.type != "person"] == [
        (kind, value)
    ]


@pytest.mark.parametrize(
    "text",
    [
        # Four years or four prices in a row are no card: the Luhn check fails and nothing says カード.
        "2021、2022、2023、2024と毎年買っています",
        "予約番号は、まだ届いていません。ゴールド会員です",
    ],
)
def test_lists_of_numbers_and_katakana_words_are_not_cards_or_read_outs(text):
    assert find_pii(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # The sender's name on a signature line: kana or known given names, a place or a
        # department before it, a phone number after it.
        ("タクシー代を返してほしいです。\n\n首藤 あかり 080-6672-1145", ["首藤 あかり"]),
        ("成分表を送ってもらえんでしょうか。\n\n東 ミツ子\n電話 099-226-4481", ["東 ミツ子"]),
        ("ご回答をお願いします。\n\n鹿児島市 西 ハル", ["西 ハル"]),
        ("再送をお願いいたします。\n\n経理部 山本 一郎\nichiro@example.jp", ["山本 一郎"]),
        ("責任者の人からの返事を待ちゆう。\n\n土居", ["土居"]),
        # Katakana names joined by ・, in a signature, after a label, before と申します or です.
        ("よろしくお願いいたします。\n\nグエン・ヴァン・ミン", ["グエン・ヴァン・ミン"]),
        ("お名前：ファム・ドゥック・アン\n内容：清掃について", ["ファム・ドゥック・アン"]),
        (
            "お世話になっております。9月2日に宿泊した、ホアン・ミン・トゥアンです。",
            ["ホアン・ミン・トゥアン"],
        ),
        ("はじめまして、レ・ヴァン・フンと申します。", ["レ・ヴァン・フン"]),
        ("なまえ：タパ ラジュ\nよやくばんごう：YK-881", ["タパ ラジュ"]),
        ("こんにちは。わたしは グルン ビカス です。おおさか に すんでいます。", ["グルン ビカス"]),
        # Who the writer is, then the name, in the first sentence or the one after a greeting.
        ("お世話になってます。水戸市の小松です。浄水器のレンタルをやめたい。", ["小松"]),
        ("いつもお世話になっております。定期便を利用している原です。", ["原"]),
        ("お世話になっております。株式会社みのり工業 総務部の西川でございます。", ["西川"]),
        ("もしもし、田舎の古川と申す者でございます", ["古川"]),
        # A name given in a sentence.
        ("名前は成田です。", ["成田"]),
        ("名前は、有馬 武です。なんとかしてください。", ["有馬 武"]),
    ],
)
def test_names_in_signatures_and_self_introductions_are_masked(text, names):
    assert [text[s.start : s.end] for s in find_pii(text) if s.type == "person"] == names


@pytest.mark.parametrize(
    "text",
    [
        "学校で先生に褒めていただいたそうです。",
        "倍速を3倍まで上げてもらえたら神です。",
        "示された過失割合は私に三割と申すもので、納得できません。",
        "名前は不明です。",
        "運転手の名前は、ダッシュボードの札に書いてありました。",
        "集合場所は東京の西です。",
        # A surname written in hiragana alone is a word: a shop's name, a window, Nagoya's ちょう.
        "ほんのもり様\n\nポイントが付与されていません。",
        "いま、まど を あけて います。",
        "いい加減に返金してちょう。",
        "ご確認ください。\n\n以上",
        "折り返しお願いします。\n\n至急 返信を",
    ],
)
def test_words_where_a_signature_or_an_introduction_would_be_are_not_names(text):
    assert [text[s.start : s.end] for s in find_pii(text) if s.type == "person"] == []


@pytest.mark.parametrize(
    "text",
    [
        # A role before さん, even where Sudachi tags it a name in context.
        "えっとね、ガイドさんが、よーけ先に行ってしもて",
        "しまなみツアー、ガイドさん爆速すぎてほぼソロライド",
        # Sudachi splits 税|理士 before さん; the glued word is one common noun.
        "確定申告のことで税理士さんに相談しました",
        "改札で弾かれて最終的に係員さんの目視で通過",
        # Two kana name tags with no surname among them (やま|みち) are a shop's name, and a kana
        # name with its honorific glued to a noun is a product's.
        "やまみち アウトドア用品通販 御中",
        "やまみち様の交換対応につき、三週間ご連絡がありません",
        "まもるくん自転車保険 ご担当者様",
        # A role the writer introduces themselves by, though 大家 is also a surname.
        "あのー、アパートの大家ですけど、清掃のあとから水が濁って",
        "ご担当の皆様",
        # 「と申しますか」 hedges a word; it introduces nobody.
        "えー、お中元と申しますか、お世話になった方に",
        "ひとつご提案と申しますか アプリの地図に",
        "詰め替えの袋の、使用期限といいますか、未開封で",
    ],
)
def test_a_role_before_san_and_a_hedged_word_are_not_names(text):
    assert [text[s.start : s.end] for s in find_pii(text) if s.type == "person"] == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("林さんに聞きました。", "林"),
        ("徳島の井上と申します。", "井上"),
        ("田中と申しますが、先日の件で", "田中"),
        ("営業の田中さんに伺いました", "田中"),
        ("経理の中村さんに確認しました", "中村"),
        ("田中さんに相談しました。", "田中"),
        ("やまだ はなこ様", "やまだ はなこ"),
        ("田中さん宅に伺いました", "田中"),
    ],
)
def test_one_kanji_surnames_and_real_introductions_stay_names(text, name):
    assert [text[s.start : s.end] for s in find_pii(text) if s.type == "person"] == [name]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("預り番号 Q-77120 三島", "Q-77120"),
        ("預かり番号はQ-81904です", "Q-81904"),
        ("お申し込み番号：AB12345", "AB12345"),
    ],
)
def test_a_label_with_okurigana_names_a_record(text, value):
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text) if s.type == "order_id"] == [
        ("order_id", value)
    ]


def test_a_particle_before_the_label_keeps_a_part_number_unmasked():
    assert find_pii("部品の番号 AB-1234 を教えてください") == []


def test_card_groups_are_a_card_when_their_sentence_speaks_of_one():
    text = "ご利用カードは末尾ではなく全桁で照合が必要とのことでしたので記載します：4539 8821 0476 3315"
    assert [(s.type, text[s.start : s.end]) for s in find_pii(text)] == [
        ("card", "4539 8821 0476 3315")
    ]
    # Not Luhn-valid and no card in its sentence: a grouped number of something else.
    other = "ご利用カードは確認しました。\n念のため控えの番号を記載します：4539 8821 0476 3315"
    assert [s.type for s in find_pii(other)] == []
