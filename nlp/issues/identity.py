"""Stable issue identities: an issue keeps its id and label from one clustering run to the next.

Two ways a run meets the issues of the run before:

- **Incremental** (`assign_to_known`): each new document joins the known issue of its product
  whose embedding centroid it is closest to, when it is at least as close as the issue's own
  typical members are. Nothing else moves, so every earlier document keeps its id.
- **Full re-clustering** (`match_clusters`): the new clusters are matched one-to-one to earlier
  issues by the documents they share (maximum-weight matching). A matched cluster inherits the
  issue's id and label; the rest become new issues, and what happened is recorded as lineage:
  an issue *split* off an earlier one, earlier issues *merged* into one, or an issue *retired*.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from nlp.issues.model import Issue
from nlp.vectors import unit_rows

# A new document joins when it would not be an outlier of the issue: its similarity to the
# centroid is within this many robust standard deviations (MAD) of the members' median, the
# rule the clustering itself uses to drop outliers.
OUTLIER_Z = 3.5
# However loose an issue is, a document less similar than this to its centroid does not join.
MIN_THRESHOLD = 0.35
# A cluster continues an issue when it holds at least this share of the issue's documents (or
# the issue at least this share of the cluster's earlier-assigned documents).
MATCH_SHARE = 0.5
# A new cluster counts as split off an issue when at least this share of its earlier-assigned
# documents came from that issue.
SPLIT_SHARE = 0.3


@dataclass(frozen=True)
class LineageEvent:
    """One change to the issue catalogue: created, split, merged or retired by the algorithm, or
    a person's decision (`nlp.issues.decisions`), which also says who and which decision."""

    event: str
    issue_id: str  # the issue that exists after the run (the retired one for "retired")
    source_issue_id: str | None  # where it came from (split) or what joined it (merged)
    documents: int  # documents involved
    actor: str | None = None  # who decided; None for the algorithm
    decision_id: str | None = None


def centroid_and_threshold(
    embeddings: np.ndarray, rows: Sequence[int] | np.ndarray | None = None, chunk_rows: int = 10_000
) -> tuple[np.ndarray, float]:
    """The unit centroid of an issue's members and the similarity a newcomer needs to join.

    The members are ``embeddings[rows]`` (every row when ``rows`` is None). Past ``chunk_rows``
    members they are read a chunk at a time, twice (sum, then similarities): an issue of 200,000
    documents would otherwise copy 800 MB of float64 unit rows.
    """
    rows = np.arange(len(embeddings)) if rows is None else np.asarray(rows, dtype=np.int64)
    if len(rows) <= chunk_rows:
        unit = unit_rows(embeddings[rows])
        centroid = unit_rows(unit.mean(axis=0))
        similarity = unit @ centroid
    else:
        chunks = [rows[start : start + chunk_rows] for start in range(0, len(rows), chunk_rows)]
        total = sum(unit_rows(embeddings[part]).sum(axis=0) for part in chunks)
        centroid = unit_rows(total / len(rows))
        similarity = np.concatenate([unit_rows(embeddings[part]) @ centroid for part in chunks])
    median = float(np.median(similarity))
    spread = 1.4826 * float(np.median(np.abs(similarity - median)))
    threshold = min(median - OUTLIER_Z * spread, float(similarity.min()))
    return centroid, max(threshold, MIN_THRESHOLD)


def assign_to_known(
    embeddings: np.ndarray,
    products: Sequence[str | None],
    known: Sequence[Issue],
    chunk_rows: int = 20_000,
) -> list[str | None]:
    """The known issue each document joins, or None when none is close enough.

    A document with a product only joins issues of that product; one without (SNS) may join any.
    Rows are compared ``chunk_rows`` at a time, so memory stays flat however many there are.
    """
    if not len(products):
        return []
    if not known:
        return [None] * len(products)
    centroids = np.vstack([k.centroid for k in known])
    thresholds = np.array([k.threshold for k in known])
    codes = {
        p: n for n, p in enumerate(sorted({k.product for k in known if k.product is not None}))
    }
    # -1: a document without a product (joins any issue); -2: an issue without one (joined only
    # by documents without a product).
    issue_codes = np.array([codes.get(k.product, -2) for k in known])
    doc_codes = np.array([-1 if p is None else codes.get(p, -3) for p in products])
    out: list[str | None] = []
    for start in range(0, len(doc_codes), chunk_rows):
        rows = slice(start, start + chunk_rows)
        similarity = unit_rows(embeddings[rows]) @ centroids.T
        allowed = (doc_codes[rows, None] == issue_codes[None, :]) | (doc_codes[rows, None] == -1)
        scores = np.where(allowed & (similarity >= thresholds), similarity, -np.inf)
        best = np.argmax(scores, axis=1)
        found = np.isfinite(scores[np.arange(len(best)), best])
        out += [known[b].issue_id if f else None for b, f in zip(best, found, strict=True)]
    return out


@dataclass(frozen=True)
class Matching:
    """How a full re-clustering's clusters map onto the earlier issues."""

    continued: dict[Hashable, str]  # cluster → the earlier issue id it keeps
    split_from: dict[Hashable, str]  # unmatched cluster → the issue most of it came from
    events: list[LineageEvent]  # merged and retired (split/created need the new ids)


def match_clusters(
    previous: Mapping[str, str | None], clusters: Mapping[str, Hashable | None]
) -> Matching:
    """Match clusters (document → cluster, None = unclassified) to earlier issues.

    ``previous`` maps documents of the earlier run to their issue (None = unclassified); documents
    new to this run are simply absent from it.
    """
    from scipy.optimize import linear_sum_assignment

    overlap: Counter = Counter()
    old_sizes: Counter = Counter()
    new_known: Counter = Counter()  # cluster members that had an issue before
    for doc, old in previous.items():
        if old is None:
            continue
        old_sizes[old] += 1
        new = clusters.get(doc)
        if new is not None:
            overlap[(new, old)] += 1
            new_known[new] += 1
    olds = sorted(old_sizes)
    news = sorted({c for c in clusters.values() if c is not None}, key=str)
    continued: dict[Hashable, str] = {}
    if olds and news:
        weights = np.array([[overlap[(n, o)] for o in olds] for n in news], dtype=float)
        rows, cols = linear_sum_assignment(weights, maximize=True)
        for r, c in zip(rows, cols, strict=True):
            n, o, shared = news[r], olds[c], weights[r, c]
            if shared and (
                shared >= MATCH_SHARE * old_sizes[o] or shared >= MATCH_SHARE * new_known[n]
            ):
                continued[n] = o
    split_from: dict[Hashable, str] = {}
    for n in news:
        if n in continued or not new_known[n]:
            continue
        shared, source = max((overlap[(n, o)], o) for o in olds)
        if shared >= SPLIT_SHARE * new_known[n]:
            split_from[n] = source
    events: list[LineageEvent] = []
    kept = set(continued.values())
    for o in olds:
        if o in kept:
            continue
        went = Counter({n: overlap[(n, o)] for n in news if overlap[(n, o)]})
        if went:
            target, shared = max(went.items(), key=lambda x: (x[1], str(x[0])))
            if target in continued:
                events.append(LineageEvent("merged", continued[target], o, shared))
                continue
        events.append(LineageEvent("retired", o, None, old_sizes[o]))
    return Matching(continued, split_from, events)


def retained_share(previous: Mapping[str, str | None], current: Mapping[str, str | None]) -> float:
    """Share of documents that had an issue before and still have the same issue id."""
    had = [doc for doc, old in previous.items() if old is not None]
    if not had:
        return 1.0
    return sum(current.get(doc) == previous[doc] for doc in had) / len(had)


def keep_earlier_ids(
    previous: Mapping[str, str | None],
    assignment: Mapping[str, str | None],
    vectors: Mapping[str, np.ndarray],
    shapes: Mapping[str, tuple[np.ndarray, float]],
) -> dict[str, str | None]:
    """Hysteresis for a full re-clustering: a document keeps its earlier issue while it still fits.

    ``shapes`` maps the issues a document may stay in to (unit centroid, join threshold); a
    document moves only when it is no longer as close to its issue as the issue's own members.
    """
    out = dict(assignment)
    for doc, old in previous.items():
        if old is None or doc not in out or out[doc] == old or old not in shapes:
            continue
        centroid, threshold = shapes[old]
        if float(unit_rows(vectors[doc]) @ centroid) >= threshold:
            out[doc] = old
    return out
