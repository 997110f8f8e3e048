"""Sentiment as a small classifier over character n-grams, the sentence embedding and the lexicon.

The polarity lexicon alone (``nlp.sentiment``) misses most complaints: 「排水しない。E21表示」 carries no
polar word, yet a problem report is negative, and mock praise (「顎が鍛えられます💪」) is too. A
logistic regression over character n-grams and the embedding learns both from hand-labelled
texts shipped with koe (``nlp/data/sentiment_train*.jsonl``). They were written for other
products and services than the evaluation set's, so ``make eval`` measures it on texts it never saw.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import MutableMapping, Sequence
from pathlib import Path

import numpy as np

from nlp.normalize import normalize
from nlp.sentiment import NEGATIVE, NEUTRAL, POSITIVE, Sentiment, raw_score
from nlp.vectors import unit_rows

TRAINING_DIR = Path(__file__).resolve().parent / "data"
LABELS = (NEGATIVE, NEUTRAL, POSITIVE)


def load_training(paths: Sequence[Path] | None = None) -> tuple[list[str], list[str]]:
    """Texts and labels of the training files; a bad line fails with its file and line."""
    texts, labels = [], []
    for path in paths if paths is not None else training_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("sentiment") not in LABELS or not str(row.get("text", "")).strip():
                raise ValueError(f"{path.name}:{number}: needs a text and a sentiment in {LABELS}")
            texts.append(row["text"])
            labels.append(row["sentiment"])
    return texts, labels


def training_files() -> list[Path]:
    return sorted(TRAINING_DIR.glob("sentiment_train*.jsonl"))


def training_digest() -> str:
    """12 hex digits over the training files: other training data, other sentiments."""
    digest = hashlib.sha256()
    for path in training_files():
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


class SentimentClassifier:
    """Multinomial logistic regression on [character n-gram TF-IDF | unit embedding | lexicon].

    Character n-grams of the normalized text carry the cues of register and intent that a
    sentence embedding blurs (「教えて」「ほしい」「？」「星5」, emoji, 笑); the embedding carries
    what a problem report means when it uses no telling word; the lexicon's squashed score
    (``nlp.sentiment``) adds its rules for negation and contrast as one more feature.

    Parameters
    ----------
    C:
        Inverse regularisation strength of the logistic regression.
    embedding_weight:
        Scale of the unit embedding beside the unit TF-IDF row (0 = n-grams only).
    lexicon_weight:
        Scale of the lexicon score, tanh(raw / 2) in [−1, 1] (0 = no lexicon).
    ngram_range:
        Character n-gram lengths.
    """

    def __init__(
        self,
        C: float = 4.0,
        embedding_weight: float = 1.0,
        lexicon_weight: float = 0.5,
        ngram_range: tuple[int, int] = (1, 3),
    ) -> None:
        self.C = C
        self.embedding_weight = embedding_weight
        self.lexicon_weight = lexicon_weight
        self.ngram_range = ngram_range

    def _features(self, texts: Sequence[str], embeddings: np.ndarray):
        from scipy.sparse import csr_matrix, hstack

        embeddings = np.asarray(embeddings, dtype=np.float64)
        if len(texts) != len(embeddings):
            raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings")
        unit = unit_rows(embeddings)
        ngrams = self.vectorizer_.transform(list(texts))
        lexicon = np.array([[math.tanh(raw_score(t) / 2)] for t in texts]).reshape(-1, 1)
        return hstack(
            [
                ngrams,
                csr_matrix(unit * self.embedding_weight),
                csr_matrix(lexicon * self.lexicon_weight),
            ]
        ).tocsr()

    def fit(
        self, texts: Sequence[str], embeddings: np.ndarray, labels: Sequence[str]
    ) -> SentimentClassifier:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        unknown = set(labels) - set(LABELS)
        if unknown:
            raise ValueError(f"unknown sentiment labels {sorted(unknown)}")
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            min_df=2,
            sublinear_tf=True,
            preprocessor=normalize,
        ).fit(list(texts))
        self.model_ = LogisticRegression(C=self.C, max_iter=5000)
        self.model_.fit(self._features(texts, embeddings), list(labels))
        return self

    def predict(self, texts: Sequence[str], embeddings: np.ndarray) -> list[Sentiment]:
        """One Sentiment per text; the score is P(positive) − P(negative), 0.0 when neutral."""
        if not len(texts):
            return []
        proba = self.model_.predict_proba(self._features(texts, embeddings))
        classes = list(self.model_.classes_)
        out = []
        for row in proba:
            label = classes[int(np.argmax(row))]
            score = float(row[classes.index(POSITIVE)] - row[classes.index(NEGATIVE)])
            out.append(Sentiment(label, 0.0 if label == NEUTRAL else round(score, 4)))
        return out


_TRAINED: dict[str, SentimentClassifier] = {}


def training_hashes(texts: Sequence[str]) -> list[str]:
    """Content hashes of training texts, in the same key space as the embedding cache."""
    return [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]


def trained_classifier(
    embedder, model_key: str, cache: MutableMapping[str, np.ndarray] | None = None
) -> SentimentClassifier:
    """The classifier trained on the shipped files with ``embedder``'s vectors, once per process.

    ``model_key`` (``nlp.embed.model_id()``) names the embedder: a classifier is only valid for
    the embedding space it was trained in. ``cache`` (content hash → vector) spares embedding the
    training texts again; vectors it lacked are added to it, for the caller to keep.
    """
    key = f"{model_key}+{training_digest()}"
    if key not in _TRAINED:
        from nlp.embed import embed

        texts, labels = load_training()
        matrix, new = embed(texts, training_hashes(texts), embedder, cache or {})
        if cache is not None:
            cache.update(new)
        _TRAINED[key] = SentimentClassifier().fit(texts, matrix, labels)
    return _TRAINED[key]
