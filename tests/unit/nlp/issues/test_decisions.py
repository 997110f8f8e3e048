"""Analysts' decisions applied over the algorithm's catalogue: rename, merge, split, move,
dismiss, undo, in the order they were made, with lineage only the first time."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.issues.decisions import (
    ACTIVE,
    ANALYST,
    MERGED,
    NOT_AN_ISSUE,
    Decision,
    Undo,
    apply_decisions,
    split_issue_id,
    standing,
)
from nlp.issues.model import Issue

# Two directions in a 3-d space: documents of "charge" lean on x (cable) or y (stand).
VECTORS = {
    "d1": [1.0, 0.1, 0.0],
    "d2": [0.9, 0.2, 0.0],
    "d3": [0.1, 1.0, 0.0],
    "d4": [0.2, 0.9, 0.0],
    "d5": [0.0, 0.0, 1.0],
    "d6": [0.0, 0.1, 1.0],
    "new": [0.15, 0.95, 0.0],
}


def vectors(ids):
    return np.array([VECTORS[i] for i in ids])


ISSUES = [
    Issue("iss_charge", "充電", ("充電",), 4, ("d1", "d3"), product="P"),
    Issue("iss_ship", "配送", ("配送",), 2, ("d5",), product="P"),
]
ASSIGNMENT = {"d1": "iss_charge", "d2": "iss_charge", "d3": "iss_charge", "d4": "iss_charge",
              "d5": "iss_ship", "d6": "iss_ship", "x": None}  # fmt: skip


def decide(n, kind, issue_id, **fields):
    return Decision(f"dec_{n}", kind, issue_id, "analyst@example.jp", **fields)


def split(n=3):
    return decide(
        n,
        "split",
        "iss_charge",
        centroids=((1.0, 0.0, 0.0), (0.0, 1.0, 0.0)),
        chosen=1,
        label="充電台で充電できない",
        keywords=("充電台",),
    )


def test_no_decision_leaves_the_algorithms_catalogue_as_it_is():
    curated = apply_decisions(ISSUES, ASSIGNMENT, [], vectors)
    assert curated.assignment == ASSIGNMENT
    assert [i.label for i in curated.issues] == ["充電", "配送"]
    assert set(curated.status.values()) == {ACTIVE}
    assert curated.events == []


def test_a_rename_pins_the_label_and_keeps_the_algorithms():
    curated = apply_decisions(ISSUES, ASSIGNMENT, [decide(1, "rename", "iss_charge", label="充電できない（ケーブル）")], vectors)  # fmt: skip
    assert curated.issues[0].label == "充電できない（ケーブル）"
    assert curated.machine_labels["iss_charge"] == "充電"
    [event] = curated.events
    assert (event.event, event.actor, event.decision_id) == (
        "renamed",
        "analyst@example.jp",
        "dec_1",
    )


def test_a_merge_moves_every_document_and_later_ones_follow():
    merge = decide(1, "merge", "iss_ship", target_issue_id="iss_charge")
    curated = apply_decisions(ISSUES, ASSIGNMENT, [merge], vectors)
    assert curated.status["iss_ship"] == MERGED
    assert curated.assignment["d5"] == curated.assignment["d6"] == "iss_charge"
    assert curated.issues[0].size == 6
    assert curated.events[0].documents == 2
    # A later run where the algorithm put a new document in the merged issue: it follows.
    later = {**ASSIGNMENT, "d7": "iss_ship"}
    assert apply_decisions(ISSUES, later, [merge], vectors).assignment["d7"] == "iss_charge"


def test_a_split_sorts_documents_by_the_nearest_subgroup_centre_now_and_later():
    curated = apply_decisions(ISSUES, ASSIGNMENT, [split()], vectors)
    new_id = split_issue_id("dec_3")
    assert {d for d, i in curated.assignment.items() if i == new_id} == {"d3", "d4"}
    assert curated.origin[new_id] == ANALYST
    assert next(i for i in curated.issues if i.issue_id == new_id).label == "充電台で充電できない"
    later = {**ASSIGNMENT, "new": "iss_charge"}
    assert apply_decisions(ISSUES, later, [split()], vectors).assignment["new"] == new_id


def test_a_move_pins_one_feedback_and_decisions_apply_in_order():
    moved = decide(2, "move", "iss_charge", feedback_id="d1", target_issue_id="iss_ship")
    then_merged = decide(4, "merge", "iss_ship", target_issue_id="iss_charge")
    curated = apply_decisions(ISSUES, ASSIGNMENT, [moved], vectors)
    assert curated.assignment["d1"] == "iss_ship"
    assert curated.events[0].source_issue_id == "iss_charge"
    # Merging the move's target later carries the moved voice along.
    curated = apply_decisions(ISSUES, ASSIGNMENT, [moved, then_merged], vectors)
    assert curated.assignment["d1"] == "iss_charge"


def test_dismissed_cluster_stays_but_is_not_an_issue():
    curated = apply_decisions(ISSUES, ASSIGNMENT, [decide(1, "dismiss", "iss_ship")], vectors)
    assert curated.status["iss_ship"] == NOT_AN_ISSUE
    assert curated.assignment["d5"] == "iss_ship"


def test_undo_stops_applying_a_decision_and_is_itself_recorded():
    merge = decide(1, "merge", "iss_ship", target_issue_id="iss_charge")
    undo = Undo("dec_2", "dec_1", "lead@example.jp")
    curated = apply_decisions(
        ISSUES, ASSIGNMENT, standing([merge], [undo]), vectors, [undo], {"dec_1"}
    )
    assert curated.assignment == ASSIGNMENT
    [event] = curated.events
    assert (event.event, event.issue_id, event.decision_id) == ("undone", "dec_1", "dec_2")


def test_lineage_records_a_decision_once():
    rename = decide(1, "rename", "iss_charge", label="充電")
    assert apply_decisions(ISSUES, ASSIGNMENT, [rename], vectors, recorded={"dec_1"}).events == []


def test_a_decision_about_a_retired_issue_is_not_applied_and_says_why():
    curated = apply_decisions(
        ISSUES, ASSIGNMENT, [decide(1, "rename", "iss_gone", label="x")], vectors
    )
    assert "dec_1" in curated.not_applied
    assert [e.event for e in curated.events] == ["not_applied"]


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown decision kind"):
        decide(1, "delete", "iss_charge")
