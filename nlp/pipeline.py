"""The one analysis code path: the Airflow tasks and `python -m nlp` both call these functions.

Three steps, each usable on its own because the DAG runs them as separate tasks:

- `analyze_texts`: per-text results that never change unless the text does (sentiment, risk
  flags, keywords), so the DAG computes them once per content hash;
- `embed_texts`: sentence embeddings through a cache keyed by content hash;
- `cluster_issues`: recurring issues over the whole corpus, with labels and representatives.

`analyze` chains them for a batch held in memory (the CLI). Texts reaching here are already
masked: PII masking happens at ingest, before anything is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from nlp.flags import detect_flags
from nlp.issues import IssueModel
from nlp.sentiment import score_sentiment
from nlp.tokenize import content_words

N_KEYWORDS = 8


@dataclass(frozen=True)
class FeedbackText:
    """One piece of customer voice to analyse (masked text plus the fields clustering may use)."""

    feedback_id: str
    text: str
    content_hash: str
    product: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class TextAnalysis:
    """Results that depend only on the text itself."""

    feedback_id: str
    content_hash: str
    sentiment: str
    sentiment_score: float
    flags: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class IssueSummary:
    """A recurring issue found by clustering, with its members named by feedback id."""

    issue_id: str
    label: str
    keywords: tuple[str, ...]
    size: int
    representative_ids: tuple[str, ...]


@dataclass(frozen=True)
class Clustering:
    """One clustering run: the issues and each feedback's issue (None = unclassified)."""

    issues: list[IssueSummary]
    assignment: dict[str, str | None]


@dataclass
class Analysis:
    """Everything `analyze` computed for one batch."""

    texts: list[TextAnalysis]
    clustering: Clustering
    new_embeddings: dict[str, np.ndarray] = field(default_factory=dict)

    def issue_of(self, feedback_id: str) -> IssueSummary | None:
        issue_id = self.clustering.assignment.get(feedback_id)
        return next((i for i in self.clustering.issues if i.issue_id == issue_id), None)


def analyze_text(item: FeedbackText) -> TextAnalysis:
    """Sentiment, flags and the most frequent content words of one text."""
    sentiment = score_sentiment(item.text)
    words = content_words(item.text)
    # Keep first-seen order among equally frequent words so results are reproducible.
    counts: dict[str, int] = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    keywords = sorted(counts, key=lambda w: -counts[w])[:N_KEYWORDS]
    return TextAnalysis(
        feedback_id=item.feedback_id,
        content_hash=item.content_hash,
        sentiment=sentiment.label,
        sentiment_score=float(sentiment.score),
        flags=tuple(detect_flags(item.text)),
        keywords=tuple(keywords),
    )


def analyze_texts(items: Sequence[FeedbackText]) -> list[TextAnalysis]:
    return [analyze_text(item) for item in items]


def embed_texts(
    items: Sequence[FeedbackText], model, cache: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Embeddings for `items` (rows in order) and the vectors that were not cached yet."""
    from nlp.embed import embed  # sentence-transformers is heavy; import only when embedding

    return embed([i.text for i in items], [i.content_hash for i in items], model, cache)


def cluster_issues(
    items: Sequence[FeedbackText], embeddings: np.ndarray, model: IssueModel | None = None
) -> Clustering:
    """Group `items` into recurring issues; ids in `assignment` follow `items`."""
    if len(items) != len(embeddings):
        raise ValueError(f"{len(items)} items but {len(embeddings)} embeddings")
    model = model or IssueModel()
    model.fit(
        [i.text for i in items],
        embeddings,
        products=[i.product for i in items],
    )
    issues = []
    labels = np.asarray(model.labels_)
    ids_by_cluster: dict[int, str] = {}
    for cluster, issue in enumerate(model.issues_):
        ids_by_cluster[cluster] = issue.issue_id
        issues.append(
            IssueSummary(
                issue_id=issue.issue_id,
                label=issue.label,
                keywords=tuple(issue.keywords),
                size=int(issue.size),
                representative_ids=tuple(items[j].feedback_id for j in issue.representative_idx),
            )
        )
    assignment = {
        item.feedback_id: ids_by_cluster.get(int(label))
        for item, label in zip(items, labels, strict=True)
    }
    return Clustering(issues=issues, assignment=assignment)


def analyze(
    items: Sequence[FeedbackText], model, cache: Mapping[str, np.ndarray] | None = None
) -> Analysis:
    """Per-text analysis, embeddings and clustering of one in-memory batch."""
    texts = analyze_texts(items)
    matrix, new = embed_texts(items, model, cache or {})
    return Analysis(texts=texts, clustering=cluster_issues(items, matrix), new_embeddings=new)
