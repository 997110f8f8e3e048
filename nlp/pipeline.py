"""The one analysis code path: the Airflow tasks and `python -m nlp` both call these functions.

Three steps, each usable on its own because the DAG runs them as separate tasks:

- `embed_texts`: sentence embeddings through a cache keyed by content hash;
- `analyze_texts`: per-text results that never change unless the text does (sentiment, risk
  flags, keywords), so the DAG computes them once per content hash;
- `cluster_issues`: recurring issues over the complaints of the whole corpus, with labels and
  representatives. Praise, questions and requests are not complaints (`is_complaint`): they stay
  out of every issue and are counted as such, not as unclassified.

`analyze` chains them for a batch held in memory (the CLI). Texts reaching here are already
masked: PII masking happens at ingest, before anything is stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from nlp.flags import detect_flags
from nlp.issues import IssueModel
from nlp.sentiment_model import SentimentClassifier, trained_classifier
from nlp.tokenize import content_words

N_KEYWORDS = 8
# Bump when per-text results change meaning (new sentiment model, new flag rules): stored
# analyses of an older version are redone on the next run.
ANALYSIS_VERSION = "2"


def analysis_version(model_key: str) -> str:
    """The version stamp of per-text results: the rules' version plus the embedding model's."""
    return f"{ANALYSIS_VERSION}+{model_key}"


@dataclass(frozen=True)
class FeedbackText:
    """One piece of customer voice to analyse (masked text plus the fields clustering may use)."""

    feedback_id: str
    text: str
    content_hash: str
    product: str | None = None
    channel: str | None = None
    complaint: bool = True  # False: praise, a question or a request; never part of an issue


def is_complaint(sentiment: str, flags: Sequence[str]) -> bool:
    """A complaint is negative feedback, or any feedback carrying a risk flag."""
    return sentiment == "negative" or bool(flags)


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


def _keywords(text: str) -> tuple[str, ...]:
    counts: dict[str, int] = {}
    for word in content_words(text):
        counts[word] = counts.get(word, 0) + 1
    # Keep first-seen order among equally frequent words so results are reproducible.
    return tuple(sorted(counts, key=lambda w: -counts[w])[:N_KEYWORDS])


def analyze_texts(
    items: Sequence[FeedbackText], embeddings: np.ndarray, sentiment: SentimentClassifier
) -> list[TextAnalysis]:
    """Sentiment, flags and the most frequent content words of each text.

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
        )
        for item, s in zip(items, sentiments, strict=True)
    ]


def embed_texts(
    items: Sequence[FeedbackText], model, cache: Mapping[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Embeddings for `items` (rows in order) and the vectors that were not cached yet."""
    from nlp.embed import embed  # sentence-transformers is heavy; import only when embedding

    return embed([i.text for i in items], [i.content_hash for i in items], model, cache)


def cluster_issues(
    items: Sequence[FeedbackText], embeddings: np.ndarray, model: IssueModel | None = None
) -> Clustering:
    """Group the complaints among `items` into recurring issues; ids in `assignment` follow `items`.

    Every item is in `assignment`: non-complaints and unclassified complaints map to None.
    """
    if len(items) != len(embeddings):
        raise ValueError(f"{len(items)} items but {len(embeddings)} embeddings")
    model = model or IssueModel()
    rows = [i for i, item in enumerate(items) if item.complaint]
    complaints = [items[i] for i in rows]
    model.fit(
        [c.text for c in complaints],
        np.asarray(embeddings)[rows] if rows else np.zeros((0, np.shape(embeddings)[-1])),
        products=[c.product for c in complaints],
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
                representative_ids=tuple(
                    complaints[j].feedback_id for j in issue.representative_idx
                ),
            )
        )
    assignment: dict[str, str | None] = {item.feedback_id: None for item in items}
    for item, label in zip(complaints, labels, strict=True):
        assignment[item.feedback_id] = ids_by_cluster.get(int(label))
    return Clustering(issues=issues, assignment=assignment)


def analyze(
    items: Sequence[FeedbackText], model, cache: Mapping[str, np.ndarray] | None = None
) -> Analysis:
    """Embeddings, per-text analysis and clustering of one in-memory batch."""
    from nlp.embed import model_id

    matrix, new = embed_texts(items, model, cache or {})
    texts = analyze_texts(items, matrix, trained_classifier(model, model_id()))
    complaints = [
        replace(item, complaint=is_complaint(t.sentiment, t.flags))
        for item, t in zip(items, texts, strict=True)
    ]
    return Analysis(texts=texts, clustering=cluster_issues(complaints, matrix), new_embeddings=new)
