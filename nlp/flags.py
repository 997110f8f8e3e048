"""Flags that route feedback to a human: threats, demands, incidents and intents to leave or get money back.

Each flag fires on intent, not on vocabulary: a trigger phrase must come with the verb form of a
threat or request, and is dropped when quoted (hearsay), negated, hypothetical or in the past.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from koe.vocabulary import FLAGS
from nlp.normalize import normalize

_ORDER = {flag: n for n, flag in enumerate(FLAGS)}  # the vocabulary's order


@dataclass(frozen=True)
class FlagHit:
    """One reason a flag fired: the flag and the phrase (normalized text) that triggered it."""

    flag: str
    phrase: str
    start: int  # offset into the normalized text


# Quoted words are someone else's: 友人に「SNSに晒してやれ」と言われました.
_QUOTED = re.compile(r"「[^「」]*」|『[^『』]*』")
# A clause ends at sentence punctuation or a comma; negation must sit in the trigger's clause.
_CLAUSE_END = re.compile(r"[、,。．！？!?\n]")
# What undoes a trigger when it follows it in the same clause.
_DENIAL = re.compile(
    r"わけ(?:では|じゃ)|つもりは|ことはし|ほどの|のではな|じゃなくて|ではなく|必要は|は不要"
    r"|(?:と|か)(?:思い|考え)(?:ました|た)(?:が|けど)"
    r"|とまでは|までは(?:言|求め|考え)|とかじゃ|とかでは|ような(?:話|こと)では|そういう(?:ん|の)?じゃ"
    r"|^[^、。]{0,12}?(?:と|って)言って(?:い|おり|た)|と言われ"
    r"|考えて(?:い)?(?:ない|ません)|は考えてな"
)

# --- sns_threat --------------------------------------------------------------------------------
_MEDIA = (
    r"(?:SNS|sns|ツイッター|Twitter|twitter|X(?=[にでへのと])|ネット|インターネット|口コミ|クチコミ"
    r"|レビュー|インスタ|Instagram|YouTube|ユーチューブ|掲示板|ブログ|知恵袋|Google|グーグル"
    r"|フェイスブック|Facebook|TikTok|ティックトック|5ch|2ch|ストーリー|動画|世間|みんな)"
)
# Verbs that threaten on their own (晒す, 拡散, 暴露) in a volitional or future form.
_SNS_STRONG = (
    r"(?:晒|さら)(?:す|します|してやる|しちゃ|そう)"
    r"|(?:拡散|暴露)(?:する|します|してやる|しよう|させ|せざるを|してもら)"
    # Asking others to spread it: みんなRTして拡散して / #拡散希望.
    r"|拡散(?:して|希望|お願い|よろしく)|(?:RT|リツイート|リポスト)(?:して|お願い|希望)"
)
# Verbs that threaten only when their object is a public medium (口コミに書く, Xに投稿する).
_SNS_WEAK = (
    r"書(?:く|きます|いてやる|いちゃ|かせてもら|かせていただ|いておき|こう|きまく|き込)"
    r"|(?:記載|紹介|報告|暴露)(?:する|します|させていただ|させてもら|しよう)|喋る|しゃべる|話します|晒す"
    r"|書き込(?:む|みます|んでやる|もう)"
    r"|(?:投稿|発信|公開)(?:する|します|してやる|しよう|させ|せざるを)"
    r"|載せ(?:る|ます|てやる|よう)|(?:あげ|上げ|アップ)(?:る|ます|てやる|よう|する|します)"
)
_SNS = re.compile(rf"{_SNS_STRONG}|(?P<media>{_MEDIA})[^。！？!?\n]*?(?:{_SNS_WEAK})")
# Promising a good review is not a threat.
_PRAISE = re.compile(r"良かった|よかった|気に入|満足|最高|素敵|ありがと|星5")

# --- escalation_demand -------------------------------------------------------------------------
_SUPERIOR = (
    r"(?:上司|責任者|上の(?:者|人|方)|社長|管理職|店長|マネージャー|上席|上長|偉い人|部長|課長)"
)
_ESC = re.compile(
    rf"{_SUPERIOR}(?:の方|さん|様)?(?:本人)?(?:を|と|に|から|へ)(?:[^、。！？!?\n]{{0,8}}?)"
    r"(?:出してください|出しなさい|出して|出せ|呼んでください|呼びなさい|呼んで|呼べ|代わってください|代わって|替わって"
    r"|かわって|代われ|お?話しさせて|話させて|話をさせて|話したい|つないで|繋いで|折り返し"
    r"|説明してほしい|説明してください|謝罪を求め|謝罪してほしい|対応をお願い|対応してほしい)"
)

# Written and polite demands: 責任者の方から直接ご説明をいただきたく / 上の人出してもらえます？
_SUPERIOR_WIDE = (
    r"(?:責任者|責任(?:の)?ある(?:お)?立場の(?:方|人)|上席|上長|上司|上の(?:人|者|方)|管理職|部長|課長"
    r"|店長|社長|マネージャー|偉い人)"
)
_ESC_WIDE = re.compile(
    rf"{_SUPERIOR_WIDE}(?:の方|さん|様)?(?:[^。！？!?\n]{{0,16}}?"
    r"(?:出して|出せ|出てきて|出てこい|呼んで|代わって|替わって|話させて|話をさせて|話したい"
    r"|つないで|繋いで|引き継)"
    # A reply is demanded from the superior (から), not one the agent brings after asking them.
    r"|(?:から|より)[^。！？!?\n]{0,12}?(?:ご)?(?:連絡|説明|回答|返答|返事)(?:を)?(?:書面で|文書で)?"
    r"(?:いただ|ください|下さい|ほしい|欲しい|お願い|願い|求め|して|もら))"
)

# --- legal_threat ------------------------------------------------------------------------------
_AUTHORITY = (
    r"(?:消費者センター|消費生活センター|消費生活相談|国民生活センター|消費者庁|金融庁|保健所|警察"
    r"|弁護士(?:の先生)?|法テラス)"
)
_LEGAL = re.compile(
    r"訴え(?:ます|る(?:しか|つもり|ぞ|から|こと)|てやる|させていただ|たい)"
    r"|訴訟(?:を起こ|を検討|も辞さ|も考え|にし|します|する)|裁判(?!所)|法的(?:措置|手段|に)"
    r"|内容証明|損害賠償|[^\s、。]{1,6}法違反|違法"
    r"|出る(?:とこ|ところ|所)(?:に)?出"
    rf"|{_AUTHORITY}(?:に|へ|と)(?:は|も)?(?:相談|通報|連絡|報告|訴え|被害届|電話|申し出|申し立て|言)"
    r"(?:します|する|しています|してい|してます|しました|済み|させていただ|させてもら|中|ます|を出"
    r"|しよう|したい|しに行|のうえ|の上|を|も|う|おう|います|いたします)"
    r"|弁護士を立て|被害届を出"
)

# --- safety ------------------------------------------------------------------------------------
_SAFETY = re.compile(
    r"発火|火が出|火を(?:噴|吹)|火花|煙が(?:出|上が|立)|発煙|焦げ(?!付|つ[きくい])|異臭|変な(?:臭|匂|におい)"
    r"|(?<![んのだ])やけど|火傷|感電(?!防止)|ビリッ|ビリビリ|電気が走|膨張|膨らん|膨れ|パンパン"
    r"|熱くなりすぎ|異常に熱|熱すぎ|怪我|ケガ|けがをし|誤飲|誤嚥|破裂|爆発(?!的)|漏電"
    # 焦げ of food (ご飯が焦げ付く) is no hazard; melted frozen food neither, unless eaten.
    r"|煙(?:が)?(?:出|上が)|焼ける(?:ような|みたいな)?(?:臭|匂|におい)|(?:本体|樹脂)[^。]{0,8}溶け"
    r"|腹痛|嘔吐|下痢|食中毒|腹を?壊|ハラ壊|吐(?:いた|いちゃ|き気)|飲み込|(?:挟|はさ)ま(?:っ|れ)"
    r"|腫れ|出血|血が出|骨折|火事|焼ける(?:ような|みたいな)|赤く(?:なっ|腫れ)"
    r"|(?:カバー|プラグ|コード|吹き出し口|アダプター|充電器|バッテリー|ケーブル)[^。]{0,10}"
    r"(?:溶け|変色|黄ば|焦げ)"
)
# Symptoms that are hazards although no hazard word is used, and the fear of one that a symptom
# gives the customer: 触れないくらい熱くなる / コンセントのあたりが熱を持っている /
# 発火するのではないかと不安 / やけどしそうになりました.
_SAFETY_SYMPTOM = re.compile(
    r"(?:触れ|さわれ|触ら|さわら)(?:ら)?(?:ない|れない)(?:くらい|ぐらい|ほど|位)[^。！？!?\n]{0,4}熱"
    r"|熱くて(?:触れ|さわれ|持て)(?:ない|ません|なかった)"
    r"|(?:コンセント|プラグ|電源コード|コード|差し込み口|アダプター|充電器)[^。！？!?\n]{0,8}"
    r"(?:熱を持|熱くな|熱い|熱かっ)"
    r"|(?:発火|火事|やけど|火傷|感電|燃え)(?:する|し)?(?:の|ん)?(?:では|じゃ)(?:ない)?か[^。！？!?\n]{0,3}"
    r"(?:不安|怖|心配)"
    r"|(?:発火|火事|やけど|火傷|感電|燃え)(?:し)?そう(?:で|に|な)[^。！？!?\n]{0,4}(?:怖|不安|なり|なっ|恐)"
    r"|(?:やけど|火傷)しそうな(?:くらい|ぐらい|ほど)"
    r"|(?:熱|アツ|あつ|アッツ|あっつ)[^。！？!?\n]{0,6}(?:で|くて)(?:怖|こわ|危な)"
)
# The hazard named only to say it did not happen, or asked about: 焦げたとか煙とか、そういうのは全然ない.
_SAFETY_DENIED = re.compile(
    r"[^。！？!?\n]{0,30}?(?:とか|たり|といった|などは)[^。！？!?\n]{0,30}?"
    r"(?:ない(?:です|んです|んですけど)?|ありません|ございません|なかった)"
    r"|[^。！？!?\n]{0,12}?(?:大丈夫|平気)な?(?:の|ん)?(?:か|でしょうか|ですか)"
)
# A hazard that did not happen, might happen, or is guarded against.
_SAFETY_UNDONE = re.compile(
    r"^(?:し|せ)?(?:ない|なかった|ず|ません)"
    r"|^(?:の|が|とか|など)?(?:心配|防止|対策|恐れ|おそれ|危険|リスク|注意|怖)"
    r"|^を?(?:防|予防)|^(?:し)?た?(?:みたい|よう)な(?:気分|感じ)"
    r"|^(?:し|す)?た?(?:場合|ら)|^する(?:場合|と)|^(?:し)?ないか|^(?:し)?そう"
)

# --- churn -------------------------------------------------------------------------------------
_CHURN = re.compile(
    r"解約(?:は|を)?(?:します|したい|させて|させていただ|の手続き|手続き|する(?:つもり|こと|予定)?(?:$|[。、]))"
    r"|退会(?:します|したい|させて|させていただ|する)"
    r"|二度と(?:[^、。]{0,12}?)(?:買|利用し|使|選|頼|注文し|来)(?:わない|いません|ません|ない|ばない|びません|ん|わん)"
    r"|もう(?:[^、。]{0,8}?)(?:買|使|利用し)(?:わない|いません|わん|ません)(?=です|と思|。|、|し|$|から|ので|！|!)"
    r"|リピート(?:は)?(?:しません|しない)"
    r"|(?:他社|他の(?:メーカー|会社|店|ところ)|別の(?:メーカー|会社|店|ところ))(?:に|へ|への)"
    r"(?:乗り換え|替え|変え|切り替え)(?:ます|る|を検討|たい|ようと思って|ようと考えて)"
    r"|乗り換え(?:ます|を検討)"
    r"|(?:次|今後)(?:から)?は(?:他|別)の?[^、。]{0,6}?(?:で(?:買|頼)|に(?:します|する))"
    r"|(?:サブスク|定期便|会員|契約)[^。]{0,8}?(?:やめます|辞めます|止めます|やめたい)"
    r"|アンインストールしました"
    r"|(?:使う|利用する|頼む|買う|注文する)の(?:を|は)?やめ(?:ます|る|よう|た)"
    r"|もう[^、。]{0,10}?(?:は|を)?やめ(?:ます|る)"
    r"|(?:他社|他の|別の|ほかの)[^。、]{0,10}?(?:に(?:します|する|買い替え)|を?使(?:います|う)"
    r"|に乗り換え(?!たこと|たけど|たが|た時)"
    r"|(?:を|の)?(?:買い(?:替え|直し|換え)|選ば)|の?を?買います)"
    r"|次は(?:絶対)?(?:[^。]{0,4}?)(?:おたく|御社|こちら|ここ|別)[^。]{0,10}?(?:買わない|ない|メーカー)"
    r"|乗り換え(?:た(?!こと|けど|が|時)|ました|ちゃ)|卒業します|アカウント(?:を)?(?:消|削除)"
    r"|もう[^、。]{0,10}?頼(?:まない|みません)|次は(?:もう)?ない"
    r"|(?:なら|ければ|たら)(?:退会|解約)|解約(?:する|します)から"
)

# --- refund_request ----------------------------------------------------------------------------
# Spoken and blunt forms: お金、返してもらえますか / 差額でいいんで返してほしい / 返金しろ.
_REFUND_WIDE = re.compile(
    r"(?:お?金|代金|差額|料金|[0-9,]+円|[一二三四五六七八九十百千万]+円|分|チャージ)[^。！？!?\n]{0,10}?"
    r"(?:返して|返し(?:て)?(?:ください|ほしい|もらえ|いただ)|戻して)"
    r"|(?:早く|全額)返して|返して(?:もらえれば|くれれば)"
    r"|返金(?:しろ|して(?!くれた|もらった|いただ)|(?:して)?いただ(?:け|きたい|きたく|く形|くよう)"
    r"|を求め|を希望|希望|の手続き|手続き|まだ)"
    r"|返金は[^。]{0,20}?お願い|返品(?:して|の上|のうえ|したい|を希望|希望|できない)"
    r"|(?:お金|代金)(?:が)?戻(?:って|る)"
)
_REFUND = re.compile(
    r"(?:返金|返品|払い戻し|払戻し?|(?:お)?金を?返|代金を返|お金を戻)"
    r"(?=して(?:ください|ほしい|欲しい|もらえ|もらいたい|いただけ|いただきたい|くれ(?!た)|よ|ね|$|[。!！])"
    r"|したい|させて|を?(?:お願い|希望|求め)|対応を?お願い|は可能|できますか|でいい|で(?:お願い)"
    r"|の手続き|・|しないなら|せ)"
)

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sns_threat", _SNS),
    ("escalation_demand", _ESC),
    ("escalation_demand", _ESC_WIDE),
    ("legal_threat", _LEGAL),
    ("safety", _SAFETY),
    ("safety", _SAFETY_SYMPTOM),
    ("churn", _CHURN),
    ("refund_request", _REFUND),
    ("refund_request", _REFUND_WIDE),
)


_NOT_MEANT = re.compile(r"じゃない|じゃなく|ではない|ではなく|ありません|ないです")
_HYPOTHETICAL = re.compile(r"万が一|万一|ことになるかと|ことになるかも")


def _blank_quotes(text: str) -> str:
    """Replace quoted speech with spaces of the same length, so offsets keep pointing at text."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def _clause_tail(text: str, end: int) -> str:
    stop = _CLAUSE_END.search(text, end)
    return text[end : stop.start() if stop else len(text)]


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in "。！？!?\n") + 1
    stop = re.search(r"[。！？!?\n]", text[end:])
    return text[left : end + stop.start() if stop else len(text)]


def _keeps(flag: str, text: str, match: re.Match[str]) -> bool:
    """Whether a trigger ``match`` states the intent (not denied, hypothetical or praise)."""
    tail = _clause_tail(text, match.end())
    # 訴えるつもりはありません: the match holds つもり. A symptom rule's match is affirmative by
    # construction (発火するのではないかと不安): only what follows it can deny it.
    said = tail if match.re is _SAFETY_SYMPTOM else match.group() + tail
    if _DENIAL.search(said):
        return False
    sentence = _sentence(text, match.start(), match.end())
    # 上の人出せとか、そういうんじゃない: "X とか" followed by a denial names what is not meant.
    if tail.startswith("とか") and _NOT_MEANT.search(sentence):
        return False
    if _HYPOTHETICAL.search(sentence):  # 万が一…返金をお願いすることになるかと
        return False
    if flag == "sns_threat":
        return not _PRAISE.search(_sentence(text, match.start(), match.end()))
    if match.re is _SAFETY_SYMPTOM:  # 触れないくらい熱くなる、ということはありません
        rest = sentence[sentence.find(match.group()) + len(match.group()) :]
        if _NOT_MEANT.search(rest):
            return False
    if flag == "safety":
        return not _SAFETY_UNDONE.search(tail) and not _SAFETY_DENIED.match(text, match.start())
    if flag == "churn":
        return not match.group().startswith("乗り換え") or "から" not in text[: match.start()][-4:]
    return True


def flag_hits(text: str) -> list[FlagHit]:
    """Every flag trigger in ``text`` that survives the intent checks, in FLAGS then text order."""
    if not text:
        return []
    clean = _blank_quotes(normalize(text))
    hits: list[FlagHit] = []
    for flag, pattern in _RULES:
        for match in pattern.finditer(clean):
            # A flag's second rule may find what its first found: keep one hit per span.
            seen = any(
                h.flag == flag and h.start < match.end() and match.start() < h.start + len(h.phrase)
                for h in hits
            )
            if not seen and _keeps(flag, clean, match):
                hits.append(FlagHit(flag, match.group(), match.start()))
    return sorted(hits, key=lambda h: (_ORDER[h.flag], h.start))


def detect_flags(text: str) -> list[str]:
    """The flags ``text`` carries, in FLAGS order, each once."""
    found = {hit.flag for hit in flag_hits(text)}
    return [flag for flag in FLAGS if flag in found]
