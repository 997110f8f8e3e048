"""Issue labels and ids: c-TF-IDF over Sudachi terms rendered as short Japanese, stable ids."""

from __future__ import annotations

import re

import pytest

from nlp.issues.labels import (
    class_tfidf,
    is_displayable,
    issue_id,
    make_label,
    pick_keywords,
    render_term,
)
from nlp.issues.model import issue_terms
from tests.support.issue_corpus import COMPLAINTS, PROBLEM_TERMS


@pytest.fixture(scope="module")
def planted_classes() -> dict[tuple[str, str], list[list[str]]]:
    """Sudachi terms of the hand-written complaints, grouped by their planted issue."""
    classes: dict[tuple[str, str], list[list[str]]] = {}
    for product, problem, text in COMPLAINTS:
        classes.setdefault((product, problem), []).append(issue_terms(text))
    return classes


@pytest.fixture(scope="module")
def planted_labels(planted_classes) -> dict[tuple[str, str], str]:
    keys = sorted(planted_classes)
    ranked = class_tfidf([planted_classes[k] for k in keys])
    return {k: make_label(pick_keywords(scored)) for k, scored in zip(keys, ranked, strict=True)}


def test_pairs_render_without_the_bar():
    assert render_term("充電|できない") == "充電できない"
    assert render_term("バッテリー") == "バッテリー"


@pytest.mark.parametrize("term", ["が", "ね", "123", "3.5%", "ー", "えー", "e"])
def test_particles_numbers_and_fillers_are_not_displayable(term):
    assert not is_displayable(term)


@pytest.mark.parametrize("term", ["充電", "Wi-Fi", "充電|できない", "ちらつく", "アプリ"])
def test_words_with_meaning_are_displayable(term):
    assert is_displayable(term)


def test_class_tfidf_ranks_distinctive_words_over_shared_ones():
    charging = [["充電", "購入", "ケーブル"], ["充電", "購入"], ["充電", "購入", "充電|できない"]]
    delivery = [["配送", "購入"], ["配送", "購入", "届く"], ["配送", "購入"]]
    ranked = class_tfidf([charging, delivery])
    assert ranked[0][0][0] == "充電"
    assert ranked[1][0][0] == "配送"
    charging_scores = dict(ranked[0])
    assert charging_scores["充電"] > charging_scores["購入"]  # 購入 appears everywhere


def test_a_word_repeated_in_one_document_counts_once():
    ranked = class_tfidf([[["返金"] * 20 + ["対応"]], [["返金", "対応"]], [["配送"]]])
    assert dict(ranked[0]) == pytest.approx(dict(ranked[1]))


def test_ties_are_broken_by_the_term_so_ranking_is_reproducible():
    ranked = class_tfidf([[["ベルト", "バンド"]], [["充電"]]])
    assert [t for t, _ in ranked[0]] == ["バンド", "ベルト"]


def test_pick_keywords_skips_undisplayable_terms_and_rendered_duplicates():
    scored = [("が", 9.0), ("充電|できない", 8.0), ("充電できない", 7.0), ("ケーブル", 6.0)]
    assert pick_keywords(scored, n=5) == ["充電|できない", "ケーブル"]


def test_label_prefers_the_negated_pair_over_the_bare_word():
    assert make_label(["充電", "充電|できない", "バッテリー"]) == "充電できない（バッテリー）"
    assert make_label(["音", "イヤホン", "音|出ない"]) == "音出ない（イヤホン）"


def test_label_reads_as_a_phrase_never_ending_in_a_meaningless_word():
    # The demo once showed 「充電できない・ケーブル・別」: 別 means nothing alone.
    label = make_label(["充電|できない", "ケーブル", "別", "充電台"])
    assert label == "充電できない（ケーブル・充電台）"
    assert make_label(["充電|できない", "別"]) == "充電できない"


def test_a_pair_that_says_something_broke_heads_the_label():
    # The demo once showed 「押す（ボタン・アプリ落ちる）」: what goes wrong was last.
    assert make_label(["押す", "ボタン", "アプリ|落ちる"]) == "アプリ落ちる（押す・ボタン）"
    # A negated pair still comes first.
    assert (
        make_label(["声|途切れる", "通話|できない", "相手"]) == "通話できない（声途切れる・相手）"
    )


def test_label_does_not_promote_a_harmless_pair():
    assert make_label(["発送", "ウォッチ", "ウォッチ|頼む", "届く"]) == "発送（ウォッチ・届く）"


def test_a_one_character_word_never_heads_a_label():
    assert make_label(["急", "運転手", "乗る"]) == "運転手（乗る）"


def test_label_has_at_most_two_qualifiers_and_stays_short():
    label = make_label(["ログイン|できない", "パスワード", "認証コード", "機種変更", "エラー"])
    assert label.count("・") <= 1
    assert len(label) <= 24
    assert label.startswith("ログインできない（パスワード")


def test_label_of_nothing_is_empty():
    assert make_label([]) == ""


def test_planted_issues_get_short_labels_naming_the_problem(planted_labels):
    for (product, problem), label in planted_labels.items():
        assert 2 <= len(label) <= 24, label
        assert not re.search(r"[。、！？\s]", label), label
        assert any(term in label for term in PROBLEM_TERMS[problem]), (product, problem, label)


def test_planted_labels_are_distinct(planted_labels):
    labels = list(planted_labels.values())
    assert len(set(labels)) == len(labels), labels


def test_charging_label_says_charging_fails(planted_labels):
    assert planted_labels[("kw3", "charge")].startswith("充電できない")


def test_issue_id_depends_on_the_top_keywords_as_a_set():
    a = issue_id(["充電|できない", "ケーブル", "充電器", "ランプ"])
    b = issue_id(["ケーブル", "充電器", "充電|できない", "ランプ"])
    assert a == b
    assert re.fullmatch(r"iss_[0-9a-f]{12}", a)
    # Only the top three count: a change further down keeps the issue's identity.
    assert a == issue_id(["充電|できない", "ケーブル", "充電器", "USB"])
    assert a != issue_id(["充電|できない", "ケーブル", "バッテリー"])


def test_issue_id_salt_separates_products():
    keywords = ["届く", "発送", "注文"]
    assert issue_id(keywords, "kw3") != issue_id(keywords, "e2")
    assert issue_id(keywords, "kw3") == issue_id(keywords, "kw3")
