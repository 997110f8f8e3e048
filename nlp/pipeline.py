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

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from nlp.flags import detect_flags
from nlp.issue_identity import (
    KnownIssue,
    LineageEvent,
    assign_to_known,
    centroid_and_threshold,
    keep_earlier_ids,
    match_clusters,
    retained_share,
)
from nlp.issues import IssueModel, issue_terms
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
class FeedbackText:
    """One piece of customer voice to analyse (masked text plus the fields clustering may use)."""

    feedback_id: str
    text: str
    content_hash: str
    product: str | None = None
    channel: str | None = None
    complaint: bool = True  # False: praise, a question or a request; never part of an issue
    terms: tuple[str, ...] | None = None  # issue terms from `analyze_texts`; None: tokenize again


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
    terms: tuple[str, ...] = ()  # content words and aspect pairs, the words issues are cut on


@dataclass(frozen=True)
class IssueSummary:
    """A recurring issue found by clustering, with its members named by feedback id."""

    issue_id: str
    label: str
    keywords: tuple[str, ...]
    size: int
    representative_ids: tuple[str, ...]
    product: str | None = None
    centroid: np.ndarray | None = None  # unit embedding centroid, for incremental assignment
    threshold: float | None = None  # cosine a new document needs to join (see issue_identity)


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
        channels=[c.channel for c in complaints],
        terms=[c.terms for c in complaints],
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
                product=issue.product,
            )
        )
    assignment: dict[str, str | None] = {item.feedback_id: None for item in items}
    for item, label in zip(complaints, labels, strict=True):
        assignment[item.feedback_id] = ids_by_cluster.get(int(label))
    return Clustering(issues=issues, assignment=assignment)


@dataclass
class IssueUpdate:
    """One run of `update_issues`: the issues, what changed, and how many ids survived."""

    clustering: Clustering
    mode: str  # "full" (re-clustered, matched to earlier issues) | "incremental"
    events: list[LineageEvent]
    retained: float | None  # share of earlier-assigned documents keeping their id; None: first run


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def _with_shape(issue: IssueSummary, members: np.ndarray) -> IssueSummary:
    if not len(members):
        return replace(issue, size=0)
    centroid, threshold = centroid_and_threshold(members)
    return replace(issue, size=len(members), centroid=centroid, threshold=threshold)


def _unused_id(candidate: str, taken: set[str]) -> str:
    import hashlib

    n = 1
    fresh = candidate
    while fresh in taken:
        fresh = "iss_" + hashlib.sha256(f"{candidate}#{n}".encode()).hexdigest()[:12]
        n += 1
    taken.add(fresh)
    return fresh


# Two earlier issues really merged only when their centroids are this close; otherwise the one
# that vanished is kept, with the documents that still fit it.
MERGE_SIMILARITY = 0.92
# Unclassified complaints are clustered into new issues once there are this many times min_size.
NEW_ISSUE_POOL = 3


def _stabilise(issues, assignment, events, previous, known_by_id, matrix, row, model):
    """Hysteresis after a full re-clustering, so ids survive unless the data really moved.

    A document keeps its earlier issue while it still fits that issue as it was (its earlier
    centroid and join threshold). An earlier issue the new clustering dropped comes back unless
    it really merged (centroids at least MERGE_SIMILARITY alike). A new cluster left with fewer
    than ``min_size`` documents after that is dissolved: its documents go back or stay
    unclassified, and its split/created event is dropped.
    """
    min_size = (model or IssueModel()).min_size
    new_ids = {i.issue_id for i in issues}
    shapes = {k: (known.centroid, known.threshold) for k, known in known_by_id.items()}
    current_centroids = {
        i.issue_id: centroid_and_threshold(
            matrix[[row[f] for f, a in assignment.items() if a == i.issue_id]]
        )[0]
        for i in issues
        if i.issue_id in set(assignment.values())
    }
    merged_away = set()
    for event in events:
        if event.event == "merged":
            target = current_centroids.get(event.issue_id)
            old = known_by_id[event.source_issue_id]
            if target is not None and float(old.centroid @ target) >= MERGE_SIMILARITY:
                merged_away.add(old.issue_id)
    for issue_id in merged_away:
        del shapes[issue_id]
    vectors = {f: matrix[row[f]] for f in previous if f in row}
    stable = keep_earlier_ids(previous, assignment, vectors, shapes)
    counts = Counter(stable.values())
    summaries = {i.issue_id: i for i in issues}
    for issue_id, known in known_by_id.items():
        if issue_id not in summaries and counts[issue_id]:
            summaries[issue_id] = IssueSummary(
                known.issue_id,
                known.label,
                known.keywords,
                0,
                known.representative_ids,
                known.product,
            )
    fresh = {i for i in new_ids if i not in known_by_id}
    dissolved = {i for i in fresh if counts[i] < min_size}
    for doc, issue_id in stable.items():
        if issue_id in dissolved:  # back to its earlier issue if that still stands
            earlier = previous.get(doc)
            stable[doc] = earlier if earlier in summaries and earlier not in dissolved else None
    alive = set(stable.values())
    final_counts = Counter(stable.values())

    def still_true(e: LineageEvent) -> bool:
        if e.event in ("split", "created"):
            return e.issue_id not in dissolved
        if e.event == "merged":  # the source came back: no merge happened
            return e.source_issue_id not in alive
        return e.issue_id not in alive  # retired, unless it came back

    kept_events = [
        replace(e, documents=final_counts[e.issue_id]) if e.event in ("split", "created") else e
        for e in events
        if still_true(e)
    ]
    return [summaries[i] for i in summaries if i in alive], stable, kept_events


def update_issues(
    items: Sequence[FeedbackText],
    embeddings: np.ndarray,
    known: Sequence[KnownIssue] = (),
    previous: Mapping[str, str | None] | None = None,
    full: bool = False,
    taken_ids: Sequence[str] = (),
    model: IssueModel | None = None,
) -> IssueUpdate:
    """Bring the issue catalogue up to date with `items`, keeping earlier ids where they hold.

    `known` are the earlier run's issues and `previous` its assignment (feedback id → issue id or
    None). Incremental (the default once issues exist): new documents join known issues, and
    complaints that fit none become new issues when enough of them cluster together. Full: the
    whole corpus is re-clustered and the clusters matched to the known issues; a matched cluster
    keeps the issue's id and label. `taken_ids` are ids used before (retired issues), never
    reused for a new one.
    """
    matrix = np.asarray(embeddings, dtype=np.float64)
    previous = dict(previous or {})
    row = {item.feedback_id: i for i, item in enumerate(items)}
    taken = {*taken_ids, *(k.issue_id for k in known)}
    known_by_id = {k.issue_id: k for k in known}
    events: list[LineageEvent] = []
    first_run = not known

    def members(assignment: Mapping[str, str | None], issue_id: str) -> np.ndarray:
        return matrix[[row[f] for f, i in assignment.items() if i == issue_id]]

    if full or first_run:
        fresh = cluster_issues(items, matrix, model)
        matching = match_clusters(previous, fresh.assignment)
        events += matching.events
        new_id: dict[str, str] = {}
        issues = []
        for issue in fresh.issues:
            earlier = matching.continued.get(issue.issue_id)
            if earlier is not None:
                old = known_by_id.get(earlier)
                # A continued issue keeps its name: labels stay put while an issue merely grows.
                final = replace(issue, issue_id=earlier, label=old.label if old else issue.label)
            else:
                final = replace(issue, issue_id=_unused_id(issue.issue_id, taken))
                source = matching.split_from.get(issue.issue_id)
                event = "split" if source else "created"
                events.append(LineageEvent(event, final.issue_id, source, issue.size))
            new_id[issue.issue_id] = final.issue_id
            issues.append(final)
        assignment = {f: (new_id[i] if i else None) for f, i in fresh.assignment.items()}
        issues, assignment, events = _stabilise(
            issues, assignment, events, previous, known_by_id, matrix, row, model
        )
        mode = "full"
    else:
        assignment: dict[str, str | None] = {}
        pending: list[int] = []
        for i, item in enumerate(items):
            earlier = previous.get(item.feedback_id)
            if not item.complaint:
                assignment[item.feedback_id] = None
            elif earlier in known_by_id:
                assignment[item.feedback_id] = earlier
            else:  # new, or unclassified last time: try the known issues again
                pending.append(i)
        joined = assign_to_known(matrix[pending], [items[i].product for i in pending], list(known))
        leftover = []
        for i, issue_id in zip(pending, joined, strict=True):
            assignment[items[i].feedback_id] = issue_id
            if issue_id is None:
                leftover.append(i)
        issues = [
            IssueSummary(
                k.issue_id,
                k.label,
                k.keywords,
                0,
                k.representative_ids,
                k.product,
                k.centroid,
                k.threshold,
            )
            for k in known
        ]
        # Complaints that fit no known issue become new issues once enough of them wait: a
        # handful of leftovers is noise, not a new recurring complaint.
        model = model or IssueModel()
        if len(leftover) < NEW_ISSUE_POOL * model.min_size:
            leftover = []
        fresh = cluster_issues([items[i] for i in leftover], matrix[leftover], model)
        # A new issue must hang together at least as well as a typical known issue admits
        # newcomers; a cluster of leftover outliers from several issues does not.
        bar = float(np.median([k.threshold for k in known]))
        for issue in fresh.issues:
            rows = [row[f] for f, i in fresh.assignment.items() if i == issue.issue_id]
            centroid, _ = centroid_and_threshold(matrix[rows])
            if float(np.median(_unit_rows(matrix[rows]) @ centroid)) < bar:
                continue
            final = replace(issue, issue_id=_unused_id(issue.issue_id, taken))
            issues.append(final)
            events.append(LineageEvent("created", final.issue_id, None, final.size))
            for f, i in fresh.assignment.items():
                if i == issue.issue_id:
                    assignment[f] = final.issue_id
        mode = "incremental"
    # Sizes, centroids and join thresholds from the members each issue has now; an issue left
    # without members keeps its last shape so later documents can still join it.
    issues = [_with_shape(i, members(assignment, i.issue_id)) for i in issues]
    return IssueUpdate(
        clustering=Clustering(issues=issues, assignment=assignment),
        mode=mode,
        events=events,
        retained=None if first_run else retained_share(previous, assignment),
    )


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
    return Analysis(texts=texts, clustering=cluster_issues(complaints, matrix), new_embeddings=new)
