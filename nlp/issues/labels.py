"""Readable names for issues: class-based TF-IDF over Sudachi terms, rendered as short Japanese.

Terms are what :func:`nlp.tokenize.content_words` and :func:`nlp.tokenize.aspect_pairs` return;
an aspect pair ``"充電|できない"`` reads ``充電できない`` in labels and keywords.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Sequence

LABEL_SEPARATOR = "・"
MAX_QUALIFIERS = 2
HEAD_FROM = 4  # a pair this high among the keywords heads the label
MAX_LABEL_CHARS = 24
N_KEYWORDS = 8
ID_TERMS = 3

# A term worth showing has a kanji or katakana, two Latin letters (not the "e" of "E2"), or is
# kana of three or more.
_MEANINGFUL = re.compile(r"[\u4e00-\u9fff\u30a1-\u30fa]|[A-Za-z]{2}|[\u3041-\u3096ー]{3,}")
_NUMERIC = re.compile(r"^[\d.,:%/\-]+$")


def render_term(term: str) -> str:
    """``"充電|できない"`` → ``"充電できない"``; plain words are returned unchanged."""
    return term.replace("|", "")


def is_displayable(term: str) -> bool:
    """Drop bare numbers, symbols and short kana (particles, fillers) from labels and keywords."""
    shown = render_term(term)
    return bool(shown) and not _NUMERIC.match(shown) and bool(_MEANINGFUL.search(shown))


def class_tfidf(
    class_terms: Sequence[Sequence[Sequence[str]]],
) -> list[list[tuple[str, float]]]:
    """c-TF-IDF (BERTopic's formula) per class, best first; ties broken by the term itself.

    ``class_terms[c]`` holds the term lists of class ``c``'s documents. A term's weight in a class
    is its share of the class's terms times ``log(1 + A / f_t)``, where ``A`` is the average number
    of terms per class and ``f_t`` the term's count over all classes — so words every class uses
    (購入, 商品) sink and the words that set a class apart rise. Each term counts once per
    document, so one long email repeating a word cannot dominate a class.
    """
    counts = [Counter(t for doc in docs for t in set(doc)) for docs in class_terms]
    totals = Counter()
    for c in counts:
        totals.update(c)
    n_classes = max(len(counts), 1)
    avg = sum(totals.values()) / n_classes or 1.0
    ranked: list[list[tuple[str, float]]] = []
    for c in counts:
        size = sum(c.values()) or 1
        scores = [(t, (n / size) * math.log(1 + avg / totals[t])) for t, n in c.items()]
        scores.sort(key=lambda ts: (-ts[1], ts[0]))
        ranked.append(scores)
    return ranked


def pick_keywords(scored: Sequence[tuple[str, float]], n: int = N_KEYWORDS) -> list[str]:
    """Top ``n`` displayable terms, raw (pairs keep their ``|``), without rendered duplicates."""
    seen: set[str] = set()
    picked: list[str] = []
    for term, _ in scored:
        shown = render_term(term)
        if shown in seen or not is_displayable(term):
            continue
        seen.add(shown)
        picked.append(term)
        if len(picked) == n:
            break
    return picked


def make_label(keywords: Sequence[str]) -> str:
    """A phrase: what goes wrong, then up to two words that narrow it down, in brackets.

    ``["充電", "充電|できない", "ケーブル", "充電台"]`` → ``充電できない（ケーブル・充電台）``. The
    head is a negated pair among the first `HEAD_FROM` keywords (a word heading one counts as
    the pair: 充電 → 充電できない), which says what goes wrong; else the first keyword of two
    characters or more. A word already inside the head, or of one character (別, 件, 方: they
    mean nothing alone), is never a qualifier, so a label cannot end in a meaningless word.
    """
    shown = [render_term(_as_problem(term, keywords)) for term in keywords]
    if not shown:
        return ""
    head = _head(keywords, shown)
    qualifiers: list[str] = []
    for word in shown:
        if len(word) < 2 or any(word in p or p in word for p in [head, *qualifiers]):
            continue
        if len(_phrase(head, [*qualifiers, word])) > MAX_LABEL_CHARS:
            break
        qualifiers.append(word)
        if len(qualifiers) == MAX_QUALIFIERS:
            break
    return _phrase(head, qualifiers)


# Predicates that say something broke, as aspect pairs carry them (dictionary forms): a pair
# ending in one says what goes wrong as plainly as a negated one (アプリ|落ちる, 声|途切れる).
PROBLEM_PREDICATES = frozenset((
    "落ちる", "切れる", "途切れる", "漏れる", "割れる", "外れる", "止まる", "固まる", "壊れる",
    "焦げる", "剥がれる", "詰まる", "消える", "破れる", "欠ける", "曲がる", "錆びる", "溶ける",
    "腫れる", "濁る", "遅れる", "熱い", "臭い", "痛い", "痒い", "遅い",
))  # fmt: skip


def _negated(pair: str) -> bool:
    return pair.endswith("ない")


def _breaks(pair: str) -> bool:
    return pair.split("|")[1] in PROBLEM_PREDICATES


def _head(keywords: Sequence[str], shown: Sequence[str]) -> str:
    """What the label is about: a pair among the first few keywords that says what goes wrong
    (negated first: ログインできない; else a breaking predicate: アプリ落ちる), else the first
    word of two characters or more (not 急, 別)."""
    first = list(zip(keywords, shown, strict=True))[:HEAD_FROM]
    for goes_wrong in (_negated, _breaks):
        for term, word in first:
            pair = _as_problem(term, keywords)
            if "|" in pair and goes_wrong(pair):
                return word
    return next((word for word in shown if len(word) >= 2), shown[0])


def _as_problem(term: str, keywords: Sequence[str]) -> str:
    """A word that heads a negated pair among the keywords reads better as the pair, which says
    what goes wrong: 充電 → 充電できない, 音 → 音出ない."""
    if "|" in term:
        return term
    return next((k for k in keywords if k.startswith(f"{term}|") and k.endswith("ない")), term)


def _phrase(head: str, qualifiers: Sequence[str]) -> str:
    return f"{head}（{LABEL_SEPARATOR.join(qualifiers)}）" if qualifiers else head


def issue_id(keywords: Sequence[str], salt: str = "") -> str:
    """``iss_`` + 12 hex digits from the issue's top keywords, as a set.

    Keywords rather than member documents: re-clustering after a day of new feedback moves the
    most central documents around, while a recurring issue's top c-TF-IDF terms stay put, so the
    id survives between runs whenever the issue itself does. ``salt`` separates two issues that
    happen to share their top terms.
    """
    key = "\x1f".join(sorted(render_term(k) for k in keywords[:ID_TERMS]))
    return "iss_" + hashlib.sha256(f"{key}\x1e{salt}".encode()).hexdigest()[:12]
