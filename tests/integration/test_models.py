"""The text classifier is built once per training-data digest, then loaded: never retrained on
the hot path (issue #12). Uses the real embedding model and the shipped training data."""

from __future__ import annotations

import pytest

from nlp import models


@pytest.fixture(scope="module")
def embedder():
    from nlp.embed import load_embedder

    return load_embedder()


def test_a_stored_model_is_loaded_not_rebuilt(embedder, monkeypatch):
    from nlp.embed import model_id

    key = model_id()
    first = models.load_classifier(embedder, key)  # built on first use, or loaded
    path = models.model_path(key)
    assert path.exists() and path.stat().st_size > 0
    assert not list(path.parent.glob(f".{path.name}.*.tmp"))  # no half-written copy left

    # A new process has nothing in memory: it must read the file, not train.
    monkeypatch.setattr(models, "_LOADED", {})
    monkeypatch.setattr(models, "build", lambda _: pytest.fail("rebuilt a stored model"))
    again = models.load_classifier(embedder, key)
    assert again is not first
    texts = ["返金してください。二度と買いません"]
    from nlp.classifier import sentence_vectors
    from nlp.embed import embed

    matrix, _ = embed(texts, ["h"], embedder, {})
    sentences = sentence_vectors(texts, embedder)
    assert again.predict(texts, matrix, sentences) == first.predict(texts, matrix, sentences)


def test_other_training_data_means_another_model(monkeypatch, tmp_path):
    key = "usem3-test"
    before = models.model_path(key)
    monkeypatch.setattr(models, "MODEL_VERSION", models.MODEL_VERSION + "-other")
    assert models.model_path(key) != before
    assert models.model_path(key).name.startswith("voice-usem3-test-")


def test_thresholds_are_applied_at_load_time(embedder, monkeypatch, tmp_path):
    from nlp.embed import model_id

    tuned = tmp_path / "thresholds.json"
    tuned.write_text('{"safety": 0.99}', encoding="utf-8")
    monkeypatch.setattr(models, "THRESHOLDS", tuned)
    assert models.load_classifier(embedder, model_id()).thresholds == {"safety": 0.99}


def test_a_model_whose_inputs_changed_during_its_build_is_not_stored(monkeypatch, tmp_path):
    """The digest is taken before the build: a training file edited while the model fits would
    be stored under a digest that does not describe it."""
    from koe.settings import reload

    monkeypatch.setenv("KOE_MODEL_DIR", str(tmp_path))
    reload()
    try:

        def build_while_the_data_changes(_embedder):
            monkeypatch.setattr(models, "MODEL_VERSION", models.MODEL_VERSION + "-edited")
            return object()

        monkeypatch.setattr(models, "build", build_while_the_data_changes)
        with pytest.raises(RuntimeError, match="changed while a model was being built"):
            models.load_classifier(None, "usem3-test")
        assert not list(tmp_path.iterdir())
    finally:
        monkeypatch.delenv("KOE_MODEL_DIR")
        reload()
