"""Per-text analysis: the one code path the Airflow tasks and `python -m nlp` share.

- `embed_texts`: sentence embeddings through a cache keyed by content hash;
- `analyze_texts`: results that never change unless the text does (sentiment, risk flags,
  keywords, issue terms), so the pipeline computes them once per content hash;
- `analyze`: both, then the issues of one in-memory batch (`nlp.issues.catalogue.find_issues`),
  for the command line.

Texts reaching here are already masked: PII masking happens at ingest, before anything is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from nlp.feedback import FeedbackText, is_complaint
from nlp.flags import detect_flags
from nlp.issues.catalogue import Clustering, find_issues
from nlp.issues.model import Issue, issue_terms
from nlp.sentiment_model import SentimentClassifier, trained_classifier
from nlp.tokenize import content_words

N_KEYWORDS = 8
# Bump when per-text results change meaning (new sentiment model, new flag rules): stored
# analyses of an older version are redone on the next run.
ANALYSIS_VERSION = "4"


def analysis_version(model_key: str) -> str:
    """The version stamp of per-text results: the rules' version, the embedding model's and the
    sentiment training data's."""
    from nlp.sentiment_model import training_digest

    return f"{ANALYSIS_VERSION}+{model_key}+{training_digest()}"


@dataclass(frozen=True)
class TextAnalysis:
    """Results that depend only on the text itself."""

    feedback_id: str
    content_hash: str
    sentiment: str
    sentiment_score: float
    flags: tuple[str, ...]
    keywords: tuple[str, ...]
    terms: tuple[str, ...] = ()  # content words and aspect pairs, the words issues are cut on


@dataclass
class Analysis:
    """Everything `analyze` computed for one batch."""

    texts: list[TextAnalysis]
    clustering: Clustering
    new_embeddings: dict[str, np.ndarray] = field(default_factory=dict)

    def issue_of(self, feedback_id: str) -> Issue | None:
        issue_id = self.clustering.assignment.get(feedback_id)
        return next((i for i in self.clustering.issues if i.issue_id == issue_id), None)


def _keywords(text: str) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for word in content_words(text):
        counts[word] = counts.get(word, 0) + 1
    # Keep first-seen order among equally frequent words so results are reproducible.
    return tuple(sorted(counts, key=lambda w: -counts[w])[:N_KEYWORDS])


def analyze_texts(
    items: Sequence[FeedbackText], embeddings: np.ndarray, sentiment: SentimentClassifier
) -> list[TextAnalysis]:
    """Sentiment, flags, the most frequent content words and the issue terms of each text.

    The issue terms are kept so that clustering, which runs over the whole corpus again and
    again, never tokenizes a text twice.

    ``embeddings`` are the texts' rows from `embed_texts`; the sentiment classifier reads them.
    """
    if len(items) != len(embeddings):
        raise ValueError(f"{len(items)} items but {len(embeddings)} embeddings")
    sentiments = sentiment.predict([i.text for i in items], embeddings)
    return [
        TextAnalysis(
            feedback_id=item.feedback_id,
            content_hash=item.content_hash,
            sentiment=s.label,
            sentiment_score=float(s.score),
            flags=tuple(detect_flags(item.text)),
            keywords=_keywords(item.text),
            terms=tuple(issue_terms(item.text)),
        )
        for item, s in zip(items, sentiments, strict=True)
    ]


def embed_texts(
    items: Sequence[FeedbackText], model, cache: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Embeddings for `items` (rows in order) and the vectors that were not cached yet."""
    from nlp.embed import embed  # sentence-transformers is heavy; import only when embedding

    return embed([i.text for i in items], [i.content_hash for i in items], model, cache)


def analyze(
    items: Sequence[FeedbackText], model, cache: Mapping[str, np.ndarray] | None = None
) -> Analysis:
    """Embeddings, per-text analysis and clustering of one in-memory batch."""
    from nlp.embed import model_id

    matrix, new = embed_texts(items, model, cache or {})
    texts = analyze_texts(items, matrix, trained_classifier(model, model_id()))
    complaints = [
        replace(item, complaint=is_complaint(t.sentiment, t.flags), terms=t.terms)
        for item, t in zip(items, texts, strict=True)
    ]
    return Analysis(texts=texts, clustering=find_issues(complaints, matrix), new_embeddings=new)
