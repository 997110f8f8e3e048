"""Phrase banks and Japanese register helpers for the sample generator.

Catalog clauses are written once in plain form; the helpers here conjugate them into spoken
polite, formal written, terse form and casual SNS register, and hold the shared phrase banks
(timing, requests, risk-flag phrases and their decoys, personal-data shapes).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

# Words that make a catalog symptom itself a safety report.
SAFETY_WORDS = ("焦げ", "発火", "煙", "やけど", "火傷", "火花", "熱")


# ---- conjugation -------------------------------------------------------------------------


def spoken(clause: str) -> str:
    """充電できない → 充電できないんです; 0%のままだ → 0%のままなんです."""
    return clause[:-1] + "なんです" if clause.endswith("だ") else clause + "んです"


def formal_but(clause: str) -> str:
    """A formal clause that leads into the next one: 〜のですが."""
    return clause[:-1] + "なのですが" if clause.endswith("だ") else clause + "のですが"


def formal_end(clause: str, rng: random.Random) -> str:
    stem = clause[:-1] if clause.endswith("だ") else clause
    return stem + rng.choice(("という症状が出ています", "という状態です", "という不具合があります"))


def bare(clause: str) -> str:
    return clause[:-1] if clause.endswith("だ") else clause


def past_polite(tried: str) -> str:
    """リセットした → リセットしました (catalog ``tried`` entries all end in a ます-able た)."""
    return tried[:-1] + "ました"


def past_te(tried: str) -> str:
    """リセットした → リセットしても."""
    return tried[:-1] + "ても"


# ---- shared phrase banks -----------------------------------------------------------------

WHEN = (
    "先週から",
    "3日ほど前から",
    "購入して1か月くらいで",
    "昨日から急に",
    "今月に入ってから",
    "買ってすぐに",
    "2週間くらい前から",
    "最近になって",
    "使い始めて10日ほどで",
    "おとといの夜から",
    "半年ほど使ったころから",
)
WHEN_CASUAL = ("昨日から", "さっきから", "買って一週間で", "最近ずっと", "今朝から", "また")

REQUESTS_FORMAL = (
    "交換または修理の対応をお願いできますでしょうか。",
    "原因と対処方法をご教示いただけますと幸いです。",
    "お手数ですが、ご確認のほどよろしくお願いいたします。",
    "どのように対応すればよいか教えていただけますでしょうか。",
    "保証期間内ですので、無償での交換を希望いたします。",
    "早急にご対応いただけますようお願い申し上げます。",
)
REQUESTS_TERSE = (
    "交換希望。",
    "対応方法を教えてください。",
    "至急連絡ください。",
    "修理か交換をお願いします。",
    "原因を知りたいです。",
    "折り返しの連絡をお願いします。",
    "",
)
REQUESTS_SPOKEN = (
    "これって交換とかしてもらえるんですかね。",
    "どうしたらいいのかなと思って。",
    "修理に出したほうがいいんでしょうか。",
    "ちょっと見てもらえないかなと。",
    "なんとかならないですかね。",
)
GREETINGS = (
    "いつもお世話になっております。",
    "お世話になります。",
    "突然のご連絡失礼いたします。",
    "はじめてご連絡いたします。",
)
ADDRESSEES = ("ことは電機 カスタマーサポート ご担当者様", "サポートセンター御中", "ご担当者様", "")
CLOSERS_FORMAL = (
    "何卒よろしくお願い申し上げます。",
    "よろしくお願いいたします。",
    "お忙しいところ恐れ入りますが、よろしくお願いいたします。",
    "ご返信をお待ちしております。",
)
FILLERS = ("えっと、", "あの、", "あのー、", "えー、", "その、", "なんか、", "ええと、", "")
SNS_TAILS = (
    "",
    "",
    " 草",
    "ｗｗ",
    "ｗ",
    " 😇",
    " 😡",
    " 😭",
    "…",
    "。つらい",
    " ぴえん",
    " まじで",
    "。は？",
    " #ことは電機",
    " 🙄",
    "ｗｗｗ",
)
SNS_OPENERS = ("", "", "え、", "まって、", "はぁ…", "もう", "悲報：", "ちょっと聞いて、", "うちの")


@dataclass(frozen=True)
class FlagPhrases:
    formal: tuple[str, ...]
    spoken: tuple[str, ...]
    casual: tuple[str, ...]

    def pick(self, style: str, rng: random.Random) -> str:
        bank = {"formal": self.formal, "terse": self.formal, "spoken": self.spoken}.get(
            style, self.casual
        )
        return rng.choice(bank)


FLAG_PHRASES: dict[str, FlagPhrases] = {
    "sns_threat": FlagPhrases(
        formal=(
            "誠意あるご対応がない場合は、SNSで拡散します。",
            "このままでしたらTwitterに書きます。",
            "対応次第では口コミサイトとSNSに経緯をすべて書くつもりです。",
        ),
        spoken=(
            "ちゃんとしてくれないならSNSで拡散しますよ。",
            "これ、Twitterに書きますからね。",
            "ネットに全部書きますよ、ほんとに。",
        ),
        casual=("晒すわ", "この対応、拡散するわ", "Xに全部書いてやる", "みんなRTして拡散して"),
    ),
    "escalation_demand": FlagPhrases(
        formal=(
            "責任者の方から直接ご説明いただきたいです。",
            "担当の方ではなく、上司の方からご連絡をください。",
            "責任者と話をさせてください。",
        ),
        spoken=(
            "もういいから上司を出してください。",
            "責任者と話したいんですけど。",
            "あなたじゃ話にならないので、上の人に代わってもらえますか。",
        ),
        casual=(
            "責任者出てこい",
            "上司出せ",
        ),
    ),
    "legal_threat": FlagPhrases(
        formal=(
            "改善されない場合は消費者センターに相談します。",
            "弁護士に相談することも検討しております。",
            "場合によっては法的措置も考えています。",
        ),
        spoken=(
            "消費者センターに相談しますよ。",
            "弁護士に相談しますから。",
            "これ、訴えますよ。",
        ),
        casual=("消費者センター案件でしょこれ", "訴えるわ", "弁護士に相談するわ"),
    ),
    "safety": FlagPhrases(
        formal=(
            "発火するのではないかと不安です。",
            "一度、煙が出たこともあります。",
            "子どもがやけどしそうになりました。",
        ),
        spoken=(
            "なんか焦げ臭いにおいもして。",
            "煙が出たんですよ、一回。",
            "触ったらやけどしそうなくらい熱くて。",
        ),
        casual=("煙出たんだけど", "発火しそうで怖すぎ", "焦げ臭くて無理"),
    ),
    "churn": FlagPhrases(
        formal=(
            "このような対応でしたら、解約します。",
            "御社の製品は二度と買いません。",
            "他社製品への乗り換えを検討しております。",
        ),
        spoken=(
            "もう解約しますよ。",
            "二度と買わないです、ほんとに。",
            "他社に乗り換えようかと思ってます。",
        ),
        casual=("もう二度と買わない", "解約しました", "他社に乗り換え決定"),
    ),
    "refund_request": FlagPhrases(
        formal=(
            "返金してください。",
            "返品して代金を返していただきたいです。",
            "全額返金を希望いたします。",
        ),
        spoken=(
            "返品したいんですけど。",
            "お金、返してもらえますか。",
            "返金してほしいんです。",
        ),
        casual=("返金してくれ", "返品したい", "金返して"),
    ),
}

# The same words without the intent: mentioning SNS, a boss, a lawyer, burns, other makers...
DECOY_PHRASES: dict[str, FlagPhrases] = {
    "sns_threat": FlagPhrases(
        formal=("SNSで評判を見て購入しました。", "Twitterで紹介されていたので購入しました。"),
        spoken=("SNSで見て買ったんですけど。", "インスタで紹介されてて買ったんですよ。"),
        casual=("SNSで見て買った", "Twitterで話題だったから買った"),
    ),
    "escalation_demand": FlagPhrases(
        formal=("会社の上司に勧められて購入しました。", "上司も同じ製品を使っております。"),
        spoken=("上司に勧められて買ったんですけど。", "職場の上司も使ってるんですよ。"),
        casual=("上司に勧められて買った", "上司も使ってる"),
    ),
    "legal_threat": FlagPhrases(
        formal=(
            "弁護士をしている友人にも勧めました。",
            "消費者センターのサイトでリコール対象ではないことは確認しました。",
        ),
        spoken=("弁護士の友達にも勧めたんですよ。",),
        casual=("弁護士の友達も使ってる",),
    ),
    "safety": FlagPhrases(
        formal=(
            "やけどしないよう注意書きがあって安心しました。",
            "熱くならないので子どもがいても安心です。",
        ),
        spoken=("やけどしないように注意書きがあって安心しました。",),
        casual=("やけど防止の注意書きあって安心", "煙も出ないし静か"),
    ),
    "churn": FlagPhrases(
        formal=("他社製品から乗り換えましたが、満足しております。", "解約するつもりはありません。"),
        spoken=("他社から乗り換えたんですけど、気に入ってて。",),
        casual=("他社から乗り換えて正解だった", "もう手放せない"),
    ),
    "refund_request": FlagPhrases(
        formal=("返金は不要です。", "返品ではなく、交換を希望します。"),
        spoken=("返金とかはいらないので。", "返品じゃなくて交換でいいんです。"),
        casual=("返金はいらんから直して", "返品はしないけど"),
    ),
}


def flag_phrase(flag: str, style: str, rng: random.Random) -> str:
    return FLAG_PHRASES[flag].pick(style, rng)


def decoy_phrase(flag: str, style: str, rng: random.Random) -> str:
    return DECOY_PHRASES[flag].pick(style, rng)


# ---- channel-specific surface forms ---------------------------------------------------------

_FULLWIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def fullwidth(text: str) -> str:
    """ＫＷ－３: ASCII letters, digits and marks as their full-width forms."""
    return text.translate(_FULLWIDTH)


def _halfwidth_table() -> dict[str, str]:
    import unicodedata

    table: dict[str, str] = {}
    half = [chr(code) for code in range(0xFF66, 0xFF9E)]
    for char in half:
        table.setdefault(unicodedata.normalize("NFKC", char), char)
        for mark in ("ﾞ", "ﾟ"):
            combined = unicodedata.normalize("NFKC", char + mark)
            if len(combined) == 1:
                table.setdefault(combined, char + mark)
    table["ー"] = "ｰ"
    return table


_HALFWIDTH_KANA = _halfwidth_table()


def halfwidth_katakana(text: str) -> str:
    """ｶｽﾀﾏｰ: full-width katakana turned into the half-width forms old phones and bots write."""
    return "".join(_HALFWIDTH_KANA.get(char, char) for char in text)


# ---- personal data ---------------------------------------------------------------------------

SURNAMES = (
    ("山田", "yamada"), ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"),
    ("田中", "tanaka"), ("伊藤", "ito"), ("渡辺", "watanabe"), ("中村", "nakamura"),
    ("小林", "kobayashi"), ("加藤", "kato"), ("吉田", "yoshida"), ("松本", "matsumoto"),
    ("井上", "inoue"), ("木村", "kimura"), ("林", "hayashi"), ("清水", "shimizu"),
    ("森", "mori"), ("池田", "ikeda"), ("橋本", "hashimoto"), ("石川", "ishikawa"),
    ("前田", "maeda"), ("藤田", "fujita"), ("岡田", "okada"), ("長谷川", "hasegawa"),
    ("村上", "murakami"), ("近藤", "kondo"), ("坂本", "sakamoto"), ("遠藤", "endo"),
    ("青木", "aoki"), ("西村", "nishimura"), ("福田", "fukuda"), ("太田", "ota"),
)  # fmt: skip
GIVEN_NAMES = (
    ("太郎", "taro"), ("花子", "hanako"), ("健一", "kenichi"), ("美咲", "misaki"),
    ("大輔", "daisuke"), ("陽子", "yoko"), ("翔太", "shota"), ("由美", "yumi"),
    ("直樹", "naoki"), ("恵", "megumi"), ("拓也", "takuya"), ("さくら", "sakura"),
    ("誠", "makoto"), ("真由美", "mayumi"), ("健太", "kenta"), ("裕子", "yuko"),
    ("隆", "takashi"), ("愛", "ai"), ("浩二", "koji"), ("明美", "akemi"),
    ("悠斗", "yuto"), ("千尋", "chihiro"), ("亮", "ryo"), ("舞", "mai"),
)  # fmt: skip
MAIL_DOMAINS = ("example.ne.jp", "example.com", "example.co.jp", "mail.example.jp", "example.or.jp")
ADDRESS_AREAS = (
    "東京都世田谷区桜丘", "東京都杉並区阿佐谷北", "東京都江東区豊洲", "神奈川県横浜市港北区日吉",
    "大阪府大阪市北区中崎", "愛知県名古屋市千種区今池", "福岡県福岡市中央区薬院", "北海道札幌市白石区本通",
    "埼玉県さいたま市浦和区常盤", "京都府京都市左京区田中", "兵庫県神戸市灘区六甲台町", "宮城県仙台市青葉区錦町",
)  # fmt: skip
BUILDINGS = ("", "", "", " コーポ桜201", " ハイツみどり305", " サンライズマンション1102")


@dataclass
class Person:
    surname: str
    given: str
    romaji: str

    @property
    def full(self) -> str:
        return self.surname + self.given


@dataclass
class PiiFactory:
    """Unique, clearly fictional personal data in the shapes Japanese customers write it."""

    rng: random.Random
    planted: dict[str, list[str]] = field(
        default_factory=lambda: {
            k: [] for k in ("phone", "email", "card", "postal_code", "address", "order_id", "name")
        }
    )
    _seen: set[str] = field(default_factory=set)

    def _unique(self, kind: str, make) -> str:
        for _ in range(1000):
            value = make()
            if value not in self._seen:
                self._seen.add(value)
                self.planted[kind].append(value)
                return value
        raise RuntimeError(f"could not make a unique {kind}")

    def note(self, kind: str, value: str) -> str:
        """Record a value that may repeat (names) once in the planted list."""
        if value not in self.planted[kind]:
            self.planted[kind].append(value)
        return value

    def person(self) -> Person:
        surname, sur_romaji = self.rng.choice(SURNAMES)
        given, given_romaji = self.rng.choice(GIVEN_NAMES)
        return Person(surname, given, f"{given_romaji}.{sur_romaji}")

    def phone(self, mobile_only: bool = False) -> str:
        rng = self.rng

        def make() -> str:
            a, b = rng.randrange(1000, 10000), rng.randrange(1000, 10000)
            prefix = rng.choice(("090", "080", "070"))
            shapes = [
                f"{prefix}-{a}-{b}",
                f"{prefix}{a}{b}",
                f"+81-{prefix[1:]}-{a}-{b}",
                fullwidth(f"{prefix}-{a}-{b}"),
                f"{prefix} {a} {b}",
            ]
            if not mobile_only:
                shapes += [f"03-{a}-{b}", f"(03){a}-{b}", f"06-{a}-{b}", f"045-{a % 1000:03d}-{b}"]
            return rng.choice(shapes)

        return self._unique("phone", make)

    def email(self, person: Person) -> str:
        rng = self.rng
        return self._unique(
            "email",
            lambda: f"{person.romaji}{rng.randrange(10, 1000)}@{rng.choice(MAIL_DOMAINS)}",
        )

    def card(self) -> str:
        rng = self.rng

        def make() -> str:
            digits = [4] + [rng.randrange(10) for _ in range(14)]
            digits.append(_luhn_check_digit(digits))
            number = "".join(map(str, digits))
            groups = [number[i : i + 4] for i in range(0, 16, 4)]
            return rng.choice((" ".join(groups), "-".join(groups), number))

        return self._unique("card", make)

    def postal_code(self) -> str:
        rng = self.rng
        return self._unique(
            "postal_code", lambda: f"〒{rng.randrange(100, 1000)}-{rng.randrange(0, 10000):04d}"
        )

    def address(self) -> str:
        rng = self.rng
        return self._unique(
            "address",
            lambda: (
                f"{rng.choice(ADDRESS_AREAS)}{rng.randrange(1, 6)}-{rng.randrange(1, 30)}-"
                f"{rng.randrange(1, 20)}{rng.choice(BUILDINGS)}"
            ),
        )

    def order_id(self, day: str) -> str:
        """ORD-YYYYMMDD-NNNN, the maker's web-shop order number (date = order date)."""
        rng = self.rng
        return self._unique("order_id", lambda: f"ORD-{day}-{rng.randrange(1000, 10000)}")


def _luhn_check_digit(digits: list[int]) -> int:
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10
