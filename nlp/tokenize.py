"""Japanese tokenization for koe: the one module that talks to Sudachi (core dictionary, mode C).

It yields tokens with character offsets (PII masking uses them), content words for keywords, and
noun–predicate pairs such as ``充電|できない`` that make issue labels read like Japanese.
"""

from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from typing import NamedTuple

from nlp.stopwords import STOPWORDS

# Sudachi refuses longer input in one call.
MAX_BYTES = 49_149

# koe's PII placeholders, full-width as masking writes them or folded to ASCII by NFKC.
PLACEHOLDER = re.compile(r"[［\[](?:電話番号|メール|カード番号|郵便番号|住所|注文番号|氏名)[］\]]")

_SENTENCE = re.compile(r"[^。．！？!?\n]*(?:[。．！？!?]+|\n|$)")
_HIRAGANA_CHAR = re.compile(r"^[\u3041-\u309f]$")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_NUMBER_LIKE = re.compile(r"^[\d.,:%/+\-~]+$")


class Token(NamedTuple):
    """One Sudachi morpheme; ``start``/``end`` are character offsets into the text tokenized.

    A named tuple rather than a frozen dataclass: a million texts make a billion tokens, and
    building a tuple is about a third cheaper.
    """

    surface: str
    normalized: str
    dictionary_form: str
    # Sudachi's six part-of-speech fields, e.g. ("名詞", "固有名詞", "人名", "姓", "*", "*").
    pos: tuple[str, ...]
    start: int
    end: int
    oov: bool = False  # not in the dictionary (rare names, new product words)


_local = threading.local()


def _tokenizer():
    """One Sudachi tokenizer per thread and process, built on first use (it cannot be pickled)."""
    tok = getattr(_local, "tokenizer", None)
    if tok is None or _local.pid != os.getpid():
        from sudachipy import Dictionary, SplitMode

        _local.dictionary = Dictionary(dict="core")
        tok = _local.dictionary.tokenizer(mode=SplitMode.C)
        _local.tokenizer = tok
        _local.pid = os.getpid()
    return tok


def dictionary_pos(surface: str) -> tuple[tuple[str, ...], ...]:
    """Every part of speech the dictionary lists for ``surface`` as one word, whatever the
    context (羽田 is both a surname and a place)."""
    _tokenizer()
    return tuple(tuple(m.part_of_speech()) for m in _local.dictionary.lookup(surface))


def sentences(text: str) -> list[str]:
    """Split on 。．！？!? and line breaks, keeping the closing punctuation; blank pieces dropped."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _chunks(text: str) -> list[tuple[int, str]]:
    """Pieces of ``text`` under Sudachi's byte limit, cut at sentence or line ends where possible."""
    if len(text) * 4 <= MAX_BYTES or len(text.encode("utf-8")) <= MAX_BYTES:
        return [(0, text)]
    pieces: list[tuple[int, str]] = []
    start = 0
    size = 0
    pos = 0
    for match in _SENTENCE.finditer(text):
        sentence = match.group()
        if not sentence:
            continue
        n = len(sentence.encode("utf-8"))
        if size + n > MAX_BYTES and size:
            pieces.append((start, text[start:pos]))
            start, size = pos, 0
        if n > MAX_BYTES:  # one endless "sentence": cut it by characters
            for i, ch in enumerate(sentence):
                b = len(ch.encode("utf-8"))
                if size + b > MAX_BYTES:
                    pieces.append((start, text[start : pos + i]))
                    start, size = pos + i, 0
                size += b
        else:
            size += n
        pos = match.end()
    if start < len(text):
        pieces.append((start, text[start:]))
    return pieces


# Texts and sentences recently tokenized. Masking, the sentiment lexicon, the classifier's word
# features and issue terms each ask for the same strings (a partition of 1,569 documents asked
# 20,414 times for 5,403 distinct strings), so each is tokenized once while it stays this recent.
TOKEN_CACHE_SIZE = 8192


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def tokens(text: str) -> tuple[Token, ...]:
    """Tokenize ``text`` (any length) with Sudachi mode C; offsets index into ``text``."""
    if not text:
        return ()
    tokenizer = _tokenizer()
    out: list[Token] = []
    for offset, piece in _chunks(text):
        for m in tokenizer.tokenize(piece):
            pos_id = m.part_of_speech_id()
            pos = _POS.get(pos_id)
            if pos is None:  # a few hundred distinct ones: build each tuple once
                pos = _POS[pos_id] = tuple(m.part_of_speech())
            out.append(
                Token(
                    m.surface(),
                    m.normalized_form(),
                    m.dictionary_form(),
                    pos,
                    m.begin() + offset,
                    m.end() + offset,
                    m.is_oov(),
                )
            )
    return tuple(out)


# Part-of-speech id → its six fields. Ids belong to the one dictionary koe loads (core).
_POS: dict[int, tuple[str, ...]] = {}


def _strip_placeholders(text: str) -> str:
    # A comma in place of the placeholder keeps words on either side from gluing together.
    return PLACEHOLDER.sub("、", text)


def forget_tokens() -> None:
    """Empty the caches of recent tokens (a benchmark's steps must not share them)."""
    tokens.cache_clear()
    _word_tokens.cache_clear()


@lru_cache(maxsize=64)
def _word_tokens(text: str) -> tuple[Token, ...]:
    """Tokens of ``text`` without its PII placeholders. Keywords, content words and aspect pairs
    of one text are asked for one after the other: a small cache tokenizes it once for all."""
    return tuple(tokens(_strip_placeholders(text)))


def is_stopword(token: Token) -> bool:
    return token.normalized in STOPWORDS or token.dictionary_form in STOPWORDS


def _is_content(token: Token) -> bool:
    pos = token.pos
    head, sub = pos[0], pos[1]
    if head == "名詞":
        if sub == "普通名詞":
            if pos[2] in ("副詞可能", "助数詞可能"):  # 今回, 先日, 件, 台: time and counters
                return False
        elif sub == "固有名詞":
            if pos[2] == "人名":  # personal data, never a keyword
                return False
        else:  # 数詞 and anything else
            return False
    elif head == "動詞" or head == "形容詞":
        pass
    elif head == "形状詞":
        if sub == "助動詞語幹":  # よう, そう, みたい
            return False
    else:
        return False
    surface = token.surface
    if _HIRAGANA_CHAR.match(surface) or _NUMBER_LIKE.match(surface):
        return False
    if not _HAS_LETTER.search(surface):
        return False
    return not is_stopword(token)


# Verbs that, between に and て, make a compound particle: について, に対して, に関して, によって.
_PARTICLE_VERBS = {"付く", "つく", "就く", "対する", "関する", "因る", "よる", "依る"}


def _in_compound_particle(toks: list[Token], i: int) -> bool:
    """``toks[i]`` is the verb of について / に対して / に関して / によって, not a predicate."""
    t = toks[i]
    return (
        t.pos[0] == "動詞"
        and t.normalized in _PARTICLE_VERBS
        and i > 0
        and toks[i - 1].surface == "に"
        and i + 1 < len(toks)
        and toks[i + 1].surface in ("て", "た", "ての", "ては")
    )


def content_words(text: str) -> list[str]:
    """Normalized forms of the content words in ``text``, in order, repeats kept.

    Nouns (common and proper, not numerals or person names), verbs, adjectives and adjectival
    nouns; stopwords, single hiragana, numbers, symbols and PII placeholders are dropped, and so
    is the verb inside compound particles such as について.
    """
    toks = _word_tokens(text)
    return [
        t.normalized
        for i, t in enumerate(toks)
        if _is_content(t) and not _in_compound_particle(toks, i)
    ]


# --- noun–predicate pairs ----------------------------------------------------------------------

# Normalized forms that read better in kana in a label.
_KANA_LEMMA = {
    "出来る": "できる",
    "為る": "する",
    "成る": "なる",
    "有る": "ある",
    "居る": "いる",
    "無い": "ない",
    "付く": "つく",
    "来る": "来る",
    "良い": "いい",
}
# Particles that tie a noun to the predicate that follows: 電源が / 画面も / アプリを / Wi-Fiに.
_ARG_PARTICLES = {"が", "は", "も", "を", "に", "って", "すら", "さえ"}
_PREDICATES = ("動詞", "形容詞")
# Predicates that say nothing about the issue on their own.
_PRED_SKIP = {
    "思う",
    "言う",
    "申す",
    "致す",
    "御座る",
    "頂く",
    "下さる",
    "呉れる",
    "貰う",
    "存じる",
    "願う",
    "見る",
    "仕舞う",
    "置く",
}
# Only worth a pair when negated: 充電しない, 電源がならない are issues, 注文する is not.
_PRED_NEG_ONLY = {"為る", "成る", "居る"}
# Verbs that continue a predicate after て: 入っている, 消えてしまう.
_AUX_VERBS = {"居る", "仕舞う", "置く", "来る", "行く", "見る", "有る"}
_A_ROW = dict(zip("うくぐすつぬぶむる", "わかがさたなばまら", strict=True))


def _lemma(token: Token) -> str:
    return _KANA_LEMMA.get(token.normalized, token.normalized)


def _negative(lemma: str, conj: str) -> str:
    """The plain negative (ない form) of a verb or adjective given Sudachi's conjugation type."""
    if conj.startswith("五段"):
        if lemma in ("ある", "有る"):
            return "ない"
        return lemma[:-1] + _A_ROW.get(lemma[-1], lemma[-1]) + "ない"
    if conj.startswith(("上一段", "下一段")):
        return lemma[:-1] + "ない"
    if conj.startswith("サ行変格"):
        return lemma[:-2] + ("じない" if lemma.endswith("ずる") else "しない")
    if conj.startswith("カ行変格"):
        return "こない" if lemma == "くる" else lemma[:-1] + "ない"
    if conj.startswith("形容詞"):
        return "よくない" if lemma == "いい" else lemma[:-1] + "くない"
    return lemma + "ない"


def _passive(lemma: str, conj: str) -> tuple[str, str]:
    """The passive form and its conjugation type: 認識する → 認識される, 読み込む → 読み込まれる."""
    if conj.startswith("五段"):
        return lemma[:-1] + _A_ROW.get(lemma[-1], lemma[-1]) + "れる", "下一段"
    if conj.startswith("サ行変格"):
        return lemma[:-2] + "される", "下一段"
    if conj.startswith(("上一段", "下一段")):
        return lemma[:-1] + "られる", "下一段"
    return lemma, conj


def _predicate_chain(toks: list[Token], i: int) -> tuple[bool, bool, int]:
    """Scan the auxiliaries after the predicate at ``i``: (negated, passive, index after chain)."""
    negated = passive = False
    k = i + 1
    n = len(toks)
    while k < n:
        t = toks[k]
        head = t.pos[0]
        if head == "助動詞":
            conj = t.pos[4]
            if conj in ("助動詞-ナイ", "助動詞-ヌ") and not t.pos[5].startswith("仮定形"):
                negated = True
            elif conj in ("助動詞-レル", "助動詞-ラレル") and not negated:
                passive = True
            k += 1
        elif head == "形容詞" and t.normalized == "無い":  # 良くない, 入ってない
            negated = True
            k += 1
        elif (
            head == "助詞"
            and t.surface in ("て", "で")
            and k + 1 < n
            and (toks[k + 1].pos[0] == "動詞" and toks[k + 1].normalized in _AUX_VERBS)
        ):
            k += 2
        elif head == "動詞" and t.pos[1] == "非自立可能" and t.normalized == "成る" and negated:
            k += 1  # 入らなくなった
        else:
            break
    return negated, passive, k


def _form(head: Token, negated: bool, passive: bool) -> str:
    lemma, conj = _lemma(head), head.pos[4]
    if passive:
        lemma, conj = _passive(lemma, conj)
    return _negative(lemma, conj) if negated else lemma


def _is_np_noun(t: Token) -> bool:
    pos = t.pos
    if pos[0] != "名詞" or t.oov and not _HAS_LETTER.search(t.surface):
        return False
    if pos[1] == "普通名詞":
        return pos[2] not in ("副詞可能", "助数詞可能")
    return pos[1] == "固有名詞" and pos[2] != "人名"


def _np_text(parts: list[Token]) -> str | None:
    parts = [p for p in parts[-3:] if not is_stopword(p)]
    if not parts:
        return None
    text = "".join(p.normalized for p in parts)
    return None if _HIRAGANA_CHAR.match(text) else text


def aspect_pairs(text: str) -> list[str]:
    """Noun–predicate pairs like ``充電|できない``, ``電源|入らない``, ``アプリ|起動しない``.

    The noun is the argument tied to the predicate by が/は/も/を/に (or directly, as in casual
    ``電源入らない``); the predicate is in plain form with negation and passive kept, past tense
    dropped. Normalized spellings are used so variants group: つながらない → ``繋がらない``.
    """
    toks = _word_tokens(text)
    pairs: list[str] = []
    np_parts: list[Token] = []
    arg: str | None = None
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        head = t.pos[0]
        nxt = toks[i + 1] if i + 1 < n else None
        if _is_np_noun(t):
            if (
                t.pos[2].startswith("サ変")
                and nxt is not None
                and nxt.pos[0] == "動詞"
                and nxt.normalized in ("為る", "出来る")
            ):
                negated, passive, end = _predicate_chain(toks, i + 1)
                if not negated and end < n and toks[end].normalized in ("事", "こと"):
                    np_parts = [t]  # ログインすることができない → ログイン|できない
                    i = end + 1
                    continue
                link = arg or _np_text(np_parts)
                verb = _form(nxt, negated, passive)
                if link:  # アプリが|起動しない, Wi-Fiに|接続できない
                    pairs.append(f"{link}|{t.normalized}{verb}")
                elif (negated or nxt.normalized == "出来る") and not is_stopword(t):
                    pairs.append(f"{t.normalized}|{verb}")  # 充電|できない, 反応|しない
                np_parts, arg = [], None
                i = end
                continue
            if (
                arg
                and t.pos[2].endswith("形状詞可能")
                and nxt is not None
                and nxt.pos[0] == "助動詞"
                and nxt.dictionary_form in ("です", "だ")
            ):
                pairs.append(f"{arg}|{t.normalized}")  # 動作が|不安定です
                np_parts, arg = [], None
                i += 1
                continue
            np_parts.append(t)
        elif head == "助詞":
            if t.surface in _ARG_PARTICLES and np_parts:
                arg = _np_text(np_parts)
            elif t.surface == "の" and np_parts and nxt is not None and nxt.pos[0] in _PREDICATES:
                # の before a predicate marks a relative clause's subject: 覚えのない請求 is
                # 覚えがない (not 身に…ない), 画面の割れたスマホ is 画面が割れた.
                arg = _np_text(np_parts)
            elif t.surface != "の":
                arg = None
            np_parts = []
        elif head == "動詞" and _in_compound_particle(toks, i):
            np_parts, arg = [], None  # アプリについて: no pair アプリ|つく
        elif head == "動詞":
            negated, passive, end = _predicate_chain(toks, i)
            link = arg or _np_text(np_parts)
            skip = t.normalized in _PRED_SKIP or (t.normalized in _PRED_NEG_ONLY and not negated)
            if link and not skip:
                pairs.append(f"{link}|{_form(t, negated, passive)}")
            np_parts, arg = [], None
            i = end
            continue
        elif head == "形容詞":
            if (
                t.pos[5].startswith("連用形")
                and nxt is not None
                and nxt.pos[0] in ("動詞", "助動詞")
                and nxt.normalized != "成る"
                and t.normalized != "無い"
            ):
                i += 1  # うまく|できない: an adverb here, not the predicate
                continue
            negated, _, end = _predicate_chain(toks, i)
            link = arg or _np_text(np_parts)
            if link:
                lemma = _lemma(t)
                pairs.append(f"{link}|{_negative(lemma, '形容詞') if negated else lemma}")
            np_parts, arg = [], None
            i = end
            continue
        elif head == "形状詞" and t.pos[1] == "一般":
            link = arg or _np_text(np_parts)
            if link and not is_stopword(t):
                pairs.append(f"{link}|{t.normalized}")
            np_parts, arg = [], None
        elif head in ("副詞", "接頭辞", "連体詞"):
            pass  # 全く, 全然, お: keep the pending argument
        elif (
            head == "接尾辞"
            and np_parts
            and t.pos[1] == "名詞的"
            and t.surface not in ("さん", "様", "さま", "氏", "君", "くん", "ちゃん")
        ):
            np_parts.append(t)  # 安定+性
        else:  # punctuation, auxiliaries, honorific suffixes, anything else ends the phrase
            np_parts, arg = [], None
        i += 1
    return pairs
