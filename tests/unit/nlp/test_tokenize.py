"""Sudachi tokenization with the real core dictionary: content words and noun–predicate pairs."""

from __future__ import annotations

import pytest

from nlp.tokenize import aspect_pairs, content_words, sentences, tokens


def test_tokens_carry_offsets_into_the_original_text():
    text = "電源が入りません。"
    for token in tokens(text):
        assert text[token.start : token.end] == token.surface
    assert tokens("") == ()


def test_offsets_stay_right_beyond_sudachis_input_limit():
    text = "充電できません。" * 3000  # ~72 KB of UTF-8, over Sudachi's 49 KB limit
    toks = tokens(text)
    assert all(text[t.start : t.end] == t.surface for t in toks)
    assert sum(t.surface == "充電" for t in toks) == 3000


def test_content_words_are_normalized_lemmas():
    assert content_words("スマホと全然つながらなかった") == ["スマホ", "繋がる"]
    assert content_words("イヤホンが壊れてしまいました") == ["イヤホン", "壊れる"]


def test_light_verbs_particles_and_auxiliaries_are_not_content():
    # 出来る (normalized form of できない) is a light verb: only 充電 carries the topic.
    assert content_words("充電が出来ないんですけど") == ["充電"]
    assert content_words("充電ができませんでした") == ["充電"]


def test_politeness_and_generic_words_are_dropped():
    words = content_words("お世話になっております。先日購入したイヤホンの件でご連絡いたしました。")
    assert "イヤホン" in words
    assert not {"世話", "お世話", "御世話", "先日", "件", "致す", "居る"} & set(words)


def test_mask_placeholders_never_become_words():
    text = "［氏名］です。［電話番号］まで折り返しお願いします。ご注文は［注文番号］、届け先は［住所］です"
    assert content_words(text) == ["折り返す", "注文", "届け先"]
    # NFKC folds the brackets to ASCII; the placeholders must still vanish.
    assert content_words("[氏名]です。[電話番号]まで折り返しお願いします。") == ["折り返す"]


def test_person_names_are_not_keywords():
    assert "山田" not in content_words("山田さんに電話したけど繋がらない")


def test_spelling_variants_share_one_form():
    assert content_words("バッテリがすぐ減る") == content_words("バッテリーがすぐ減る")
    assert content_words("WiFiに接続できない") == content_words("Wi-Fiに接続できない")
    assert aspect_pairs("充電が出来ない") == aspect_pairs("充電ができない") == ["充電|できない"]


def test_compound_particles_are_not_predicates():
    assert aspect_pairs("イヤホンについて質問です") == []
    assert "つく" not in content_words("アプリについて")
    assert aspect_pairs("アプリについてですが、ログインできません") == ["ログイン|できない"]


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("充電できない", "充電|できない"),
        ("昨日から充電ができなくなりました。", "充電|できない"),
        ("電源が入らない", "電源|入らない"),
        ("電源が全く入りません", "電源|入らない"),
        ("朝から電源入らないんだけど", "電源|入らない"),
        ("Wi-Fiにつながらない", "Wi-Fi|繋がらない"),
        ("アプリが起動しない", "アプリ|起動しない"),
        ("音が出なくなった", "音|出ない"),
        ("ログインすることができません", "ログイン|できない"),
        ("明細が反映されない", "明細|反映されない"),
    ],
)
def test_aspect_pairs_keep_negation(text, pair):
    assert pair in aspect_pairs(text)


def test_affirmative_and_negative_pairs_differ():
    assert aspect_pairs("アプリが起動する") == ["アプリ|起動する"]
    assert aspect_pairs("アプリが起動しない") == ["アプリ|起動しない"]
    assert aspect_pairs("画面が割れていました") == ["画面|割れる"]  # past and ている dropped


def test_plain_actions_without_a_problem_give_no_pair():
    assert aspect_pairs("注文しました") == []
    assert aspect_pairs("") == []


def test_sentences_split_on_japanese_punctuation_and_lines():
    assert sentences("電源が入らない。充電もできない！\nどうすれば？") == [
        "電源が入らない。",
        "充電もできない！",
        "どうすれば？",
    ]


def test_a_string_is_tokenized_once_while_it_is_recent():
    from nlp.tokenize import forget_tokens

    forget_tokens()
    first = tokens("充電ケーブルが断線しました")
    assert tokens("充電ケーブルが断線しました") is first
    assert tokens.cache_info().hits == 1
    forget_tokens()
    assert tokens("充電ケーブルが断線しました") is not first


def test_each_local_step_starts_with_empty_caches_as_an_airflow_task_does():
    from pipeline.local import _as_a_task

    tokens("返品したいです")
    assert _as_a_task(lambda: tokens.cache_info().currsize) == 0


def test_no_before_a_predicate_marks_its_subject():
    """In a relative clause の stands for が: 覚えのない請求 is 覚えがない, so the label of a billing
    issue cannot read 「請求（覚え・身ない）」 (身に覚えのない once gave the pair 身|ない)."""
    assert aspect_pairs("身に覚えのない請求がありました") == ["覚え|ない", "請求|ある"]
    assert aspect_pairs("電源の入らない状態です") == ["電源|入らない"]
    assert aspect_pairs("画面の割れたスマホが届いた") == ["画面|割れる", "スマホ|届く"]
    assert aspect_pairs("アプリの使い方") == []  # の between nouns links nothing
