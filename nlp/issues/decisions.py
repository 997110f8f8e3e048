"""Analysts' decisions about the issue catalogue, applied over what clustering found.

The algorithm keeps its own catalogue from run to run (`nlp.issues.catalogue`); what people
decide is an overlay on it. Every run, full or incremental, applies the standing decisions in the
order they were made, so a person's decision wins over the algorithm, and undoing one simply
stops applying it:

- ``rename``: the issue shows the analyst's label (pinned);
- ``merge``: the issue's documents, today's and later ones, belong to the target issue;
- ``split``: the documents of the issue closer to the chosen one of koe's proposed sub-groups
  (`nlp.issues.subgroups`) than to the others form an issue of their own; new documents are
  sorted the same way;
- ``move``: one feedback belongs to the chosen issue;
- ``dismiss``: the cluster stays (so that similar voices keep collecting in it) but is not an
  issue: it leaves the rankings.

A decision whose issue no longer exists (the algorithm retired it) is kept but not applied, and
the reason is returned for the app to show.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from koe.vocabulary import ISSUE_DECISIONS
from nlp.issues.identity import LineageEvent
from nlp.issues.model import Issue
from nlp.vectors import unit_rows

KINDS = tuple(ISSUE_DECISIONS)
# The lineage event each kind of decision is recorded as, the first run that applies it.
EVENTS = {
    "rename": "renamed",
    "merge": "merged",
    "split": "split",
    "move": "moved",
    "dismiss": "dismissed",
}
UNDONE = "undone"
NOT_APPLIED = "not_applied"  # the run saw the decision but its issue was gone
ACTIVE, MERGED, NOT_AN_ISSUE = "active", "merged", "not_an_issue"
MACHINE, ANALYST = "machine", "analyst"
N_REPRESENTATIVES = 5


@dataclass(frozen=True)
class Decision:
    """One edit an analyst made; which fields matter depends on ``kind``."""

    decision_id: str
    kind: str
    issue_id: str  # the issue edited (for a move: the issue the feedback was in)
    actor: str
    label: str | None = None  # rename; the label of a split-off issue
    target_issue_id: str | None = None  # merge into; move to
    feedback_id: str | None = None  # move
    centroids: tuple[tuple[float, ...], ...] = ()  # split: every proposed sub-group's centre
    chosen: int | None = None  # split: the sub-group that leaves
    keywords: tuple[str, ...] = ()  # split: the chosen sub-group's keywords

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown decision kind {self.kind!r}; expected one of {KINDS}")


@dataclass(frozen=True)
class Undo:
    """An analyst took back the decision ``undoes``."""

    decision_id: str
    undoes: str
    actor: str


@dataclass
class Curated:
    """The catalogue as people see it: the algorithm's issues with every standing decision applied."""

    issues: list[Issue]  # every issue, the merged-away ones included (see ``status``)
    status: dict[str, str]  # issue id → ACTIVE | MERGED | NOT_AN_ISSUE
    origin: dict[str, str]  # issue id → MACHINE | ANALYST (split off by a person)
    machine_labels: dict[str, str]  # the algorithm's label, kept under a pinned one
    assignment: dict[str, str | None]  # feedback id → issue id as people see it
    events: list[LineageEvent] = field(default_factory=list)  # decisions applied for the first time
    not_applied: dict[str, str] = field(default_factory=dict)  # decision id → why not


def standing(decisions: Sequence[Decision], undos: Sequence[Undo]) -> list[Decision]:
    """The decisions still in force, in the order they were made."""
    undone = {u.undoes for u in undos}
    return [d for d in decisions if d.decision_id not in undone]


def split_issue_id(decision_id: str) -> str:
    """The id of the issue a split decision creates: the same every run."""
    return "iss_" + hashlib.sha256(f"split\x1f{decision_id}".encode()).hexdigest()[:12]


def apply_decisions(
    issues: Sequence[Issue],
    assignment: Mapping[str, str | None],
    decisions: Sequence[Decision],
    vectors: Callable[[Sequence[str]], np.ndarray],
    undos: Sequence[Undo] = (),
    recorded: Collection[str] = frozenset(),
) -> Curated:
    """Apply the standing ``decisions`` (oldest first) to the algorithm's ``issues`` and
    ``assignment``.

    ``vectors(feedback_ids)`` returns those documents' embeddings (rows in order): a split sorts
    the issue's documents by the sub-group centre they are closest to. ``recorded`` holds the
    decision ids the lineage already shows; the others (and new undos) come back as events.
    """
    by_id = {i.issue_id: i for i in issues}
    status = dict.fromkeys(by_id, ACTIVE)
    origin = dict.fromkeys(by_id, MACHINE)
    machine_labels = {i.issue_id: i.label for i in issues}
    labels = dict(machine_labels)
    out = dict(assignment)
    events: list[LineageEvent] = []
    not_applied: dict[str, str] = {}

    def members(issue_id: str) -> list[str]:
        return [doc for doc, current in out.items() if current == issue_id]

    def live(issue_id: str | None) -> str | None:
        """The issue that stands for ``issue_id`` now (a merged one's target), or None."""
        seen = set()
        while issue_id in status and status[issue_id] == MERGED and issue_id not in seen:
            seen.add(issue_id)
            issue_id = merged_into[issue_id]
        return issue_id if issue_id in status else None

    merged_into: dict[str, str] = {}
    for d in decisions:
        issue_id = live(d.issue_id)
        documents = 0
        if d.kind == "move":
            target = live(d.target_issue_id)
            if target is None or d.feedback_id not in out:
                not_applied[d.decision_id] = "移動先の課題、または声がもうありません"
                continue
            out[d.feedback_id] = target
            events.append(_event(d, recorded, target, issue_id or d.issue_id, 1))
            continue
        elif issue_id is None:
            not_applied[d.decision_id] = "課題がもうありません（再クラスタリングで統合・廃止）"
            continue
        elif d.kind == "rename":
            labels[issue_id] = d.label or labels[issue_id]
        elif d.kind == "dismiss":
            status[issue_id] = NOT_AN_ISSUE
        elif d.kind == "merge":
            target = live(d.target_issue_id)
            if target is None or target == issue_id:
                not_applied[d.decision_id] = "統合先の課題がもうありません"
                continue
            moving = members(issue_id)
            for doc in moving:
                out[doc] = target
            status[issue_id], merged_into[issue_id] = MERGED, target
            documents = len(moving)
            events.append(_event(d, recorded, target, issue_id, documents))
            continue
        elif d.kind == "split":
            new_id, documents = _split(
                d, issue_id, by_id, status, origin, labels, machine_labels, out, vectors
            )
            events.append(_event(d, recorded, new_id, issue_id, documents))
            continue
        events.append(_event(d, recorded, issue_id, None, documents))

    sizes = Counter(out.values())
    curated = [
        replace(
            issue,
            label=labels[issue.issue_id],
            size=sizes[issue.issue_id],
            representative_ids=tuple(
                r for r in issue.representative_ids if out.get(r) == issue.issue_id
            ),
        )
        for issue in by_id.values()
    ]
    events = [e for e in events if e is not None]
    events += [
        LineageEvent(NOT_APPLIED, d.issue_id, None, 0, actor=d.actor, decision_id=d.decision_id)
        for d in decisions
        if d.decision_id in not_applied and d.decision_id not in recorded
    ]
    events += [
        LineageEvent(UNDONE, u.undoes, None, 0, actor=u.actor, decision_id=u.decision_id)
        for u in undos
        if u.decision_id not in recorded
    ]
    return Curated(curated, status, origin, machine_labels, out, events, not_applied)


def _event(
    d: Decision, recorded: Collection[str], issue_id: str, source: str | None, documents: int
) -> LineageEvent | None:
    if d.decision_id in recorded:
        return None
    return LineageEvent(
        EVENTS[d.kind], issue_id, source, documents, actor=d.actor, decision_id=d.decision_id
    )


def _split(d, issue_id, by_id, status, origin, labels, machine_labels, out, vectors):
    """Move the documents of ``issue_id`` closest to the chosen sub-group into a new issue."""
    new_id = split_issue_id(d.decision_id)
    docs = [doc for doc, current in out.items() if current == issue_id]
    centres = unit_rows(np.asarray(d.centroids, dtype=np.float64))
    leaving: list[str] = []
    if docs and len(centres) and d.chosen is not None:
        similarity = unit_rows(np.asarray(vectors(docs), dtype=np.float64)) @ centres.T
        nearest = np.argmax(similarity, axis=1)
        leaving = [doc for doc, k in zip(docs, nearest, strict=True) if k == d.chosen]
        closest = np.argsort(-similarity[:, d.chosen])
        representatives = tuple(docs[i] for i in closest if nearest[i] == d.chosen)
    else:
        representatives = ()
    for doc in leaving:
        out[doc] = new_id
    source = by_id[issue_id]
    by_id[new_id] = Issue(
        issue_id=new_id,
        label=d.label or source.label,
        keywords=d.keywords,
        size=len(leaving),
        representative_ids=representatives[:N_REPRESENTATIVES],
        product=source.product,
    )
    status[new_id], origin[new_id] = ACTIVE, ANALYST
    labels[new_id] = d.label or source.label
    machine_labels[new_id] = labels[new_id]
    return new_id, len(leaving)
