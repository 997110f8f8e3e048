"""Find and mask personal data in Japanese support text: phones, e-mail, cards, postal codes,
addresses, order ids and person names, each replaced by a fixed full-width placeholder.

Rules run on a folded view of the text (NFKC per character, dashes and tildes folded, zero-width
characters dropped) so ０９０－１２３４－５６７８ matches like 090-1234-5678; every span is mapped back to
offsets in the text as given. Person names use Sudachi's 人名 part of speech plus context
(様/さん, と申します, 担当の…, 氏名：…, signature lines) and any names the caller already knows.

Decisions: 0120/0800/0570 company numbers are masked like any phone (a rule cannot tell whose
number it is; agent QA reads ［電話番号］ either way). An address is masked only down to a block
number (東京都世田谷区 alone is a region, kept); a 13–19 digit run is a card only when Luhn-valid
and not a JAN barcode, or when the text says カード. Dates, times, prices, model numbers, versions
and lot numbers never match: phones must start with 0 or +81 and have a valid length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from nlp.tokenize import PLACEHOLDER, Token, dictionary_pos, tokens

PLACEHOLDERS = {
    "phone": "［電話番号］",
    "email": "［メール］",
    "card": "［カード番号］",
    "postal_code": "［郵便番号］",
    "address": "［住所］",
    "order_id": "［注文番号］",
    "person": "［氏名］",
}
PII_TYPES = tuple(PLACEHOLDERS)

# When two findings overlap, the earlier type in this order wins.
_PRIORITY = ("email", "order_id", "card", "phone", "postal_code", "address", "person")
_RANK = {kind: rank for rank, kind in enumerate(_PRIORITY)}


@dataclass(frozen=True, slots=True)
class PiiSpan:
    """One finding; ``start``/``end`` are character offsets into the original text."""

    type: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Masked:
    text: str
    spans: list[PiiSpan]

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(sorted({s.type for s in self.spans}))


# --- the folded view ---------------------------------------------------------------------------

_DASHES = set(
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d\u30fc\uff70\u2500\u2501\u02d7\u207b\u208b"
)
_ZERO_WIDTH = set("\u200b\u200c\u200d\u2060\ufeff")
_KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\uff66-\uff9f]")


# Characters NFKC and the dash rules leave alone: ASCII, hiragana, katakana (but not ー), kanji.
_UNCHANGED = "\x00-\x7f\u3041-\u3096\u30a1-\u30fa\u30fd\u30fe\u4e00-\u9fff"
_SUSPECT = re.compile(f"[^{_UNCHANGED}]+")


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    if ch in _ZERO_WIDTH:
        return ""
    if ch in "\u301c\uff5e":
        return "~"
    return unicodedata.normalize("NFKC", ch)


def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` folded for matching, and for each folded character the index it came from.

    NFKC is applied one character at a time: it may turn one character into several (㈱ → (株)),
    so the view is not the same length as the text and offsets go through the index list.
    """
    out: list[str] = []
    origin: list[int] = []
    pos = 0
    for m in _SUSPECT.finditer(text):
        out.append(text[pos : m.start()])
        origin.extend(range(pos, m.start()))
        for i in range(m.start(), m.end()):
            ch = text[i]
            if ch in _DASHES and not (i > 0 and _KANA.match(text[i - 1])):
                piece = "-"  # ー between digits is a hyphen; after kana it is a long vowel
            else:
                piece = _fold_char(ch)
            out.append(piece)
            origin.extend([i] * len(piece))
        pos = m.end()
    if pos == 0:
        return text, list(range(len(text)))
    out.append(text[pos:])
    origin.extend(range(pos, len(text)))
    return "".join(out), origin


# --- rules on the folded view ------------------------------------------------------------------

# TEL03-1234-5678 is common; any other letter or digit glued in front means an id, not a phone.
# An underscore after Japanese text separates words (連絡先_090-…), one after an id joins it.
_NOT_BEFORE = r"(?:(?<=TEL)|(?<=Tel)|(?<=tel)|(?<=FAX)|(?<=[^\x00-\x7F]_)|(?<![0-9A-Za-z+\-./_]))"
_NOT_AFTER = r"(?![0-9A-Za-z_]|[-.]\d)"

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*"
    r"(?:@|\s?[\(\[]at[\)\]]\s?)"
    r"[A-Za-z0-9\-]+(?:(?:\.|\s?[\(\[]dot[\)\]]\s?)[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)

_PHONE = re.compile(
    _NOT_BEFORE
    + r"""(?:
        \+81[ -]?(?:\(0\)[ -]?)?\(?\d{1,4}\)?[ .-]?\d{1,4}[ .-]?\d{3,4}
      | \(0\d{1,4}\)[ ]?\d{1,4}[ .-]?\d{3,4}
      | 0\d{1,4}[ ]?\(\d{1,4}\)[ ]?\d{3,4}
      | 0\d{1,4}([ .-]|の、?|、)\d{1,4}\1\d{3,4}  # の, 、: how transcripts write a spoken number
      | 0\d{1,4}-\d{1,4}-\d{3,4}
      | 0\d{9,10}
    )"""
    + _NOT_AFTER,
    re.X,
)
_MOBILE_PREFIXES = ("070", "080", "090", "050", "0800")

_CARD = re.compile(
    r"(?<![0-9\-])(?:"
    r"\d{13,19}"
    r"|\d{4}([ -]|、|の、?)\d{4}\1\d{4}\1\d{1,7}"  # 4-4-4-4 (and 4-4-4-1..7), also said aloud
    r"|\d{4}([ -])\d{6}\2\d{4,5}"  # AmEx / Diners 4-6-5, 4-6-4
    r")(?![0-9]|-\d)"
)
_CARD_CONTEXT = re.compile(r"カード|クレジット|クレカ|card|visa|master|jcb|amex", re.I)

_POSTAL = re.compile(
    r"(?:〒|郵便番号|postal|zip)[\sぁ-んー、:]{0,8}?(?P<code>\d{3}-?\d{4})(?![0-9]|-\d)", re.I
)

_PREFECTURES = (
    "北海道|東京都|京都府|大阪府|青森県|岩手県|宮城県|秋田県|山形県|福島県|茨城県|栃木県|群馬県|"
    "埼玉県|千葉県|神奈川県|新潟県|富山県|石川県|福井県|山梨県|長野県|岐阜県|静岡県|愛知県|三重県|"
    "滋賀県|兵庫県|奈良県|和歌山県|鳥取県|島根県|岡山県|広島県|山口県|徳島県|香川県|愛媛県|高知県|"
    "福岡県|佐賀県|長崎県|熊本県|大分県|宮崎県|鹿児島県|沖縄県"
)
# A bare 123-4567 is a postal code when an address follows it.
_POSTAL_BEFORE_ADDRESS = re.compile(rf"(?<![0-9\-])\d{{3}}-\d{{4}}(?=\s*(?:{_PREFECTURES}))")

_JA = r"\u4e00-\u9fff\u3005\u3006\u30f6\u30b1\u3041-\u3096\u30a1-\u30fa\u30fc"
_KANJI_NUM = "一二三四五六七八九十〇"
_NUM = rf"[0-9{_KANJI_NUM}]{{1,4}}"
# Said aloud, an address takes commas and の between its parts: 3丁目の、8の14.
_SPOKEN_GAP = r"(?:の?[、,]\s?|\s)?"
_BLOCK = (
    rf"(?:{_NUM}丁目{_SPOKEN_GAP}"
    rf"(?:\d{{1,4}}(?:(?:番地?|-|の[、,]?)\s?(?:\d{{1,4}}号?(?:-\d{{1,4}})?)?)?)?"
    rf"|\d{{1,4}}丁\d{{1,4}}番地?(?:の?\d{{1,4}}号?)?"  # 中百舌鳥町2丁174番地
    rf"|第?\d{{1,3}}地割\s?\d{{1,4}}(?:番地?)?(?:[の\-]\d{{1,4}})?"  # 岩手の地割: 第12地割23-5
    rf"|\d{{1,4}}番地?(?:の?\d{{1,4}}号?)?"
    rf"|\d{{1,4}}-\d{{1,4}}(?:-\d{{1,4}})?)"
)
_BUILDING = (
    r"(?:\s?[^\s、。,!?()「」]{0,16}?"
    r"(?:ハイツ|マンション|コーポ|レジデンス|ビル|荘|アパート|タワー|パレス|ハウス|コート|ヒルズ|メゾン|ハイム|"
    r"テラス|プラザ|団地|寮)"
    r"[^\s、。,!?()「」]{0,10}?\s?\d{1,5}(?:号室|号|階|F)?"
    r"|\s?[\u4e00-\u9fff\u30a1-\u30fa\u30fcA-Za-z]{0,20}?\d{1,3}(?:号室|階|F)"  # ミッドランドスクエア15階
    r"|\s?\d{1,5}号室)?"
)
_MUNICIPALITY = (
    rf"(?:(?:{_PREFECTURES})\s?(?:[{_JA}]{{1,8}}?[市区町村郡]){{1,3}}"
    rf"|(?:[\u4e00-\u9fff\u3005\u30f6\u30b1]{{1,6}}?[市区郡]){{1,2}})"  # 紫波郡紫波町…
)
_ADDRESS = re.compile(
    rf"{_MUNICIPALITY}"
    rf"(?:[{_JA}、]|\d{{1,2}}[条線])"  # 札幌市中央区北1条西2丁目, 音更町字下音更北9線西12番地
    rf"{{0,12}}?\s?{_BLOCK}{_BUILDING}(?![0-9])"
)
# Outside cities a house number often follows the place name bare (茨城県常陸大宮市野口1733,
# 大字福野田字実田35): a number right after a place name of kanji or katakana, that ends where
# the address line or sentence does (a space, a line end, punctuation, です), so 2024年 or
# 3店舗 never match.
_ADDRESS_BARE_NUMBER = re.compile(
    rf"{_MUNICIPALITY}[\u4e00-\u9fff\u3005\u30f6\u30b1\u30a1-\u30fa\u30fcの]{{1,12}}?"
    rf"\d{{1,5}}(?:[の\-]\d{{1,4}}){{0,2}}{_BUILDING}"
    r"(?=$|\s|[、。,.)）」』］\]!?！？]|です|でござ|や(?:$|[\s、。]))"
)

_ORDER_CONTEXT = re.compile(
    r"(?:ご?注文(?:番号|No\.?|ID|id)|オーダー(?:番号|ID|No\.?)|受注番号|購入番号|伝票番号|追跡番号|"
    r"お?問い?合わ?せ番号|受付番号|予約番号|取引(?:ID|番号|No\.?|(?=\s?:))|決済(?:ID|番号)|"
    r"お?申し?込み?番号|契約番号|証券番号|会員番号|お客(?:様|さま)番号|見積(?:番号|書?\s?\(?No\.?)|"
    # The same labels in kana (よやくばんごう：VP-630281, written for easy reading) and with の
    # (見積書の番号 HB-55102).
    r"(?:ちゅうもん|よやく|けいやく|うけつけ|もうしこみ|おきゃくさま)\s?ばんごう|"
    r"(?:注文|予約|契約|受付|申し?込み?|見積書?|伝票)の番号|"
    r"(?:order|reservation|booking|transaction)\s?(?:id|no\.?|number|#|(?=:))|伝票(?=[\s:：])|"
    # An order named as a field or in brackets: 注文: PL-93318-G, 12月3日の注文（PL-91201-M）.
    r"(?:ご?注文|pedido)(?=\s?[:(]))"
    # Spoken forms put particles and fillers between: 注文番号がですね、えーと、A25-0112-4096 /
    # 注文番号言いますね、SL-3390142857 / 伝票番号、読み上げます、7712-0038-5561.
    r"[\sぁ-んー、,:#(]{0,14}?(?:(?:言い?|読み上げ)ます(?:ね|と)?[、,\s]*)?"
    # A number that runs into a date or an amount (予約番号を2024年に…) is not an id.
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9.\-]{3,30}(?<![.\-]))(?![A-Za-z0-9]|[年月日円])",
    re.I,
)
# Any other "…番号" names a record of the customer's (証券番号, 契約者番号, 寄附番号, 受付No.),
# as a field (寄附番号：FM-2025-021908) or in a sentence (配車番号はSQ-1030-21155です), unless the
# label names a product, a part, a place or a line: those are not personal.
# A label may carry okurigana (預り番号, 預かり番号, 引取り番号), never a particle (部品の番号).
_ID_FIELD = re.compile(
    r"(?P<label>[\u4e00-\u9fff\u30a1-\u30fa\u30fc]{1,6}"
    r"|[\u4e00-\u9fff]{1,3}(?:(?![のはがをでにともへやか])[ぁ-ん]|か(?=り)){1,2}[\u4e00-\u9fff]{0,3})"
    r"(?:番号|No\.?|ID)"
    r"(?:\s*[:：]\s*|[\s\u3000はがを、]{0,3})"
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9.\-]{3,30}(?<![.\-]))(?![A-Za-z0-9]|[年月日円])"
)
# 便 alone is a flight or a line (便番号); 定期便 is a subscription, the customer's own.
# Equipment (メーター番号, 計器番号, ATM番号, ロッカーID) is numbered by its owner, not the customer.
_NOT_PERSONAL_ID = re.compile(
    r"(?:製造|製品|型式|型|品|部品|機種|モデル|ロット|シリアル|電話|携帯|内線|(?<!定期)便|座席|部屋"
    r"|号車|車両|車体|郵便|バージョン|店舗|店|メーター|計器|ATM|ロッカー|設備)$"
)
# More ids listed after the first: 取引ID:TX3K8V2206 / TX3K8V2207.
_ORDER_MORE = re.compile(r"\s*(?:[/、,]|と|及び|および)\s*(?P<id>[A-Za-z0-9][A-Za-z0-9\-]{3,30})")
_ORDER_SHAPES = re.compile(
    r"(?<![A-Za-z0-9\-])(?:(?:ORD|ORDER|ODR)[-_]?\d[A-Za-z0-9\-]{5,}|\d{3}-\d{7}-\d{7})(?![A-Za-z0-9])",
    re.I,
)
# A record code without its label: a short upper-case prefix and a long number in two or more
# groups (UM-240730-8812, HWL-7715-0032) or one of seven digits or more (YM-5520193). Model
# numbers are shorter (WD-90, AX-28); a serial, a lot or a flight says so just before it.
_RECORD_CODE = re.compile(
    r"(?<![A-Za-z0-9\-])(?!TEL|FAX)[A-Z]{1,4}-(?:\d{3,8}(?:-\d{3,8})+|\d{7,12})(?![A-Za-z0-9\-])"
)
_NOT_PERSONAL_BEFORE = re.compile(
    r"(?:製造|製品|型式|型番|品番|部品|機種|モデル|ロット|シリアル|バージョン|便|メーター|計器|ATM|ロッカー"
    r"|serial|model|lot|s/?n)[^\n]{0,6}$",
    re.I,
)

# A number read out in a call, in pieces, after its label: 「電話番号は、090の4418の、えー、2093」
# 「カード番号言うよ、よんいちゼロごー、ゼロよんいち…」「伝票の番号は、6620、の、1173、の…いや違う、0873」.
# Digits come as figures or as kana words, with の, fillers and corrections between the pieces;
# the whole read-out is masked, from its first piece to its last.
_READ_OUT_LABEL = re.compile(
    r"(?P<label>電話番号|電話|連絡先|携帯(?:番号)?|折り返し(?:先|の番号)?|カード番号|カード|郵便番号|"
    r"口座(?:の)?番号|口座|(?:お客様|お客さま|会員|予約|注文|申込|配車)ID|"
    r"(?:お客様|お客さま|伝票|注文|予約|申込|申し込み|受付|証券|会員|契約|問い合わせ|お問い合わせ|購入|"
    r"振込受付|追跡|取引|依頼|配車|報告|券)(?:の)?番号)"
)
_KANA_DIGIT = (
    "ゼロ|れい|まる|いち|にー|さん|よん|ごー|ろく|なな|しち|はち|きゅう|きゅー|"
    "イチ|ニー|サン|ヨン|ゴー|ロク|ナナ|ハチ|キュウ|キュー|"
    # English numbers in katakana, as a record id is often read: エム、エイト、アール、ツー
    "ワン|ツー|スリー|フォー|ファイブ|シックス|セブン|エイト|ナイン|ニ|ゴ|に|ご|し|く"
)
_KANA_DIGITS = re.compile(rf"(?:{_KANA_DIGIT})")
# に, ご, し, く alone are particles and verb endings far more often than digits.
_KANA_PIECE = rf"(?:(?:{_KANA_DIGIT.rsplit('|に', 1)[0]})(?:{_KANA_DIGIT})*|(?:に|ご|し|く)(?:{_KANA_DIGIT})+)"
_LETTER_NAME = (
    "エー|ビー|シー|ディー|イー|エフ|ジー|エイチ|アイ|ジェー|ジェイ|ケー|エル|エム|エヌ|オー|ピー|"
    "キュー|アール|エス|ティー|ユー|ブイ|ダブリュー|エックス|ワイ|ゼット"
)
_READ_OUT_PIECE = rf"(?:[A-Z0-9]+(?: [A-Z0-9]+)*|{_KANA_PIECE}|(?:{_LETTER_NAME})+)"
_READ_OUT_GAP = (
    r"(?:[、,\s・…\-:：.]|の|のー|えー|えっと|えーと|ええと|えーっと|うーん|あの|あっ|あら|あ|いや|違う|"
    r"ちがう|違った|じゃない|じゃなくて|ごめん|ちょっと(?:お)?待(?:って|ち)(?:ください)?(?:ね|な)?|"
    r"ハイフン|そう|で)+"
)
_READ_OUT = re.compile(rf"{_READ_OUT_PIECE}(?:{_READ_OUT_GAP}{_READ_OUT_PIECE})*")
_READ_OUT_REACH = 24  # characters between the label and the number: particles, fillers, 言うよ
_READ_OUT_MIN_DIGITS = 6
_UNIT_AFTER = re.compile(r"[年月日円万千人個件回時分歳台枚本]")


# 「番号を申し上げます。4142、…」: the number may follow the sentence that says it is coming.
_SAYS_IT = re.compile(r"言|申し上げ|読")


def _read_out_digits(pieces: str) -> int:
    kana = sum(len(_KANA_DIGITS.findall(k)) for k in re.findall(rf"(?:{_KANA_DIGIT})+", pieces))
    return sum(c.isdigit() for c in pieces) + kana


def _long_enough(kind: str, pieces: str) -> bool:
    """Six digits or more; a record id spelled out may mix letters in (TBM、2、K、7、4、F)."""
    digits = _read_out_digits(pieces)
    if kind != "order_id":
        return digits >= _READ_OUT_MIN_DIGITS
    letters = sum(c.isalpha() and c.isascii() for c in pieces)
    letters += len(re.findall(rf"(?:{_LETTER_NAME})", pieces))
    return digits >= _READ_OUT_MIN_DIGITS or (digits >= 2 and digits + letters >= 6)


def _read_out_kind(label: str) -> str:
    if "カード" in label:
        return "card"
    if "郵便" in label:
        return "postal_code"
    if any(w in label for w in ("電話", "連絡先", "携帯", "折り返し")):
        return "phone"
    return "order_id"


def _read_out_spans(view: str) -> list[tuple[str, int, int]]:
    found = []
    for m in _READ_OUT_LABEL.finditer(view):
        if _NOT_PERSONAL_ID.search(view[max(0, m.start() - 4) : m.start()]):
            continue  # 製造番号, 部品番号: not the customer's
        kind = _read_out_kind(m["label"])
        run = None
        for start in range(m.end(), min(len(view), m.end() + _READ_OUT_REACH)):
            # 「カードはアメックスや。番号言うで。さんなな…」: the next sentence may say it is coming.
            if view[start] in "。\n" and not _SAYS_IT.search(view, m.end(), start + 8):
                break
            if _READ_OUT_LABEL.match(view, start):
                break  # another label: its number is its own (注文番号は不明、電話は090の…)
            run = _READ_OUT.match(view, start)
            if run and _long_enough(kind, run.group()):
                break
            run = None
        # A number that runs into a unit is an amount, a date or a count (口座から…350,000円).
        if run is not None and not _UNIT_AFTER.match(view, run.end()):
            found.append((kind, run.start(), run.end()))
    return found


# A member or login id after its label is the customer's, whatever its shape (m.kobayashi_stella).
_LOGIN_ID = re.compile(
    r"(?:会員|ユーザー?|ログイン|アカウント)ID\s*[:（(]\s*"
    r"(?P<id>[A-Za-z0-9][A-Za-z0-9._\-]{3,40}(?<![.\-]))",
    re.I,
)

# A name written in katakana with its parts joined by ・ or a space (グエン・ヴァン・ミン, グルン
# ビカス): names from Vietnam, Nepal, China or the West, which the dictionary does not know.
_KATAKANA_NAME = r"[\u30a1-\u30fa\u30fc]{1,8}(?:[・ \u3000][\u30a1-\u30fa\u30fc]{1,8}){1,3}"
_NAME_LABEL = re.compile(
    rf"(?:氏名|お名前|名前|おなまえ|なまえ|ご?担当者?名?|差出人|署名|name)\s*[:]\s*"
    rf"(?P<name>{_KATAKANA_NAME}|[{_JA}A-Za-z]{{1,12}}(?:[ ][{_JA}A-Za-z]{{1,12}})?)",
    re.I,
)
# A name the dictionary does not know, right before と申します; a longer kanji run is left to
# Sudachi (株式会社山田と申します must not become 株［氏名］).
_NAME_CHARS = "\u4e00-\u9fff\u3005\u30a1-\u30fa\u30fc"
_NAME_BEFORE_INTRO = re.compile(
    rf"(?<![{_NAME_CHARS}・])(?P<name>{_KATAKANA_NAME}"
    rf"|[{_NAME_CHARS}]{{1,5}}(?:[ \u3000][{_NAME_CHARS}]{{1,5}})?)"
    # 「ご提案と申しますか」「使用期限といいますか」 hedge a word ("so to speak"); they introduce nobody.
    r"(?:と申し(?:ます(?!か)|まして)|と申す者|と言います(?!か)|といいます(?!か))"
)


def _looks_like_id(s: str) -> bool:
    """After a label that names a record (注文番号, 予約番号): four digits or more, or a code of six
    characters or more that mixes letters with at least two digits (SKL4H8P2, SK7Q2M); a word or a
    year after the label (予約番号を2024…) is not one."""
    digits = sum(c.isdigit() for c in s)
    return digits >= 4 or (digits >= 2 and len(s) >= 6 and any(c.isalpha() for c in s))


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _is_phone(raw: str) -> bool:
    digits = _digits(raw)
    if raw.startswith("+81"):
        rest = digits[2:]
        national = rest if rest.startswith("0") else "0" + rest
    else:
        national = digits
    if len(national) < 10 or national[1] == "0":
        return False
    expected = 11 if national.startswith(_MOBILE_PREFIXES) else 10
    return len(national) == expected


def _ean13(digits: str) -> bool:
    """A valid EAN-13 (JAN) barcode number: product codes customers copy from the box."""
    if len(digits) != 13:
        return False
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


def _sentence_before(view: str, end: int, limit: int = 80) -> str:
    """The text of the sentence that runs up to ``end``, at most ``limit`` characters back."""
    start = max(0, end - limit)
    cut = max(view.rfind(mark, start, end) for mark in "。\n！？!?")
    return view[max(start, cut + 1) : end]


def _luhn(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_phrase(value: str) -> bool:
    """「担当：名札に『大久保』とありました」: after a role label comes a phrase, not a name, when
    it starts with a common word and holds a particle."""
    toks = tokens(value)
    return (
        bool(toks)
        and toks[0].pos[2] != "人名"
        and toks[0].pos[1] == "普通名詞"
        and any(t.pos[0] == "助詞" for t in toks)
    )


def _rule_spans(view: str) -> list[tuple[str, int, int]]:
    """Findings on the folded view as (type, start, end) in view offsets."""
    found: list[tuple[str, int, int]] = []
    for m in _EMAIL.finditer(view):
        found.append(("email", m.start(), m.end()))
    for m in _ORDER_CONTEXT.finditer(view):
        if _looks_like_id(m["id"]):
            found.append(("order_id", m.start("id"), m.end("id")))
            more = _ORDER_MORE.match(view, m.end())
            while more and _looks_like_id(more["id"]):
                found.append(("order_id", more.start("id"), more.end("id")))
                more = _ORDER_MORE.match(view, more.end())
    for m in _ORDER_SHAPES.finditer(view):
        found.append(("order_id", m.start(), m.end()))
    for m in _RECORD_CODE.finditer(view):
        if not _NOT_PERSONAL_BEFORE.search(view, max(0, m.start() - 12), m.start()):
            found.append(("order_id", m.start(), m.end()))
    for m in _CARD.finditer(view):
        digits = _digits(m.group())
        said_card = _CARD_CONTEXT.search(view, max(0, m.start() - 20), m.start()) or (
            # A number in card groups (4-4-4-4) whose sentence speaks of a card, however far back:
            # 「ご利用カードは…全桁で照合が必要とのことでしたので記載します：4539 8821 …」.
            not m.group().isdigit() and _CARD_CONTEXT.search(_sentence_before(view, m.start()))
        )
        barcode = m.group().isdigit() and _ean13(digits)
        if 13 <= len(digits) <= 19 and (said_card or (_luhn(digits) and not barcode)):
            found.append(("card", m.start(), m.end()))
    for m in _PHONE.finditer(view):
        if _is_phone(m.group()):
            found.append(("phone", m.start(), m.end()))
    for m in _POSTAL.finditer(view):
        start = m.start() if view[m.start()] == "〒" else m.start("code")
        found.append(("postal_code", start, m.end("code")))
    for m in _POSTAL_BEFORE_ADDRESS.finditer(view):
        found.append(("postal_code", m.start(), m.end()))
    for m in _ADDRESS.finditer(view):
        found.append(("address", m.start(), m.end()))
    for m in _ADDRESS_BARE_NUMBER.finditer(view):
        if not any(a < m.end() and m.start() < b for _, a, b in found):
            found.append(("address", m.start(), m.end()))
    for m in _NAME_LABEL.finditer(view):
        if not _is_phrase(m["name"]):
            found.append(("person", m.start("name"), m.end("name")))
    found.extend(_read_out_spans(view))
    for m in _LOGIN_ID.finditer(view):
        found.append(("order_id", m.start("id"), m.end("id")))
    # The generic "…番号：ID" field only fills gaps: a card, phone or postal code after its own
    # label (カード番号：…) keeps the type its specific rule gave it.
    for m in _ID_FIELD.finditer(view):
        start, end = m.start("id"), m.end("id")
        if (
            sum(c.isdigit() for c in m["id"]) >= 4
            and not _NOT_PERSONAL_ID.search(m["label"])
            and not any(a < end and start < b for _, a, b in found)
        ):
            found.append(("order_id", start, end))
    found.extend(_echoes(view, found))
    return found


def _echoes(view: str, found: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Other strings shaped exactly like an id already found (same letters, digits where it has
    digits): the id corrected or said again, which the label before the first mention covers too
    (控えを見直したらHIJSL00291が正しいです, after 番号はHIJSL00219). A string another rule
    found (a phone number shaped like the id) keeps that finding."""
    out = []
    for kind, a, b in found:
        value = view[a:b]
        if kind != "order_id" or not _COMPACT_ID.fullmatch(value):
            continue
        shape = "".join(r"\d" if c.isdigit() else re.escape(c) for c in value)
        for m in re.finditer(rf"(?<![A-Za-z0-9]){shape}(?![A-Za-z0-9])", view):
            if not any(s < m.end() and m.start() < e for _, s, e in found + out):
                out.append(("order_id", m.start(), m.end()))
    return out


# An id written as one token with at least four digits: the ones worth looking for again.
_COMPACT_ID = re.compile(r"(?=(?:[^0-9]*[0-9]){4})[A-Za-z0-9][A-Za-z0-9.\-]*")


# --- person names from Sudachi -----------------------------------------------------------------

_HONORIFICS = {"様", "さま", "さん", "サン", "氏", "殿", "くん", "君", "ちゃん", "先生", "はん"}
# Words after which (with の) a name is a person: staff roles, and family (夫の健太が設定しました).
_ROLE_WORDS = (
    "担当",
    "担当者",
    "責任者",
    "係",
    "上司",
    "主任",
    "店長",
    "課長",
    "部長",
    "係長",
    "窓口",
)
_ROLE_WORDS += (
    "夫",
    "妻",
    "主人",
    "旦那",
    "家内",
    "嫁",
    "息子",
    "娘",
    "父",
    "母",
    "兄",
    "姉",
    "弟",
    "妹",
)
# Old and variant kanji common in surnames that the dictionary only knows in the plain form.
_ITAIJI = str.maketrans("髙﨑邊邉齋齊濵德櫻澤濱廣國嶋", "高崎辺辺斎斉浜徳桜沢浜広国島")
_HEDGE = ("と申しますか", "と言いますか", "といいますか")
_SELF_INTRO = (
    "と申し",
    "と申す者",
    "と言い",
    "といい",
    "でございます",
    "って言い",
    "という者",
    "って人",
    "という方",
)
_PLACE_SUFFIXES = {
    "駅",
    "店",
    "支店",
    "営業所",
    "区",
    "市",
    "町",
    "村",
    "方面",
    "周辺",
    "近く",
    "線",
    "県",
    # 直江津港, 羽田行き, 羽田発: a port, a destination, a departure point.
    "港",
    "空港",
    "行き",
    "発",
    "着",
}


def _is_name(t: Token) -> bool:
    return t.pos[1] == "固有名詞" and t.pos[2] == "人名"


@lru_cache(maxsize=4096)
def _can_be_name(surface: str, *, before_san: bool = False) -> bool:
    """Whether Sudachi reads ``surface`` on its own as a person name: 森 in 責任者の森に代わります
    is tagged a common noun in context, yet after 責任者の it is a surname. ``before_san`` asks
    the looser question of how it reads before さん (林さん is a name, 林 alone is a wood)."""
    alone = tokens(surface + "さん" if before_san else surface)
    return len(alone) == 1 + before_san and alone[0].surface == surface and _is_name(alone[0])


@lru_cache(maxsize=4096)
def _role_noun(surface: str) -> bool:
    """ガイドさん, 運転手さん, 店員さん: a word of two or more characters that Sudachi reads as a
    common noun before さん is a role, though in context it may tag it a name. A single kanji is
    left to the other rules: 山さん and 熊さん are nicknames as often as they are nouns."""
    alone = tokens(surface + "さん")
    return (
        len(surface) >= 2
        and len(alone) == 2
        and alone[0].surface == surface
        and alone[0].pos[1] == "普通名詞"
    )


def _glued_common_noun(prev: Token | None, t: Token) -> bool:
    """税理士さん: Sudachi splits 税|理士 before さん and tags 理士 a given name, yet the glued
    word alone is one common noun, a role."""
    return (
        prev is not None
        and prev.end == t.start
        and prev.pos[0] == "名詞"
        and _common_noun(prev.surface + t.surface)
    )


@lru_cache(maxsize=4096)
def _common_noun(surface: str) -> bool:
    """Whether Sudachi reads ``surface`` alone as one common noun (税理士, 係員)."""
    alone = tokens(surface)
    return len(alone) == 1 and alone[0].pos[1] == "普通名詞"


def _kana_without_surname(names: list[Token]) -> bool:
    return all(_HIRAGANA_WORD.fullmatch(t.surface) for t in names) and not any(
        t.pos[3] == "姓" for t in names
    )


def _names_a_product(run: list[Token], after: Token | None, honorific: Token | None) -> bool:
    """まもるくん自転車保険: a kana name with its honorific glued to a noun is a product's name."""
    return (
        after is not None
        and honorific is not None
        and after.start == honorific.end
        and after.pos[0] == "名詞"
        and all(_HIRAGANA_WORD.fullmatch(t.surface) for t in run if _is_name(t))
    )


def _after_role(text: str, start: int) -> bool:
    before = text[max(0, start - 6) : start].rstrip("の \u3000")
    return before.endswith(_ROLE_WORDS)


# What may come before 林です。 in the same sentence: greetings, fillers, 私.
_GREETING_BEFORE = re.compile(
    r"(?:お世話になっております|お世話になります|こんにちは|こんばんは|失礼いたします|失礼します|"
    r"もしもし|はじめまして|えっと|えーと|あのー?|えー|はい|あ|私|わたくし|僕|俺)[。！!、,]?\s*$"
)


def _introduces_self(text: str, toks: list[Token], i: int, j: int | None = None) -> bool:
    """``林です。`` (tokens ``i`` up to ``j``) opening a line or following a greeting: the writer's
    own name, even where the word alone is a noun. Mid-paragraph ``本です。`` is left alone."""
    j = i + 1 if j is None else j
    if j >= len(toks) or toks[j].surface not in ("です", "でございます"):
        return False
    after = toks[j + 1] if j + 1 < len(toks) else None
    if not (after is None or after.pos[0] in ("補助記号", "空白") or after.surface == "が"):
        return False
    before = text[: toks[i].start].rstrip(" \u3000")
    return not before or before.endswith("\n") or bool(_GREETING_BEFORE.search(before))


def _glued_noun(t: Token | None, at: int) -> bool:
    """A noun written directly against position ``at`` (アイリスオーヤマ, 田中電機 are not names)."""
    return (
        t is not None
        and (t.end == at or t.start == at)
        and t.pos[0] in ("名詞", "接頭辞")
        and not _is_name(t)
    )


def _glued_kana(t: Token | None, at: int) -> bool:
    """A kana word written directly before position ``at``."""
    return t is not None and t.end == at and bool(_KANA_WORD.fullmatch(t.surface))


_KANA_WORD = re.compile(r"[\u3041-\u309f\u30a1-\u30fa\u30fc]+")
_HIRAGANA_WORD = re.compile(r"[\u3041-\u309f]+")
_ROUTE = "→⇒⇔↔～〜~—―－-"


# 「羽田 7:40発」「羽田19時50分着」: a departure or an arrival time follows a place.
_TIMETABLE_AFTER = re.compile(r"[ \u3000]?\d{1,2}(?::\d{2}|時(?:\d{1,2}分)?)(?:発|着)")


def _on_route(text: str, start: int, end: int) -> bool:
    """福岡→羽田, （福岡 18:10発 → 羽田）, 羽田 7:40発, 広島から羽田: an end of a journey."""
    before = text[max(0, start - 2) : start].strip(" \u3000")[-1:]
    after = text[end : end + 2].strip(" \u3000")[:1]
    return (
        bool(before and before in _ROUTE)
        or bool(after and after in _ROUTE)
        or bool(_TIMETABLE_AFTER.match(text, end))
    )


def _between_places(toks: list[Token], i: int, j: int) -> bool:
    """広島から羽田, 羽田から松本へ: a word the dictionary also knows as a place, joined by から
    to a place, is a place."""
    surface = "".join(t.surface for t in toks[i:j])
    if not _also_place(surface):
        return False
    before = toks[i - 2 : i]
    after = toks[j : j + 2]
    return (len(before) == 2 and before[1].surface == "から" and before[0].pos[2] == "地名") or (
        len(after) == 2 and after[0].surface == "から" and after[1].pos[2] == "地名"
    )


@lru_cache(maxsize=4096)
def _also_place(surface: str) -> bool:
    return any(pos[2] == "地名" for pos in dictionary_pos(surface))


@lru_cache(maxsize=4096)
def _is_surname_word(surface: str) -> bool:
    """Whether the dictionary lists ``surface`` as a surname among its readings (小松 is also a
    city, 東 a direction): asked only where the context already points to a person."""
    return any(
        pos[2] == "人名" and pos[3] == "姓" for pos in dictionary_pos(surface.translate(_ITAIJI))
    )


@lru_cache(maxsize=4096)
def _is_given_name_word(surface: str) -> bool:
    return any(pos[2] == "人名" and pos[3] == "名" for pos in dictionary_pos(surface))


# A signature: the sender's name alone on one of a letter's last lines, after an optional place
# (鹿児島市 東 ミツ子, 経理部 山本 一郎) and before an optional phone number or address (首藤 あかり 080-…).
_SIGNATURE_ZONE = 4  # last non-empty lines searched: name, address, phone, mail
_SIGNATURE = re.compile(
    r"(?:[\u4e00-\u9fff\u3005\u30a1-\u30fa\u30fc]{1,10}(?:[都道府県市区町村]|部長?|課長?|室)[ \u3000]+)?"
    r"(?P<surname>[\u4e00-\u9fff\u3005]{1,3})(?:[ \u3000](?P<given>[\u4e00-\u9fff\u3005\u3041-\u3096"
    r"\u30a1-\u30fa\u30fc]{1,4}))?(?:[ \u3000]+[0-9０-９()（）+\-‐－ー.@A-Za-z_]{6,})?"
)
_KANA_ONLY = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc]+")
_KANJI_RUN = re.compile(r"[\u4e00-\u9fff\u3005]+")
_SIGNATURE_FOREIGN = re.compile(rf"{_KATAKANA_NAME}")


def _signature_spans(text: str) -> list[tuple[int, int]]:
    """The sender's name on a signature line: a surname the dictionary knows with a given name
    (kana, a known given name, or ending in 子), a surname of two characters or more alone on the
    last line, or a katakana name joined by ・ alone on its line."""
    lines: list[tuple[int, str]] = []
    pos = len(text)
    while pos > 0 and len(lines) < _SIGNATURE_ZONE:
        start = text.rfind("\n", 0, pos) + 1
        line = text[start:pos]
        if line.strip():
            lead = len(line) - len(line.lstrip())
            lines.append((start + lead, line.strip()))
        pos = start - 1
    spans = []
    for k, (start, line) in enumerate(lines):
        if _SIGNATURE_FOREIGN.fullmatch(line):
            spans.append((start, start + len(line)))
            continue
        m = _SIGNATURE.fullmatch(line)
        if not m or m["surname"] in _NOT_A_NAME or not _is_surname_word(m["surname"]):
            continue
        given = m["given"]
        if given is None:
            if k == 0 and len(m["surname"]) >= 2 and m.end("surname") == len(line):
                spans.append((start + m.start("surname"), start + m.end("surname")))
        elif given not in _HONORIFICS and (
            _KANA_ONLY.fullmatch(given) or given.endswith("子") or _is_given_name_word(given)
        ):
            spans.append((start + m.start("surname"), start + m.end("given")))
    return spans


# A greeting that may open the sentence before a self-introduction.
_GREETING_SENTENCE = re.compile(
    r"(?:お世話にな[^。\n]{0,8}|こんにちは|こんばんは|はじめまして|初めまして|"
    r"ありがとうございます|失礼いたします|失礼します|もしもし)[。！!、]?\s*$"
)


# Who the writer is, then the name: 水戸市の小松です, 定期便を利用している原です, 総務部の西川で
# ございます; or a katakana name joined by ・: 9月2日に宿泊した、ホアン・ミン・トゥアンです.
_CLAUSE_THEN_NAME = re.compile(
    rf"(?:(?<=[のたる])(?P<surname>[\u4e00-\u9fff\u3005]{{1,4}})|(?P<katakana>{_KATAKANA_NAME}))"
    r"[ \u3000]?(?:です|でございます)(?=[。、！!？?\s]|が|けど|$)"
)
_INTRO_REACH = 40  # characters from the sentence's start to the name
# 名前は成田です, 氏名は西 昭雄、: a name given in a sentence rather than a form field.
_NAME_IS = re.compile(
    rf"(?:氏名|お?名前)は、?[ \u3000]?(?P<name>{_KATAKANA_NAME}|(?P<first>[\u4e00-\u9fff\u3005]{{1,4}}|"
    rf"[\u30a1-\u30fa\u30fc]{{2,6}})(?:[ \u3000][{_NAME_CHARS}\u3041-\u3096]{{1,5}}?)?)"
    r"(?=です|でございます|と申し|といい|で[、。]|[、。\n]|$)"
)


def _intro_spans(text: str) -> list[tuple[int, int]]:
    """Self-introductions after a clause, in the first sentence of a line or the one after a
    greeting; a kanji name must be a surname the dictionary knows (東京の西です is a direction,
    and a one-character surname counts only after a verb)."""
    spans = []
    for m in _CLAUSE_THEN_NAME.finditer(text):
        group = "surname" if m["surname"] else "katakana"
        name, start = m[group], m.start(group)
        if group == "surname" and (
            name in _NOT_A_NAME
            or not _is_surname_word(name)
            # アパートの大家です: a role the writer introduces themselves by (大家 is also a surname).
            or _role_noun(name)
            or (len(name) < 2 and text[start - 1] == "の")
        ):
            continue
        cut = max(text.rfind(c, 0, start) for c in "。！？!?\n")
        if start - cut > _INTRO_REACH:
            continue
        before = text[text.rfind("\n", 0, start) + 1 : cut + 1]
        if not before.strip() or _GREETING_SENTENCE.search(before):
            spans.append((start, m.end(group)))
    for m in _NAME_IS.finditer(text):
        first = m["first"]
        # 名前は不明です, 名前は伏せますが: only a surname the dictionary knows, or katakana.
        if first is None or not _KANJI_RUN.fullmatch(first) or _is_surname_word(first):
            spans.append((m.start("name"), m.end("name")))
    return spans


def _name_spans(text: str) -> list[tuple[int, int]]:
    """Person-name runs (surname, given name, or both) that context says are people."""
    toks = tokens(text)
    spans: list[tuple[int, int]] = []
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        if PLACEHOLDER.match(text, t.start):
            i += 1
            continue
        if not _is_name(t):
            nxt = toks[i + 1] if i + 1 < n else None
            surface = t.surface.translate(_ITAIJI)
            if t.pos[0] == "名詞" and (
                (
                    (
                        _after_role(text, t.start)
                        or (
                            nxt is not None
                            and nxt.surface in _HONORIFICS
                            and not _glued_kana(toks[i - 1] if i else None, t.start)
                        )
                    )
                    and _can_be_name(surface)
                )
                or (
                    _introduces_self(text, toks, i)
                    and surface not in _NOT_A_NAME
                    and _can_be_name(surface, before_san=True)
                )
            ):
                spans.append((t.start, t.end))
            i += 1
            continue
        j = i + 1
        while j < n and (
            _is_name(toks[j]) or (toks[j].pos[0] == "空白" and j + 1 < n and _is_name(toks[j + 1]))
        ):
            j += 1
        run = toks[i:j]
        start, end = run[0].start, run[-1].end
        prev = toks[i - 1] if i > 0 else None
        nxt = toks[j] if j < n else None
        names = [r for r in run if _is_name(r)]
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        after = text[end : end + 8]
        strong = (
            # やま|みち: two kana name tags with no surname among them are a word (a shop, a brand).
            (len(names) >= 2 and not _kana_without_surname(names))
            # たびまどさん, ミルプラスさん: a name tag glued to a kana word is a shop or a service.
            or (
                nxt is not None
                and nxt.surface in _HONORIFICS
                and not _glued_kana(prev, start)
                and not (len(run) == 1 and _role_noun(run[0].surface))
                and not (len(run) == 1 and _glued_common_noun(prev, run[0]))
                and not _names_a_product(run, toks[j + 1] if j + 1 < n else None, nxt)
                and not (len(names) >= 2 and _kana_without_surname(names))
            )
            or (after.startswith(_SELF_INTRO) and not after.startswith(_HEDGE))
            or _after_role(text, start)
            or _introduces_self(text, toks, i, j)
            or line.strip(" \u3000-－―=＝*＊・:：") == text[start:end]  # a signature line
        )
        lone_surname = (
            len(names) == 1
            and names[0].pos[3] == "姓"
            and len(names[0].surface) >= 2
            and not _glued_noun(prev, start)
            and not _glued_noun(nxt, end)
            and not (nxt is not None and nxt.surface in _PLACE_SUFFIXES)
            # In context only: 見方 in わたしの見方が is tagged a surname, alone it is a noun.
            and _can_be_name(names[0].surface)
            # ほんのもり様, まど を あけて: a surname written in hiragana alone is a word.
            and not _HIRAGANA_WORD.fullmatch(names[0].surface)
            # 福岡→羽田, 高知—羽田: a route's ends are places.
            and not _on_route(text, start, end)
            and not _between_places(toks, i, j)
        )
        if strong or lone_surname:
            spans.append((start, end))
        i = j
    return spans


_ROLE_THEN_NAME = re.compile(
    r"(?:担当者?|責任者|係)の?\s?(?!様|さま|さん|殿|各位)"
    r"(?:(?P<kana>[\u30a1-\u30fa\u30fc]{2,8})(?=様|さま|さん|です|でした|が|から|より|に|は|と|[、。\s])"
    r"|(?P<kanji>[\u4e00-\u9fff\u3005]{1,4})(?=様|さま|さん|氏|です|でした|でございます|と申し))"
)
_NOT_A_NAME = {
    "方",
    "者",
    "私",
    "人",
    "部署",
    "窓口",
    "部",
    "課",
    "チーム",
    "センター",
    "者様",
    "方様",
    "皆",
}


# Words that show up in display names ("Apple Support", "鈴木 (営業部)") without being a name.
_NOT_NAME_PARTS = {
    "support", "info", "admin", "team", "customer", "service", "sales", "official", "shop",
    "store", "news", "noreply", "mail", "contact", "the", "and", "inc", "ltd", "corp",
}  # fmt: skip


_KATAKANA_WORD = re.compile(r"[\u30a1-\u30fa\u30fc]{2,8}")


def _name_parts(name: str) -> set[str]:
    """The spellings of a known name worth searching for: whole, unspaced, and parts that are
    names on their own (山田 of 山田 太郎, Yamada of Taro Yamada)."""
    parts = [p for p in re.split(r"[\s・_.()（）]+", name) if p]
    found = {name, "".join(parts)} if len(name) >= 3 or _can_be_name(name) else set()
    if len(parts) > 1:
        all_katakana = all(_KATAKANA_WORD.fullmatch(p) for p in parts)  # ヤマダ タロウ
        for p in parts:
            if p.isascii():
                if len(p) >= 3 and p.isalpha() and p.casefold() not in _NOT_NAME_PARTS:
                    found.add(p)
            elif all_katakana or _can_be_name(p.translate(_ITAIJI)):
                found.add(p)
    return {f for f in found if len(f) >= 2}


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@lru_cache(maxsize=4096)
def _known_name_candidates(names: tuple[str, ...]) -> tuple[str, ...]:
    """A record's known names as searchable spellings: no spaces, ASCII lower-cased, longest first."""
    candidates: set[str] = set()
    for name in names:
        for part in _name_parts(unicodedata.normalize("NFKC", name).strip().lstrip("@")):
            candidates.add("".join(part.split()).translate(_ASCII_LOWER))
    return tuple(sorted(candidates, key=lambda c: (-len(c), c)))


def _known_name_spans(view: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Every occurrence in the folded view of a name the caller knows (the author).

    Spaces inside a name are ignored (山田 太郎 finds 山田太郎) and Latin names match in any case.
    A plain substring search over a space-free copy, not a regex: compiling one case-insensitive
    alternation per record cost more than masking the record.
    """
    candidates = _known_name_candidates(tuple(names))
    if not candidates:
        return []
    keep = [i for i, ch in enumerate(view) if not ch.isspace()]
    squeezed = "".join(view[i] for i in keep).translate(_ASCII_LOWER)
    found: list[tuple[int, int]] = []
    for cand in candidates:  # longest first, so a full name wins over its surname
        pos = squeezed.find(cand)
        while pos >= 0:
            start, end = keep[pos], keep[pos + len(cand) - 1] + 1
            # A Latin name must stand alone: "Ken" is not a name inside "Kenji" or "token".
            bounded = not cand.isascii() or not (
                (start > 0 and view[start - 1].isascii() and view[start - 1].isalnum())
                or (end < len(view) and view[end].isascii() and view[end].isalnum())
            )
            if bounded and all(end <= a or start >= b for a, b in found):
                found.append((start, end))
            pos = squeezed.find(cand, pos + 1)
    return sorted(found)


# --- putting it together -----------------------------------------------------------------------


def find_pii(text: str, known_names: Iterable[str] = ()) -> list[PiiSpan]:
    """Personal data in ``text``, non-overlapping, sorted by position; offsets index ``text``.

    ``known_names`` are names already known to belong to a person (e.g. the sender), masked
    wherever they appear in addition to what the rules and the tokenizer find.
    """
    if not text:
        return []
    view, origin = _fold(text)
    candidates: list[tuple[str, int, int]] = []
    for kind, a, b in _rule_spans(view):
        if b > a:
            candidates.append((kind, origin[a], origin[b - 1] + 1))
    for m in _NAME_BEFORE_INTRO.finditer(text):
        if m["name"] not in _NOT_A_NAME:
            candidates.append(("person", m.start("name"), m.end("name")))
    for m in _ROLE_THEN_NAME.finditer(text):
        group = "kana" if m["kana"] else "kanji"
        # 係員さん: the role and what follows it glued into one common noun name nobody.
        role = text[m.start() : m.start(group)]
        glued = not role.endswith(("の", " ", "\u3000")) and _common_noun(role + m[group])
        if m[group] not in _NOT_A_NAME and not glued:
            candidates.append(("person", m.start(group), m.end(group)))
    if _NEEDS_TOKENS.search(text):
        candidates.extend(("person", a, b) for a, b in _name_spans(text))
        candidates.extend(("person", a, b) for a, b in _signature_spans(text))
        candidates.extend(("person", a, b) for a, b in _intro_spans(text))
    for a, b in _known_name_spans(view, known_names):
        candidates.append(("person", origin[a], origin[b - 1] + 1))

    # Placeholders already in the text are never findings themselves.
    taken = bytearray(len(text))
    for m in PLACEHOLDER.finditer(text):
        taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    chosen: list[PiiSpan] = []
    for kind, a, b in sorted(candidates, key=lambda c: (_RANK[c[0]], c[1] - c[2], c[1])):
        if 1 in taken[a:b]:
            continue
        taken[a:b] = b"\x01" * (b - a)
        chosen.append(PiiSpan(kind, a, b))
    return sorted(chosen, key=lambda s: s.start)


# Sudachi is only worth running when the text has characters a Japanese name could be written in.
_NEEDS_TOKENS = re.compile(r"[\u4e00-\u9fff\u30a1-\u30fa]")


def mask(text: str, known_names: Iterable[str] = ()) -> Masked:
    """``text`` with every finding replaced by its placeholder, and the findings themselves."""
    spans = find_pii(text, known_names)
    if not spans:
        return Masked(text, [])
    out: list[str] = []
    pos = 0
    for span in spans:
        out.append(text[pos : span.start])
        out.append(PLACEHOLDERS[span.type])
        pos = span.end
    out.append(text[pos:])
    return Masked("".join(out), spans)
