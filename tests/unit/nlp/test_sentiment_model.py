"""The sentiment classifier: its training data, its features and its version stamp."""

from __future__ import annotations

import numpy as np
import pytest

from nlp import sentiment_model
from nlp.sentiment_model import LABELS, SentimentClassifier, load_training, training_digest


def test_training_data_is_labelled_and_shares_no_text_with_the_evaluation_set():
    from eval.dataset import load_texts

    texts, labels = load_training()
    assert len(texts) >= 900
    assert set(labels) == set(LABELS)
    assert min(labels.count(label) for label in LABELS) >= 100
    evaluation = {t.text for t in load_texts()}
    assert not evaluation & set(texts)


def test_a_bad_training_line_names_its_file_and_line(tmp_path):
    path = tmp_path / "sentiment_train_x.jsonl"
    path.write_text(
        '{"text": "よい", "sentiment": "positive"}\n{"text": "x", "sentiment": "meh"}\n'
    )
    with pytest.raises(ValueError, match="sentiment_train_x.jsonl:2"):
        load_training([path])


def test_the_classifier_learns_from_ngrams_and_embeddings():
    texts = [
        "電源が入らない",
        "動かない",
        "とても良い",
        "最高です",
        "営業時間は？",
        "住所変更したい",
    ] * 4
    labels = ["negative", "negative", "positive", "positive", "neutral", "neutral"] * 4
    rng = np.random.default_rng(0)
    axis = {"negative": 0, "positive": 1, "neutral": 2}
    embeddings = np.array([np.eye(4)[axis[y]] + rng.normal(0, 0.1, 4) for y in labels])
    model = SentimentClassifier().fit(texts, embeddings, labels)
    predicted = model.predict(["電源が入らない", "最高です"], embeddings[[0, 2]])
    assert [p.label for p in predicted] == ["negative", "positive"]
    assert predicted[0].score < 0 < predicted[1].score
    assert model.predict([], np.zeros((0, 4))) == []
    with pytest.raises(ValueError, match="2 texts but 1 embeddings"):
        model.predict(["a", "b"], embeddings[:1])


def test_other_training_data_gives_another_version(tmp_path, monkeypatch):
    (tmp_path / "sentiment_train.jsonl").write_text('{"text": "よい", "sentiment": "positive"}\n')
    monkeypatch.setattr(sentiment_model, "TRAINING_DIR", tmp_path)
    before = training_digest()
    (tmp_path / "sentiment_train_b.jsonl").write_text('{"text": "だめ", "sentiment": "negative"}\n')
    assert training_digest() != before
