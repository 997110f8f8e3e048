"""Recurring questions (よくある質問): questions and requests grouped the way issues are.

The issue catalogue's lifecycle (`nlp.issues.catalogue`: one clustering, incremental or full runs,
ids kept by `nlp.issues.identity`, lineage events) clusters the documents whose ``complaint`` field
is set. Recurring questions are that same lifecycle over another corpus: each document's
``complaint`` field is set to whether it is an inquiry (a question or a request, judged by the
text classifier), so problem reports and praise stay out exactly as praise stays out of issues.

Their ids start with ``faq_`` instead of ``iss_``, so a recurring question can never be taken for
an issue (or collide with one) in the warehouse or on a page; the catalogue itself mints ``iss_``
ids, and this module translates at its edges.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from nlp.feedback import FeedbackText
from nlp.issues.catalogue import (
    Clustering,
    History,
    IssueUpdate,
    find_issues,
    input_digest,
    plan_run,
    texts_needed,
    update_catalogue,
)
from nlp.issues.identity import LineageEvent
from nlp.issues.model import Issue, IssueModel

QUESTION_PREFIX = "faq_"
_ISSUE_PREFIX = "iss_"


def inquiry_corpus(items: Sequence[FeedbackText]) -> list[FeedbackText]:
    """``items`` as the catalogue clusters them for recurring questions: an inquiry is in scope,
    everything else (problem reports, praise) is not."""
    return [replace(item, complaint=item.inquiry is not None) for item in items]


def question_id(catalogue_id: str | None) -> str | None:
    """The recurring question's id for an id the catalogue minted (``iss_…`` → ``faq_…``)."""
    if catalogue_id is None or catalogue_id.startswith(QUESTION_PREFIX):
        return catalogue_id
    return QUESTION_PREFIX + catalogue_id.removeprefix(_ISSUE_PREFIX)


def _catalogue_id(qid: str | None) -> str | None:
    """The id as the catalogue knows it (``faq_…`` → ``iss_…``), so it continues it."""
    if qid is None or not qid.startswith(QUESTION_PREFIX):
        return qid
    return _ISSUE_PREFIX + qid.removeprefix(QUESTION_PREFIX)


def _issues_as(issues: Sequence[Issue], rename) -> list[Issue]:
    return [replace(i, issue_id=rename(i.issue_id)) for i in issues]


def _clustering_as(clustering: Clustering, rename) -> Clustering:
    return Clustering(
        issues=_issues_as(clustering.issues, rename),
        assignment={doc: rename(i) for doc, i in clustering.assignment.items()},
    )


def _events_as(events: Sequence[LineageEvent], rename) -> list[LineageEvent]:
    return [
        replace(e, issue_id=rename(e.issue_id), source_issue_id=rename(e.source_issue_id))
        for e in events
    ]


def find_questions(
    items: Sequence[FeedbackText], embeddings: np.ndarray, model: IssueModel | None = None
) -> Clustering:
    """One clustering of the inquiries among ``items`` into recurring questions (`find_issues`
    over the inquiry corpus); everything else maps to None."""
    return _clustering_as(find_issues(inquiry_corpus(items), embeddings, model), question_id)


def plan_question_run(
    items: Sequence[FeedbackText], history: History, full: bool | None = None
) -> str:
    """ "unchanged", "incremental" or "full" for the recurring questions (`plan_run`): a full run
    whenever the inquiries grew by a quarter since the last one."""
    return plan_run(inquiry_corpus(items), history, full)


def question_digest(items: Sequence[FeedbackText]) -> str:
    """`input_digest` of the inquiry corpus: the same documents judged the same give the same."""
    return input_digest(inquiry_corpus(items))


def question_texts_needed(
    items: Sequence[FeedbackText],
    mode: str,
    previous: Mapping[str, str | None],
    known: Sequence[Issue],
) -> list[int]:
    """Rows whose text and terms a run of ``mode`` reads (`texts_needed` over the inquiries)."""
    return texts_needed(
        inquiry_corpus(items),
        mode,
        {doc: _catalogue_id(q) for doc, q in previous.items()},
        _issues_as(known, _catalogue_id),
    )


def update_questions(
    items: Sequence[FeedbackText],
    embeddings: np.ndarray,
    known: Sequence[Issue] = (),
    previous: Mapping[str, str | None] | None = None,
    full: bool = False,
    taken_ids: Sequence[str] = (),
    model: IssueModel | None = None,
) -> IssueUpdate:
    """Bring the recurring questions up to date with ``items`` (`update_catalogue` over the
    inquiries): earlier ids kept where they hold, new questions and what changed as lineage."""
    update = update_catalogue(
        inquiry_corpus(items),
        embeddings,
        known=_issues_as(known, _catalogue_id),
        previous={doc: _catalogue_id(q) for doc, q in (previous or {}).items()},
        full=full,
        taken_ids=[_catalogue_id(t) for t in taken_ids],
        model=model,
    )
    return IssueUpdate(
        clustering=_clustering_as(update.clustering, question_id),
        mode=update.mode,
        events=_events_as(update.events, question_id),
        retained=update.retained,
    )
