"""The issue catalogue: how a run is planned, and ids kept incrementally and through a full
re-clustering, on small synthetic corpora."""

from __future__ import annotations

import numpy as np

from nlp.feedback import FeedbackText
from nlp.issues.catalogue import (
    FULL_RECLUSTER_GROWTH,
    History,
    find_issues,
    fit_sample,
    input_digest,
    plan_run,
    update_catalogue,
)
from nlp.issues.model import Issue


def _items(n: int, complaints: int | None = None) -> list[FeedbackText]:
    complaints = n if complaints is None else complaints
    return [FeedbackText(f"d{i}", f"text {i}", f"h{i}", complaint=i < complaints) for i in range(n)]


KNOWN = [Issue("iss_a", "a", (), 5, ())]


def test_the_first_run_is_full():
    assert (
        plan_run(_items(10), History(known=[], last_full_complaints=None, last_digest=None))
        == "full"
    )


def test_a_run_on_the_same_corpus_changes_nothing():
    items = _items(10)
    history = History(KNOWN, last_full_complaints=10, last_digest=input_digest(items))
    assert plan_run(items, history) == "unchanged"
    assert plan_run(items, history, full=True) == "full"


def test_new_feedback_joins_incrementally_until_complaints_grew_enough():
    grown = int(100 * (1 + FULL_RECLUSTER_GROWTH))
    history = History(KNOWN, last_full_complaints=100, last_digest="earlier")
    assert plan_run(_items(grown - 1), history) == "incremental"
    assert plan_run(_items(grown), history) == "full"
    assert plan_run(_items(grown), history, full=False) == "incremental"


def test_only_complaints_count_towards_the_growth():
    history = History(KNOWN, last_full_complaints=100, last_digest="earlier")
    assert plan_run(_items(300, complaints=110), history) == "incremental"


def test_the_digest_changes_with_a_text_or_a_complaint_flag():
    items = _items(3)
    changed_text = [*items[:2], FeedbackText("d2", "other", "h-other")]
    not_a_complaint = [*items[:2], FeedbackText("d2", "text 2", "h2", complaint=False)]
    assert (
        len({input_digest(items), input_digest(changed_text), input_digest(not_a_complaint)}) == 3
    )


def _corpus(seed: int, per_issue: int):
    """Three well separated issues of one product, as noisy unit vectors."""
    rng = np.random.default_rng(seed)
    axes = np.eye(8)[:3]
    texts = ["充電できない", "画面が割れた", "音が出ない"]
    items, rows = [], []
    for k, axis in enumerate(axes):
        for n in range(per_issue):
            items.append(FeedbackText(f"s{seed}-{k}-{n}", f"{texts[k]} {n}", f"h{seed}{k}{n}", "P"))
            rows.append(axis + rng.normal(0, 0.08, 8))
    return items, np.vstack(rows)


def _known_after(update):
    return update.clustering.issues


def test_the_catalogue_keeps_every_id_incrementally_and_through_a_full_recluster():
    first_items, first = _corpus(seed=1, per_issue=20)
    run1 = update_catalogue(first_items, first)
    assert run1.mode == "full" and run1.retained is None
    assert len(run1.clustering.issues) == 3
    assert [e.event for e in run1.events] == ["created"] * 3

    more_items, more = _corpus(seed=2, per_issue=6)
    items, matrix = first_items + more_items, np.vstack([first, more])
    run2 = update_catalogue(items, matrix, _known_after(run1), run1.clustering.assignment)
    assert run2.mode == "incremental" and run2.retained == 1.0
    assert run2.events == []
    assert {i.issue_id for i in run2.clustering.issues} == {
        i.issue_id for i in run1.clustering.issues
    }
    # Every new document joined the issue of its own kind.
    for item in more_items:
        kind = item.feedback_id.split("-")[1]
        peers = {
            run1.clustering.assignment[f.feedback_id]
            for f in first_items
            if f.feedback_id.split("-")[1] == kind
        }
        assert run2.clustering.assignment[item.feedback_id] in peers

    run3 = update_catalogue(
        items, matrix, _known_after(run2), run2.clustering.assignment, full=True
    )
    assert run3.mode == "full" and run3.retained == 1.0
    labels = {i.issue_id: i.label for i in run2.clustering.issues}
    assert {i.issue_id: i.label for i in run3.clustering.issues} == labels


def test_complaints_that_fit_no_known_issue_become_a_new_issue_once_enough_agree():
    first_items, first = _corpus(seed=1, per_issue=20)
    run1 = update_catalogue(first_items, first)
    rng = np.random.default_rng(5)
    novel = [FeedbackText(f"n{i}", f"アプリが落ちる {i}", f"hn{i}", "P") for i in range(16)]
    novel_rows = np.eye(8)[5] + rng.normal(0, 0.05, (16, 8))
    items, matrix = first_items + novel, np.vstack([first, novel_rows])
    run2 = update_catalogue(items, matrix, _known_after(run1), run1.clustering.assignment)
    created = [e for e in run2.events if e.event == "created"]
    assert len(created) == 1 and created[0].documents == 16
    assert {run2.clustering.assignment[f"n{i}"] for i in range(16)} == {created[0].issue_id}
    assert run2.retained == 1.0


def test_a_large_corpus_is_cut_on_a_stratified_sample_and_the_rest_joins_the_issues():
    items, matrix = _corpus(seed=3, per_issue=120)
    # A second product with few complaints, and a channel of its own: the sample keeps them.
    rng = np.random.default_rng(9)
    rare = [
        FeedbackText(f"r{n}", f"電源が入らない {n}", f"hr{n}", "Q", channel="sns")
        for n in range(12)
    ]
    items += rare
    matrix = np.vstack([matrix, np.eye(8)[6] + rng.normal(0, 0.08, (12, 8))])
    whole = find_issues(items, matrix)
    sampled = find_issues(items, matrix, sample_limit=90)

    rows = fit_sample(items, 90)
    shuffled = list(reversed(items))  # which complaints are drawn depends on their ids only
    assert {shuffled[i].feedback_id for i in fit_sample(shuffled, 90)} == {
        items[i].feedback_id for i in rows
    }
    assert 90 <= len(rows) < len(items)
    assert {f"r{n}" for n in range(12)} <= {items[i].feedback_id for i in rows}
    # Every complaint has an assignment; the sampled cut finds the same groups as the whole one.
    assert set(sampled.assignment) == {i.feedback_id for i in items}
    assert len(sampled.issues) == len(whole.issues) == 4

    # Only a few outliers of the whole fit differ: they may join an issue they are close to.
    from sklearn.metrics import adjusted_rand_score

    docs = sorted(whole.assignment)
    agreement = adjusted_rand_score(
        [str(whole.assignment[d]) for d in docs], [str(sampled.assignment[d]) for d in docs]
    )
    assert agreement >= 0.95
    # Under the limit nothing is sampled: the same clustering as before.
    assert fit_sample(items, len(items)) == list(range(len(items)))
