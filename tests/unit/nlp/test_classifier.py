"""The text classifier's heads, on a tiny hand-made training set with stand-in embeddings.

These check the mechanics (one feature matrix, the heads, thresholds); what the classifier
is worth is measured by ``make eval`` and pinned by tests/unit/eval/test_quality.py.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from koe.vocabulary import FLAGS
from nlp.classifier import VoiceClassifier, sentence_units, word_ngrams
from nlp.training import Example


def _examples() -> list[Example]:
    refund = "返金してください。届いた商品が壊れていました"
    calm = "画面に線が出ます。直し方を教えてください"
    praise = "最高でした！ありがとうございます😊"
    question = "営業時間は何時までですか"
    legal = "誠意ある回答がなければ弁護士に相談します"
    decoy = "返金までは求めていません。交換をお願いします"
    request = "家族で共有できる機能を追加してほしいです"
    rows = [
        Example(refund, "negative", True, frozenset({"refund_request"}), kind="complaint"),
        Example(calm, "neutral", True, frozenset(), kind="complaint"),
        Example(praise, "positive", False, frozenset(), kind="praise"),
        Example(question, "neutral", False, frozenset(), kind="question"),
        Example(legal, "negative", True, frozenset({"legal_threat"}), kind="complaint"),
        Example(
            decoy,
            "neutral",
            True,
            frozenset(),
            decoys=frozenset({"refund_request"}),
            kind="complaint",
        ),
        Example(
            "Xで晒します。二度と買わない",
            "negative",
            True,
            frozenset({"sns_threat", "churn"}),
            kind="complaint",
        ),
        Example(
            "責任者を出してください",
            "negative",
            True,
            frozenset({"escalation_demand"}),
            kind="complaint",
        ),
        Example(
            "焦げ臭くて煙が出ました", "negative", True, frozenset({"safety"}), kind="complaint"
        ),
        Example(request, "neutral", False, frozenset(), kind="request"),
    ]
    return rows * 4  # min_df=2 needs every n-gram twice


def _vector(text: str) -> np.ndarray:
    """A stand-in embedding: seeded by the text, so equal texts get equal rows."""
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")
    return np.random.default_rng(seed).normal(size=16)


def _embeddings(texts: list[str]) -> np.ndarray:
    return np.vstack([_vector(t) for t in texts]) if texts else np.zeros((0, 16))


def _sentences(texts: list[str]) -> list[np.ndarray]:
    return [_embeddings(sentence_units(t)) for t in texts]


def _inputs(texts: list[str]) -> tuple[np.ndarray, list[np.ndarray]]:
    return _embeddings(texts), _sentences(texts)


@pytest.fixture(scope="module")
def fitted() -> VoiceClassifier:
    examples = _examples()
    return VoiceClassifier().fit(examples, *_inputs([e.text for e in examples]))


def test_each_head_learns_its_training_texts(fitted):
    texts = [e.text for e in _examples()[:6]]
    judged = fitted.predict(texts, *_inputs(texts))
    assert [j.sentiment for j in judged] == [
        "negative",
        "neutral",
        "positive",
        "neutral",
        "negative",
        "neutral",
    ]
    assert [j.complaint for j in judged] == [True, True, False, False, True, True]
    assert judged[0].flags == ("refund_request",)
    assert judged[4].flags == ("legal_threat",)
    assert judged[5].flags == ()  # the decoy
    assert judged[2].sentiment_score > 0 > judged[0].sentiment_score
    assert judged[1].sentiment_score == 0.0


def test_thresholds_decide_what_fires(fitted):
    text = ["返金してください。届いた商品が壊れていました"]
    p = fitted.probabilities(text, *_inputs(text))
    assert set(p) >= {"negative", "neutral", "positive", "complaint", *FLAGS}
    fitted.thresholds = {"refund_request": float(p["refund_request"][0]) + 1e-6}
    try:
        assert "refund_request" not in fitted.predict(text, *_inputs(text))[0].flags
    finally:
        fitted.thresholds = {}


def test_a_flag_without_positive_texts_cannot_be_trained():
    examples = [e for e in _examples() if "safety" not in e.flags]
    with pytest.raises(ValueError, match="flag 'safety' needs positive and negative"):
        VoiceClassifier().fit(examples, *_inputs([e.text for e in examples]))


def test_questions_and_requests_are_inquiries_and_problem_reports_or_praise_never(fitted):
    texts = [
        "営業時間は何時までですか",
        "家族で共有できる機能を追加してほしいです",
        "最高でした！ありがとうございます😊",
        "画面に線が出ます。直し方を教えてください",
    ]
    judged = fitted.predict(texts, *_inputs(texts))
    assert [j.inquiry for j in judged] == ["question", "request", None, None]
    p = fitted.probabilities(texts, *_inputs(texts))
    assert np.allclose(p["inquiry"], p["question"] + p["request"])


def test_the_inquiry_threshold_decides_what_counts_as_a_question(fitted):
    text = ["営業時間は何時までですか"]
    p = fitted.probabilities(text, *_inputs(text))
    fitted.thresholds = {"inquiry": float(p["inquiry"][0]) + 1e-6}
    try:
        assert fitted.predict(text, *_inputs(text))[0].inquiry is None
    finally:
        fitted.thresholds = {}


def test_the_kind_head_cannot_be_trained_without_requests():
    examples = [e for e in _examples() if e.kind != "request"]
    with pytest.raises(ValueError, match=r"the kind head needs \['request'\]"):
        VoiceClassifier().fit(examples, *_inputs([e.text for e in examples]))


def test_no_texts_no_judgements(fitted):
    assert fitted.predict([], np.zeros((0, 16)), []) == []


def test_mismatched_embeddings_are_refused(fitted):
    with pytest.raises(ValueError, match="2 texts but 1 embeddings"):
        fitted.predict(["a", "b"], np.zeros((1, 16)), _sentences(["a", "b"]))


def test_a_flag_stated_in_one_sentence_of_a_long_text_is_found(fitted):
    text = [
        "いつもお世話になっております。先日購入した商品について連絡します。責任者を出してください"
    ]
    assert "escalation_demand" in fitted.predict(text, *_inputs(text))[0].flags


def test_sentence_units_cut_at_sentence_ends_and_keep_a_text_without_any():
    assert sentence_units("届きました。壊れています！\n返金して") == [
        "届きました。",
        "壊れています！",
        "返金して",
    ]
    assert sentence_units("。") == ["。"]


def test_word_ngrams_are_normalized_forms_and_their_bigrams():
    grams = word_ngrams("解約しました")
    assert "解約" in grams and any(" " in g for g in grams)
    assert word_ngrams("解約します")[0] == grams[0]


def test_a_stored_model_goes_stale_when_the_code_that_masks_its_training_texts_changes(
    monkeypatch,
):
    """Masking rewrites the training texts: a model built under other masking rules is another
    model, although the training files are the same (CI caught a stale one once)."""
    from nlp import models

    before = models.model_digest("usem3")
    assert models.model_digest("usem3") == before  # deterministic
    assert "pii.py" in models._INPUT_CODE
    monkeypatch.setattr(
        models, "_INPUT_CODE", tuple(n for n in models._INPUT_CODE if n != "pii.py")
    )
    assert models.model_digest("usem3") != before


def test_sentence_heads_are_averaged_over_seeded_subsamples():
    examples = _examples() * 2
    again = VoiceClassifier().fit(examples, *_inputs([e.text for e in examples]))
    assert all(len(heads) == 3 for heads in again.sentence_flags_.values())
    # Each fit saw its own texts.
    first, second, _ = again.sentence_flags_["refund_request"]
    assert not np.array_equal(first.coef_, second.coef_)
    # Seeded subsamples: a second fit on the same texts answers exactly as the first.
    twice = VoiceClassifier().fit(examples, *_inputs([e.text for e in examples]))
    texts = [e.text for e in _examples()[:6]]
    a, b = again.probabilities(texts, *_inputs(texts)), twice.probabilities(texts, *_inputs(texts))
    assert all(np.array_equal(a[f], b[f]) for f in FLAGS)


def test_one_sentence_bag_fits_every_text_once():
    examples = _examples()
    once = VoiceClassifier(sentence_bags=1).fit(examples, *_inputs([e.text for e in examples]))
    assert all(len(heads) == 1 for heads in once.sentence_flags_.values())
    with pytest.raises(ValueError, match="sentence_bags must be at least 1"):
        VoiceClassifier(sentence_bags=0)
