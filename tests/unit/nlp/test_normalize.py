"""normalize() folds the character variants customers type into one canonical form."""

from ingest.records import content_hash, stable_id
from nlp.normalize import normalize


def test_half_width_katakana_and_full_width_digits_are_folded():
    assert normalize("ｽﾏﾎのｱﾌﾟﾘが　ＶＥＲ３．２．１で落ちる") == "スマホのアプリが VER3.2.1で落ちる"


def test_long_vowel_kept_inside_kana_but_dash_between_digits():
    assert (
        normalize("ﾊﾞｯﾃﾘｰ すごーい ０９０ー１２３４ー５６７８")
        == "バッテリー すごーい 090-1234-5678"
    )


def test_wave_dash_zero_width_and_blank_lines():
    assert normalize("届くまで3〜4日\u200b\r\n\r\n\r\nよろしく") == "届くまで3~4日\nよろしく"


def test_normalize_is_idempotent():
    text = "ｺﾝﾆﾁﾊ！　電源が入らないです〜　（泣）"
    assert normalize(normalize(text)) == normalize(text)


def test_ids_are_deterministic_and_distinguish_channels():
    assert stable_id("email", "abc@example.jp") == stable_id("email", "abc@example.jp")
    assert stable_id("email", "abc") != stable_id("sns", "abc")
    assert len(content_hash("充電できない")) == 32
