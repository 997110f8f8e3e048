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

from nlp.classifier import VoiceClassifier, sentence_vectors
from nlp.feedback import FeedbackText
from nlp.issues.catalogue import Clustering, find_issues
from nlp.issues.model import Issue, issue_terms
from nlp.tokenize import content_words

N_KEYWORDS = 8
# Bump when per-text results change meaning (new keywords or terms): stored analyses of an older
# version are redone on the next run. A new classifier or new thresholds change the stamp too.
ANALYSIS_VERSION = "6"


def analysis_version(model_key: str) -> str:
    """The version stamp of per-text results: this module's version, the embedding model, the
    trained classifier (its training data and build) and its tuned thresholds."""
    import hashlib
    import json

    from nlp.models import model_digest, thresholds

    tuned = hashlib.sha256(json.dumps(thresholds(), sort_keys=True).encode()).hexdigest()[:8]
    return f"{ANALYSIS_VERSION}+{model_key}+{model_digest(model_key)}+{tuned}"


@dataclass(frozen=True)
class TextAnalysis:
    """Results that depend only on the text itself."""

    feedback_id: str
    content_hash: str
    sentiment: str
    sentiment_score: float
    complaint: bool  # a problem report, whatever its tone: it belongs in an issue
    flags: tuple[str, ...]
    keywords: tuple[str, ...]
    terms: tuple[str, ...] = ()  # content words and aspect pairs, the words issues are cut on
    inquiry: str | None = None  # "question" or "request": it belongs in a recurring question


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
    items: Sequence[FeedbackText], embeddings: np.ndarray, classifier: VoiceClassifier, embedder
) -> list[TextAnalysis]:
    """Sentiment, the problem-report judgement, flags, the most frequent content words, the
    issue terms and whether it is a question or a request of each text.

    The issue terms are kept so that clustering, which runs over the whole corpus again and
    again, never tokenizes a text twice.

    ``embeddings`` are the texts' rows from `embed_texts`; the classifier reads them, and the
    embeddings of each text's sentences, which ``embedder`` computes here.
    """
    if len(items) != len(embeddings):
        raise ValueError(f"{len(items)} items but {len(embeddings)} embeddings")
    texts = [i.text for i in items]
    judged = classifier.predict(texts, embeddings, sentence_vectors(texts, embedder))
    return [
        TextAnalysis(
            feedback_id=item.feedback_id,
            content_hash=item.content_hash,
            sentiment=j.sentiment,
            sentiment_score=j.sentiment_score,
            complaint=j.complaint,
            flags=j.flags,
            keywords=_keywords(item.text),
            terms=tuple(issue_terms(item.text)),
            inquiry=j.inquiry,
        )
        for item, j in zip(items, judged, strict=True)
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
    from nlp.models import load_classifier

    matrix, new = embed_texts(items, model, cache or {})
    texts = analyze_texts(items, matrix, load_classifier(model, model_id()), model)
    complaints = [
        replace(item, complaint=t.complaint, terms=t.terms)
        for item, t in zip(items, texts, strict=True)
    ]
    return Analysis(texts=texts, clustering=find_issues(complaints, matrix), new_embeddings=new)
