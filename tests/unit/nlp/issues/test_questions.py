"""Recurring questions: questions and requests grouped with the issue catalogue's own machinery,
under ids of their own, while problem reports and praise stay out."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from nlp.feedback import FeedbackText
from nlp.issues.catalogue import History
from nlp.issues.questions import (
    QUESTION_PREFIX,
    find_questions,
    plan_question_run,
    question_digest,
    update_questions,
)


def _corpus(seed: int, per_topic: int):
    """Three well separated recurring questions of one product and, on the same axes, problem
    reports and praise that must never join them."""
    rng = np.random.default_rng(seed)
    asks = ["予約の設定方法", "ロックのかけ方", "データの引き継ぎ"]
    items, rows = [], []
    for k, ask in enumerate(asks):
        for n in range(per_topic):
            inquiry = "request" if k == 2 else "question"
            items.append(
                FeedbackText(
                    f"q{seed}-{k}-{n}", f"{ask} {n}", f"h{seed}{k}{n}", "P", complaint=False,
                    inquiry=inquiry,
                )
            )  # fmt: skip
            rows.append(np.eye(8)[k] + rng.normal(0, 0.05, 8))
    for n in range(6):
        items.append(FeedbackText(f"c{seed}-{n}", f"予約が動かない {n}", f"hc{seed}{n}", "P"))
        rows.append(np.eye(8)[0] + rng.normal(0, 0.05, 8))
        items.append(
            FeedbackText(f"p{seed}-{n}", f"ロック便利 {n}", f"hp{seed}{n}", "P", complaint=False)
        )
        rows.append(np.eye(8)[1] + rng.normal(0, 0.05, 8))
    return items, np.vstack(rows)


def test_only_questions_and_requests_form_recurring_questions_under_their_own_ids():
    items, matrix = _corpus(seed=1, per_topic=15)
    found = find_questions(items, matrix)
    assert len(found.issues) == 3
    assert all(q.issue_id.startswith(QUESTION_PREFIX) for q in found.issues)
    for item in items:
        if item.inquiry is None:  # a problem report or praise
            assert found.assignment[item.feedback_id] is None
    # Each planted question is one recurring question (an outlier may stay out), and no two
    # share one.
    dominant = []
    for k in range(3):
        members = [found.assignment[f"q1-{k}-{n}"] for n in range(15)]
        top = max(set(members) - {None}, key=members.count)
        assert members.count(top) >= 13 and set(members) <= {top, None}
        dominant.append(top)
    assert len(set(dominant)) == 3


def test_recurring_questions_keep_their_ids_incrementally_and_through_a_full_recluster():
    first_items, first = _corpus(seed=1, per_topic=15)
    run1 = update_questions(first_items, first)
    assert run1.mode == "full" and [e.event for e in run1.events] == ["created"] * 3
    assert all(e.issue_id.startswith(QUESTION_PREFIX) for e in run1.events)
    ids = {q.issue_id for q in run1.clustering.issues}

    more_items, more = _corpus(seed=2, per_topic=4)
    items, matrix = first_items + more_items, np.vstack([first, more])
    run2 = update_questions(items, matrix, run1.clustering.issues, run1.clustering.assignment)
    assert run2.mode == "incremental" and run2.retained == 1.0 and run2.events == []
    assert {q.issue_id for q in run2.clustering.issues} == ids
    # New questions join the recurring question of their own topic (or wait), never another.
    for k in range(3):
        earlier = [run1.clustering.assignment[f"q1-{k}-{n}"] for n in range(15)]
        top = max(set(earlier) - {None}, key=earlier.count)
        joined = [run2.clustering.assignment[f"q2-{k}-{n}"] for n in range(4)]
        assert joined.count(top) >= 2 and set(joined) <= {top, None}
    assert not any(run2.clustering.assignment[f"c2-{n}"] for n in range(6))

    run3 = update_questions(
        items, matrix, run2.clustering.issues, run2.clustering.assignment, full=True,
        taken_ids=sorted(ids),
    )  # fmt: skip
    assert run3.mode == "full" and run3.retained == 1.0
    assert {q.issue_id for q in run3.clustering.issues} == ids


def test_the_plan_counts_inquiries_not_complaints():
    items, matrix = _corpus(seed=1, per_topic=15)
    run = update_questions(items, matrix)
    history = History(run.clustering.issues, 45, question_digest(items))
    assert plan_question_run(items, history) == "unchanged"
    # A quarter more problem reports is no reason to re-cluster the questions…
    complaints = [FeedbackText(f"x{n}", f"壊れた {n}", f"hx{n}", "P") for n in range(20)]
    assert plan_question_run(items + complaints, history) == "incremental"
    # …a quarter more questions is.
    asked = [replace(c, complaint=False, inquiry="question") for c in complaints[:12]]
    assert plan_question_run(items + asked, history) == "full"
    # Judging a text a question instead of praise changes the input.
    judged = [replace(items[-1], inquiry="request"), *items[:-1]]
    assert question_digest(judged) != question_digest(items)
