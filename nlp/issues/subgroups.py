"""The sub-groups koe proposes when an analyst wants to split an issue; the analyst picks one.

An issue's members (a fixed sample of at most `SAMPLE`, so that a large issue costs no more
than a small one) are cut into two or three groups by k-means on their embeddings, keeping the
k whose groups are better separated (silhouette). Each group is named the way issues are
(c-TF-IDF over its members' terms against the other groups), so the analyst sees what sets it
apart, with the members closest to its centre as examples. A split decision stores every group's
centre (`nlp.issues.decisions`): documents, today's and later ones, leave with the chosen group
when they are closest to its centre.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nlp.issues.labels import class_tfidf, make_label, pick_keywords
from nlp.vectors import unit_rows

MIN_MEMBERS = 10  # smaller issues are not worth splitting
SAMPLE = 200  # members an issue's proposal is computed on
GROUP_COUNTS = (2, 3)
N_EXAMPLES = 3


@dataclass(frozen=True)
class Subgroup:
    issue_id: str
    subgroup: int
    label: str
    keywords: tuple[str, ...]
    share: float  # of the sample closest to this group's centre
    centroid: np.ndarray
    example_ids: tuple[str, ...]


def sample_members(members: Sequence[str], limit: int = SAMPLE) -> list[str]:
    """At most ``limit`` of an issue's members, chosen by their ids only (the same every run)."""
    ordered = sorted(members, key=lambda m: hashlib.sha256(m.encode()).hexdigest())
    return sorted(ordered[:limit])


def propose_subgroups(
    issue_id: str,
    ids: Sequence[str],
    vectors: np.ndarray,
    terms: Sequence[Sequence[str]],
    seed: int = 0,
) -> list[Subgroup]:
    """Two or three sub-groups of one issue's sampled members; none when it has too few."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    if len(ids) < MIN_MEMBERS:
        return []
    unit = unit_rows(np.asarray(vectors, dtype=np.float64))
    # Copies of one text (a campaign's template, a forwarded mail) are one point to k-means.
    distinct = len(np.unique(unit.round(6), axis=0))
    best = None
    for k in GROUP_COUNTS:
        if len(ids) < 2 * k or distinct < k:
            continue
        fit = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(unit)
        if len(set(fit.labels_)) < 2:
            continue
        score = silhouette_score(unit, fit.labels_, metric="cosine")
        if best is None or score > best[0]:
            best = (score, fit)
    if best is None:
        return []
    fit = best[1]
    centres = unit_rows(fit.cluster_centers_)
    groups = range(len(centres))
    ranked = class_tfidf([[terms[i] for i in np.flatnonzero(fit.labels_ == g)] for g in groups])
    out = []
    for g in groups:
        members = np.flatnonzero(fit.labels_ == g)
        closest = members[np.argsort(-(unit[members] @ centres[g]))]
        keywords = tuple(pick_keywords(ranked[g]))
        out.append(
            Subgroup(
                issue_id=issue_id,
                subgroup=g,
                label=make_label(keywords) or f"グループ{g + 1}",
                keywords=keywords,
                share=len(members) / len(ids),
                centroid=centres[g].astype(np.float32),
                example_ids=tuple(ids[i] for i in closest[:N_EXAMPLES]),
            )
        )
    return out
