"""Sentiment of customer feedback: negative, neutral or positive, with a score in [-1, 1].

A polarity lexicon over Sudachi normalized forms, with rules for negation (〜ない, 〜ず),
rhetorical questions, hypotheticals, excess (〜すぎる), contrast (later clauses weigh more),
complaint patterns and sarcasm. Deterministic and fast: no model, one Sudachi pass per text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.normalize import normalize
from nlp.tokenize import Token, tokens

NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
# |raw score| below this is neutral; one clear polar word is enough to pass it.


@dataclass(frozen=True)
class Sentiment:
    label: str  # negative | neutral | positive
    score: float  # in [-1, 1]; its sign agrees with the label, 0.0 when neutral


# Polar words by Sudachi normalized form. 1.0 is a clear word, 1.5 a strong one, 0.5 a weak one.
_POLAR: dict[str, float] = {
    # positive
    "良い": 1.0,
    "嬉しい": 1.0,
    "助かる": 1.5,
    "有り難い": 1.5,
    "有り難う": 1.0,
    "満足": 1.5,
    "大満足": 2.0,
    "快適": 1.0,
    "便利": 1.0,
    "素晴らしい": 1.5,
    "最高": 1.5,
    "感動": 1.5,
    "感激": 1.5,
    "丁寧": 1.0,
    "親切": 1.0,
    "気に入る": 1.5,
    "安心": 1.0,
    "好き": 1.0,
    "可愛い": 1.0,
    "静か": 1.0,
    "楽": 0.5,
    "迅速": 1.0,
    "早い": 0.5,
    "好評": 1.0,
    "愛用": 1.0,
    "推し": 1.0,
    "推す": 1.0,
    "直る": 1.0,
    "繋がる": 0.5,
    "無事": 1.0,
    "感謝": 1.5,
    "御礼": 1.5,
    "お礼": 1.5,
    "礼": 1.0,
    "直感的": 1.0,
    "御陰": 1.0,
    "おかげ": 1.0,
    "素敵": 1.0,
    "綺麗": 0.5,
    "優しい": 1.0,
    "完璧": 1.5,
    "スムーズ": 1.0,
    "解決": 1.0,
    "正解": 1.0,
    "快い": 1.0,
    "見易い": 1.0,
    "使い易い": 1.0,
    "分かり易い": 1.0,
    "大丈夫": 0.5,
    "リピート": 1.0,
    "軽い": 0.5,
    "美味しい": 1.0,
    "凄い": 0.5,
    # negative
    "困る": -1.5,
    "最悪": -2.0,
    "最低": -2.0,
    "酷い": -1.5,
    "がっかり": -1.5,
    "残念": -1.5,
    "不満": -1.5,
    "遺憾": -1.5,
    "不快": -1.5,
    "不誠実": -1.5,
    "不便": -1.0,
    "不安": -1.0,
    "不具合": -1.5,
    "不良": -1.5,
    "初期不良": -1.5,
    "欠陥": -1.5,
    "故障": -1.0,
    "破損": -1.5,
    "壊れる": -1.5,
    "割れる": -1.5,
    "潰れる": -1.5,
    "落ちる": -1.0,
    "切れる": -1.0,
    "漏れる": -1.5,
    "水漏れ": -1.5,
    "異音": -1.5,
    "異臭": -1.5,
    "膨らむ": -1.5,
    "詰む": -1.5,
    "異なる": -1.0,
    "違う": -0.5,
    "二重": -1.0,
    "待たす": -1.5,
    "放置": -1.5,
    "盥回し": -2.0,
    "好い加減": -1.5,
    "微妙": -1.5,
    "怖い": -1.5,
    "煩い": -1.5,
    "面倒": -1.0,
    "遅い": -1.0,
    "悪い": -1.0,
    "駄目": -1.5,
    "嫌": -1.0,
    "無理": -1.0,
    "失望": -1.5,
    "後悔": -1.5,
    "迷惑": -1.5,
    "腹立つ": -1.5,
    "劣化": -1.0,
    "外れる": -0.5,
    "焦げる": -1.0,
    "遅れる": -1.0,
    "至急": -0.5,
    "早急": -0.5,
    "問題": -0.5,
    "改善": -0.5,
    "心配": -1.0,
    "危ない": -1.5,
    "ヤバい": -0.5,
    "やばい": -0.5,
}
# Things a product or service should do: saying they do not happen is the complaint
# (動かない, 届いていない, ログインできない, 音が出ません, 返事がない).
_EXPECTED = {
    "動く",
    "届く",
    "入る",
    "出来る",
    "繋がる",
    "同期",
    "使える",
    "使う",
    "直る",
    "出る",
    "来る",
    "起動",
    "反応",
    "充電",
    "点く",
    "効く",
    "開く",
    "映る",
    "聞こえる",
    "鳴る",
    "読み込む",
    "認識",
    "接続",
    "ログイン",
    "返事",
    "返信",
    "連絡",
    "回答",
    "対応",
    "頂ける",
    "冷える",
    "温まる",
}
# Adjectives that turn negative with 〜すぎる (長すぎ, 高すぎ) though neutral alone.
_EXCESS = {"長い", "高い", "重い", "遅い", "大きい", "小さい", "暑い", "熱い", "多い", "少ない"}
# Suffixes that give the verb before them a polarity: 使いやすい / わかりにくい.
_EASE = {"易い": 1.0, "難い": -1.0, "辛い": -1.0}

# Multiword patterns over normalized text, for idioms the tokens alone miss.
_PHRASES: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"神対応"), 2.0),
    (re.compile(r"(?:期待|想像)以上"), 1.5),
    (re.compile(r"新品同様"), 1.0),
    (re.compile(r"買って(?:よかった|良かった|正解)|買えばよかった"), 1.0),
    (re.compile(r"いい感じ|良い感じ"), 0.5),
    (re.compile(r"使い物にならな"), -2.0),
    (re.compile(r"いかがなもの"), -1.5),
    (re.compile(r"(?:返事|返信|連絡|回答)(?:が|も)?(?:なし|無し)"), -1.5),
    (re.compile(r"草も生えな"), -2.0),
    (re.compile(r"二度と"), -1.0),
    (re.compile(r"値段の割に|のに"), -0.5),
    (re.compile(r"いい加減にして"), -1.0),
    (re.compile(r"品質が落ち"), -1.0),
    (re.compile(r"(?:色|サイズ|商品|もの)が違"), -1.0),
    (re.compile(r"どうしてくれ|どうなってる|なんとかして|何とかして"), -1.0),
    (re.compile(r"(?:もう|すでに|既に)\d+(?:回目|分|時間|日|週間)|\d+回目"), -0.5),
    (re.compile(r"[😡😠🤬😞😢💢👎]"), -1.0),
    (re.compile(r"[✨🙏❤️💕😊😄👍🥰]"), 0.5),
)
# Courtesy formulas that carry no opinion: いつもありがとうございます, よろしくお願いします.
_FORMULAS = re.compile(
    r"いつも(?:大変)?(?:ありがとう|お世話に)[^。\n]*|お世話になって(?:おります|います)|平素より[^。\n]*"
    r"|(?:どうぞ|何卒)?よろしくお願い[^。\n]*"
)
_SARCASM = re.compile(r"\(棒\)|（棒）")
# Connectives after which the speaker's real point comes.
_CONTRAST = {"けれど", "けど", "のに", "しかし", "でも", "が"}

# Tokens a predicate's negation may pass through: auxiliaries, て/で, は/も, 出来る, もの, ある.
_CHAIN_NORMALIZED = {
    "出来る",
    "有る",
    "居る",
    "為る",
    "物",
    "事",
    "訳",
    "成る",
    "頂く",
    "頂ける",
    "貰う",
    "呉れる",
    "仕舞う",
    "来る",
    "おる",
    "過ぎる",
    "ちゃう",
    "てる",
}


def _negation(toks: list[Token], i: int) -> tuple[bool, bool, bool]:
    """After the word at ``i``: (negated, asked as a question, hypothetical)."""
    negated = question = hypothetical = False
    j = i + 1
    n = len(toks)
    while j < n and j <= i + 9:
        t = toks[j]
        head, sub = t.pos[0], t.pos[1]
        conj = t.pos[4]
        if head == "補助記号":
            if t.surface in ("?", "？"):
                question = True
            break
        if head == "助動詞":
            if conj in ("助動詞-ナイ", "助動詞-ヌ") and not t.pos[5].startswith("仮定形"):
                negated = not negated
            elif t.pos[5].startswith("仮定形"):
                hypothetical = True
        elif t.normalized in ("無い", "なし") and head in ("形容詞", "名詞"):
            negated = not negated
        elif head == "助詞":
            if t.surface in ("か", "かな", "かね"):
                question = True
                break
            if t.surface in ("ば", "たら", "なら"):
                hypothetical = True
                break
            if sub == "接続助詞" and t.surface not in ("て", "で"):
                break
            if t.surface not in ("て", "で", "は", "も", "が", "を", "の", "に", "じゃ", "って"):
                break
        elif t.normalized in ("場合",):
            hypothetical = True
            break
        elif t.normalized not in _CHAIN_NORMALIZED and not (
            head in ("動詞", "形容詞") and sub == "非自立可能"
        ):
            break
        j += 1
    return negated, question, hypothetical


def _word_polarity(toks: list[Token], i: int) -> float | None:
    """Polarity of the token at ``i`` before negation, or None when it has none."""
    t = toks[i]
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if t.pos[0] == "接尾辞" and t.normalized in _EASE and i > 0 and toks[i - 1].pos[0] == "動詞":
        return _EASE[t.normalized]
    if nxt is not None and nxt.pos[0] == "接尾辞" and nxt.normalized in _EASE:
        return None  # 使い|やすい: the suffix carries it
    if t.normalized in _EXCESS and nxt is not None and nxt.normalized == "過ぎる":
        return -1.0
    if t.normalized == "良い" and i > 0 and toks[i - 1].surface in ("ば", "たら", "ても", "でも"):
        return None  # どうすればいい, 〜てもいい: advice, not praise
    return _POLAR.get(t.normalized)


def _sentence_score(sentence: str) -> float:
    toks = tokens(sentence)
    total = 0.0
    weight = 1.0
    for i, t in enumerate(toks):
        if t.pos[0] == "助詞" and t.pos[1] == "接続助詞" and t.normalized in _CONTRAST:
            weight = 1.5  # 〜けど / 〜のに: what follows is the point
            continue
        if t.pos[0] == "接続詞" and t.normalized in ("しかし", "でも", "だけど", "けれど"):
            weight = 1.5
            continue
        value = _word_polarity(toks, i)
        expected = value is None and t.normalized in _EXPECTED
        if value is None and not expected:
            continue
        negated, question, hypothetical = _negation(toks, i)
        if hypothetical:
            continue
        if expected:
            if negated and not question:
                total -= 1.5 * weight
            continue
        if negated and not question:
            value = -value
        total += value * weight
    return total


def raw_score(text: str) -> float:
    """The summed rule weights of ``text``: below zero negative, above positive."""
    text = normalize(text)
    if not text:
        return 0.0
    sarcastic = bool(_SARCASM.search(text))
    scored = _FORMULAS.sub("。", text)
    total = 0.0
    for pattern, value in _PHRASES:
        total += value * len(pattern.findall(scored))
    for sentence in re.split(r"(?<=[。．！？!?\n])", scored):
        if sentence.strip():
            total += _sentence_score(sentence)
    if sarcastic:
        total = -abs(total) - 1.0
    return total
