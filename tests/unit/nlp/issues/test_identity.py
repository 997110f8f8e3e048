"""Stable issue ids: matching, incremental assignment, hysteresis and lineage, on small cases."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.issues.identity import (
    assign_to_known,
    centroid_and_threshold,
    keep_earlier_ids,
    match_clusters,
    retained_share,
)
from nlp.issues.model import Issue


def known(issue_id: str, centroid, threshold: float = 0.8, product: str | None = "P") -> Issue:
    vector = np.asarray(centroid, dtype=float)
    return Issue(issue_id, issue_id, (), 0, (), product, vector / np.linalg.norm(vector), threshold)


def test_a_cluster_keeps_the_id_of_the_issue_it_continues():
    previous = {"a": "iss_x", "b": "iss_x", "c": "iss_y", "d": "iss_y", "e": None}
    clusters = {"a": 7, "b": 7, "c": 3, "d": 3, "e": 3, "f": 3}
    matching = match_clusters(previous, clusters)
    assert matching.continued == {7: "iss_x", 3: "iss_y"}
    assert matching.events == []


def test_a_cluster_carved_out_of_one_issue_is_a_split_and_two_issues_joined_are_a_merge():
    previous = {d: "iss_x" for d in "abcdef"} | {d: "iss_y" for d in "gh"}
    # x splits into 1 (abcd) and 2 (ef); y's documents all land in 1 with most of x.
    clusters = {"a": 1, "b": 1, "c": 1, "d": 1, "e": 2, "f": 2, "g": 1, "h": 1}
    matching = match_clusters(previous, clusters)
    assert matching.continued == {1: "iss_x"}
    assert matching.split_from == {2: "iss_x"}
    assert [(e.event, e.issue_id, e.source_issue_id, e.documents) for e in matching.events] == [
        ("merged", "iss_x", "iss_y", 2)
    ]


def test_an_issue_whose_documents_all_went_unclassified_is_retired():
    previous = {"a": "iss_x", "b": "iss_x"}
    matching = match_clusters(previous, {"a": None, "b": None})
    assert [(e.event, e.issue_id) for e in matching.events] == [("retired", "iss_x")]


def test_new_documents_join_the_closest_known_issue_of_their_product_or_none():
    issues = [
        known("iss_x", [1, 0, 0]),
        known("iss_y", [0, 1, 0]),
        known("iss_z", [0, 0, 1], product="Q"),
    ]
    vectors = np.array(
        [[0.9, 0.1, 0], [0.1, 0.95, 0], [0.5, 0.5, 0.7], [0, 0.1, 1.0], [0, 0.1, 1.0]]
    )
    products = ["P", "P", "P", "P", None]
    # The fourth reads like Q's issue but is about P: it joins nothing. Without a product it may.
    assert assign_to_known(vectors, products, issues) == ["iss_x", "iss_y", None, None, "iss_z"]


def test_threshold_follows_the_members_but_never_drops_below_the_floor():
    tight = np.array([[1, 0.01], [1, -0.01], [1, 0.0]])
    centroid, threshold = centroid_and_threshold(tight)
    assert centroid == pytest.approx([1, 0], abs=1e-3)
    assert threshold > 0.99
    _, loose = centroid_and_threshold(np.array([[1, 0], [0, 1], [-1, 0.1]]))
    assert loose == 0.35


def test_a_large_issue_is_shaped_a_chunk_at_a_time_with_the_same_result():
    rng = np.random.default_rng(3)
    matrix = (rng.normal(size=(700, 8)) + np.array([3.0] + [0.0] * 7)).astype(np.float32)
    members = np.flatnonzero(rng.random(700) < 0.6)
    whole = centroid_and_threshold(matrix[members])
    chunked = centroid_and_threshold(matrix, members, chunk_rows=50)
    assert chunked[0] == pytest.approx(whole[0], abs=1e-12)
    assert chunked[1] == pytest.approx(whole[1], abs=1e-12)
    assert centroid_and_threshold(matrix, members)[1] == whole[1]  # one chunk: the very same


def test_a_document_stays_in_its_issue_while_it_still_fits():
    previous = {"a": "iss_x", "b": "iss_x"}
    moved = {"a": "iss_new", "b": "iss_new"}
    vectors = {"a": np.array([1.0, 0.0]), "b": np.array([0.0, 1.0])}
    shapes = {"iss_x": (np.array([1.0, 0.0]), 0.9)}
    assert keep_earlier_ids(previous, moved, vectors, shapes) == {"a": "iss_x", "b": "iss_new"}
    assert retained_share(previous, {"a": "iss_x", "b": "iss_new"}) == 0.5
