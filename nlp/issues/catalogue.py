"""The issue catalogue's lifecycle: find issues, keep them up to date run after run, and decide
how each run goes.

- `find_issues`: one clustering of a corpus (`IssueModel`), every feedback mapped to its issue.
- `plan_run`: unchanged (nothing to do), incremental (new feedback joins known issues) or full
  (re-cluster everything), from what changed since the last run.
- `update_catalogue`: runs the plan, keeping earlier ids where they hold (`nlp.issues.identity`)
  and recording what changed as lineage events.

Praise, questions and requests are not complaints (`nlp.feedback.is_complaint`): they stay out of
every issue and are counted as such, not as unclassified.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from nlp.feedback import FeedbackText
from nlp.issues.identity import (
    LineageEvent,
    assign_to_known,
    centroid_and_threshold,
    keep_earlier_ids,
    match_clusters,
    retained_share,
)
from nlp.issues.model import Issue, IssueModel
from nlp.vectors import unit_rows

# A full re-clustering runs when the complaints grew by this share since the last one; in
# between, new feedback joins the known issues (or forms new ones) incrementally.
FULL_RECLUSTER_GROWTH = 0.25
# Two earlier issues really merged only when their centroids are this close; otherwise the one
# that vanished is kept, with the documents that still fit it.
MERGE_SIMILARITY = 0.92
# Unclassified complaints are clustered into new issues once there are this many times min_size.
NEW_ISSUE_POOL = 3
# A full clustering fits on at most this many complaints, a sample stratified by product and
# channel; the others then join the issues found as new documents do. The per-product cut
# compares every pair of its documents, so its memory grows with the square of what it fits.
FIT_SAMPLE = 20_000
# Documents joining the issues found are compared with them this many at a time.
ASSIGN_CHUNK = 20_000


@dataclass(frozen=True)
class Clustering:
    """One clustering run: the issues and each feedback's issue (None = unclassified)."""

    issues: list[Issue]
    assignment: dict[str, str | None]


@dataclass(frozen=True)
class History:
    """What the catalogue remembers of earlier runs, as `plan_run` needs it."""

    known: Sequence[Issue]  # the current catalogue
    last_full_complaints: int | None  # complaints at the last full run; None: never ran
    last_digest: str | None  # `input_digest` of the last run


def input_digest(items: Sequence[FeedbackText]) -> str:
    """A fingerprint of the corpus: the same documents with the same texts give the same digest."""
    lines = "\n".join(f"{i.feedback_id}\t{i.content_hash}\t{i.complaint}" for i in items)
    return hashlib.sha256(lines.encode()).hexdigest()


def plan_run(items: Sequence[FeedbackText], history: History, full: bool | None = None) -> str:
    """How this run goes: "unchanged", "incremental" or "full".

    ``full`` forces (True) or forbids (False) a full re-clustering. By default one runs on the
    first run and whenever complaints grew by FULL_RECLUSTER_GROWTH since the last full run;
    a corpus identical to the last run's is left unchanged, so running again moves nothing.
    """
    if not history.known:
        return "full"
    if input_digest(items) == history.last_digest and not full:
        return "unchanged"
    if full is None:
        complaints = sum(i.complaint for i in items)
        last = history.last_full_complaints
        full = last is None or complaints >= (1 + FULL_RECLUSTER_GROWTH) * last
    return "full" if full else "incremental"


def fit_sample(items: Sequence[FeedbackText], limit: int = FIT_SAMPLE) -> list[int]:
    """Rows of the complaints among ``items`` a full clustering fits on: all of them, or at most
    about ``limit`` drawn from every (product, channel) in proportion to its size.

    Each stratum keeps at least ``SAMPLE_FLOOR`` complaints (or all it has), so a rare product
    can still form its issues. Which complaints are drawn depends only on their ids (their
    hash order), so the same corpus gives the same sample, and a grown one mostly the same.
    """
    rows = [i for i, item in enumerate(items) if item.complaint]
    if len(rows) <= limit:
        return rows
    strata: dict[tuple[str, str], list[int]] = {}
    for i in rows:
        strata.setdefault((items[i].product or "", items[i].channel or ""), []).append(i)
    chosen = []
    for key in sorted(strata):
        members = sorted(strata[key], key=lambda i: _id_hash(items[i].feedback_id))
        take = max(min(len(members), SAMPLE_FLOOR), round(limit * len(members) / len(rows)))
        chosen += members[:take]
    return sorted(chosen)


def texts_needed(
    items: Sequence[FeedbackText],
    mode: str,
    previous: Mapping[str, str | None],
    known: Sequence[Issue],
) -> list[int]:
    """Rows of ``items`` whose text and terms a run of ``mode`` reads; every other document takes
    part through its embedding alone. A full run cuts its fit sample; an incremental one cuts
    only complaints that have no known issue yet (new ones, or unclassified last time)."""
    if mode == "full":
        return fit_sample(items)
    if mode != "incremental":
        return []
    ids = {k.issue_id for k in known}
    return [
        i
        for i, item in enumerate(items)
        if item.complaint and previous.get(item.feedback_id) not in ids
    ]


# A stratum of the fit sample keeps at least this many complaints (a few issues' worth).
SAMPLE_FLOOR = 50


def _id_hash(feedback_id: str) -> str:
    return hashlib.sha256(feedback_id.encode()).hexdigest()


def find_issues(
    items: Sequence[FeedbackText],
    embeddings: np.ndarray,
    model: IssueModel | None = None,
    sample_limit: int = FIT_SAMPLE,
) -> Clustering:
    """Group the complaints among `items` into recurring issues; ids in `assignment` follow `items`.

    Every item is in `assignment`: non-complaints and unclassified complaints map to None. Past
    ``sample_limit`` complaints the issues are found on a stratified sample (`fit_sample`) and
    the other complaints join them (`assign_to_known`), so memory stays bounded.
    """
    if len(items) != len(embeddings):
        raise ValueError(f"{len(items)} items but {len(embeddings)} embeddings")
    model = model or IssueModel()
    rows = fit_sample(items, sample_limit)
    complaints = [items[i] for i in rows]
    model.fit(
        [c.text for c in complaints],
        np.asarray(embeddings[rows]) if rows else np.zeros((0, np.shape(embeddings)[-1])),
        products=[c.product for c in complaints],
        channels=[c.channel for c in complaints],
        terms=[c.terms for c in complaints],
        ids=[c.feedback_id for c in complaints],
    )
    ids_by_cluster = {cluster: issue.issue_id for cluster, issue in enumerate(model.issues_)}
    assignment: dict[str, str | None] = {item.feedback_id: None for item in items}
    for item, label in zip(complaints, np.asarray(model.labels_), strict=True):
        assignment[item.feedback_id] = ids_by_cluster.get(int(label))
    fitted = set(rows)
    rest = [i for i, item in enumerate(items) if item.complaint and i not in fitted]
    if rest and model.issues_:
        labels = np.asarray(model.labels_)
        fitted_rows = np.asarray(rows)
        shaped = [
            _with_shape(issue, embeddings, fitted_rows[labels == c])
            for c, issue in enumerate(model.issues_)
        ]
        for start in range(0, len(rest), ASSIGN_CHUNK):
            part = rest[start : start + ASSIGN_CHUNK]
            joined = assign_to_known(embeddings[part], [items[i].product for i in part], shaped)
            for i, issue_id in zip(part, joined, strict=True):
                assignment[items[i].feedback_id] = issue_id
    return Clustering(issues=list(model.issues_), assignment=assignment)


@dataclass
class IssueUpdate:
    """One run of `update_catalogue`: the issues, what changed, and how many ids survived."""

    clustering: Clustering
    mode: str  # "full" (re-clustered, matched to earlier issues) | "incremental"
    events: list[LineageEvent]
    retained: float | None  # share of earlier-assigned documents keeping their id; None: first run


def _with_shape(issue: Issue, matrix: np.ndarray, members: Sequence[int] | np.ndarray) -> Issue:
    """``issue`` sized and shaped by its members, rows of ``matrix``."""
    if not len(members):
        return replace(issue, size=0)
    centroid, threshold = centroid_and_threshold(matrix, members)
    return replace(issue, size=len(members), centroid=centroid, threshold=threshold)


def _rows_by_issue(
    assignment: Mapping[str, str | None], row: Mapping[str, int]
) -> dict[str, list[int]]:
    """Issue id → the matrix rows of its documents, gathered in one pass."""
    out: dict[str, list[int]] = {}
    for doc, issue_id in assignment.items():
        if issue_id is not None:
            out.setdefault(issue_id, []).append(row[doc])
    return out


class _MatrixRows(Mapping):
    """Document id → its row of the matrix, looked up on access (no object per document)."""

    def __init__(self, matrix: np.ndarray, row: Mapping[str, int]) -> None:
        self.matrix, self.row = matrix, row

    def __getitem__(self, doc: str) -> np.ndarray:
        return self.matrix[self.row[doc]]

    def __iter__(self):
        return iter(self.row)

    def __len__(self) -> int:
        return len(self.row)


def _unused_id(candidate: str, taken: set[str]) -> str:
    n = 1
    fresh = candidate
    while fresh in taken:
        fresh = "iss_" + hashlib.sha256(f"{candidate}#{n}".encode()).hexdigest()[:12]
        n += 1
    taken.add(fresh)
    return fresh


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
    by_issue = _rows_by_issue(assignment, row)
    current_centroids = {
        i.issue_id: centroid_and_threshold(matrix, by_issue[i.issue_id])[0]
        for i in issues
        if i.issue_id in by_issue
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
    stable = keep_earlier_ids(previous, assignment, _MatrixRows(matrix, row), shapes)
    counts = Counter(stable.values())
    summaries = {i.issue_id: i for i in issues}
    for issue_id, known in known_by_id.items():
        if issue_id not in summaries and counts[issue_id]:
            summaries[issue_id] = replace(known, size=0, centroid=None, threshold=None)
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


def update_catalogue(
    items: Sequence[FeedbackText],
    embeddings: np.ndarray,
    known: Sequence[Issue] = (),
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
    # float32 as stored: every similarity is taken on unit rows, which are float64 again.
    matrix = np.asarray(embeddings, dtype=np.float32)
    previous = dict(previous or {})
    row = {item.feedback_id: i for i, item in enumerate(items)}
    taken = {*taken_ids, *(k.issue_id for k in known)}
    known_by_id = {k.issue_id: k for k in known}
    events: list[LineageEvent] = []
    first_run = not known

    if full or first_run:
        fresh = find_issues(items, matrix, model)
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
        issues = [replace(k, size=0) for k in known]
        # Complaints that fit no known issue become new issues once enough of them wait: a
        # handful of leftovers is noise, not a new recurring complaint.
        model = model or IssueModel()
        if len(leftover) < NEW_ISSUE_POOL * model.min_size:
            leftover = []
        fresh = find_issues([items[i] for i in leftover], matrix[leftover], model)
        # A new issue must hang together at least as well as a typical known issue admits
        # newcomers; a cluster of leftover outliers from several issues does not.
        bar = float(np.median([k.threshold for k in known]))
        for issue in fresh.issues:
            rows = [row[f] for f, i in fresh.assignment.items() if i == issue.issue_id]
            centroid, _ = centroid_and_threshold(matrix, rows)
            if float(np.median(unit_rows(matrix[rows]) @ centroid)) < bar:
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
    by_issue = _rows_by_issue(assignment, row)
    issues = [_with_shape(i, matrix, by_issue.get(i.issue_id, [])) for i in issues]
    return IssueUpdate(
        clustering=Clustering(issues=issues, assignment=assignment),
        mode=mode,
        events=events,
        retained=None if first_run else retained_share(previous, assignment),
    )
