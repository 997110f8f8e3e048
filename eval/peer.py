"""BERTopic as the peer koe is compared with, on the same texts and the same embeddings.

BERTopic is an evaluation-only dependency (``requirements-eval.txt``); nothing koe runs in
production imports it. It gets a Japanese-aware vectorizer (Sudachi content words, as koe's own
lexical view uses), because its default regex tokenizer cannot split Japanese into words.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nlp.issues.model import issue_terms

RANDOM_STATE = 42


@dataclass(frozen=True)
class PeerRun:
    name: str
    topics: list[int | None]  # None = BERTopic's outlier topic −1
    seconds: float  # clustering plus topic labelling, embeddings given


def _vectorizer():
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(tokenizer=issue_terms, lowercase=False, token_pattern=None)


def _fit(texts: Sequence[str], embeddings: np.ndarray, n_topics: int | None) -> list[int]:
    from bertopic import BERTopic
    from umap import UMAP

    # BERTopic's defaults, except the UMAP seed: an unseeded UMAP gives a different answer each run.
    umap = UMAP(
        n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=RANDOM_STATE
    )
    kwargs = {}
    if n_topics is not None:
        from sklearn.cluster import KMeans

        # BERTopic's documented way to get exactly k topics: k-means instead of HDBSCAN.
        kwargs["hdbscan_model"] = KMeans(n_clusters=n_topics, n_init=10, random_state=RANDOM_STATE)
    model = BERTopic(umap_model=umap, vectorizer_model=_vectorizer(), **kwargs)
    topics, _ = model.fit_transform(list(texts), embeddings)
    return [int(t) for t in topics]


def _warm_up() -> None:
    """Compile UMAP's numba kernels outside the timing: a one-off cost of the process, not of
    clustering, which would otherwise make BERTopic look slower than it is."""
    from umap import UMAP

    rng = np.random.default_rng(RANDOM_STATE)
    UMAP(n_neighbors=5, n_components=2, metric="cosine", random_state=RANDOM_STATE).fit(
        rng.normal(size=(30, 8))
    )


def run_bertopic(
    name: str,
    texts: Sequence[str],
    embeddings: np.ndarray,
    groups: Sequence[str | None] | None = None,
    n_topics: dict[str | None, int] | int | None = None,
) -> PeerRun:
    """Fit BERTopic on all texts, or separately per group (product) when ``groups`` is given.

    ``n_topics`` fixes the number of topics (k-means; per group when a dict); None keeps
    BERTopic's HDBSCAN, which decides the number and leaves outliers in topic −1.
    """
    groups = list(groups) if groups is not None else [None] * len(texts)
    topics: list[int | None] = [None] * len(texts)
    _warm_up()
    started = time.perf_counter()
    offset = 0
    for group in sorted(set(groups), key=lambda g: "" if g is None else g):
        rows = [i for i, g in enumerate(groups) if g == group]
        k = n_topics.get(group) if isinstance(n_topics, dict) else n_topics
        if len(rows) < 15 or (k is not None and k < 2):
            # Too few documents for UMAP's neighbourhood graph: one topic, as a person would see it.
            found = [0] * len(rows)
        else:
            try:
                found = _fit([texts[i] for i in rows], embeddings[rows], k)
            except (TypeError, ValueError):
                # BERTopic's c-TF-IDF fails when a small group collapses into one topic with a
                # one-row matrix (scipy's diags gets a scalar), or when no text of the group has
                # a term its vectorizer keeps (an empty vocabulary): that is one topic.
                found = [0] * len(rows)
        for i, t in zip(rows, found, strict=True):
            topics[i] = None if t < 0 else offset + t
        offset += max(found, default=0) + 1
    return PeerRun(name=name, topics=topics, seconds=time.perf_counter() - started)
