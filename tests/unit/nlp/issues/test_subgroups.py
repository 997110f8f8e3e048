"""The sub-groups koe proposes for splitting an issue: separated groups, named apart, stable."""

from __future__ import annotations

import numpy as np

from nlp.issues.subgroups import MIN_MEMBERS, propose_subgroups, sample_members


def two_groups(n=20, seed=0):
    rng = np.random.default_rng(seed)
    cable = rng.normal([1, 0, 0], 0.05, (n, 3))
    stand = rng.normal([0, 1, 0], 0.05, (n, 3))
    ids = [f"c{i}" for i in range(n)] + [f"s{i}" for i in range(n)]
    terms = [["充電|できない", "ケーブル"]] * n + [["充電|できない", "充電台"]] * n
    return ids, np.vstack([cable, stand]), terms


def test_two_clear_groups_are_found_and_named_by_what_sets_them_apart():
    ids, vectors, terms = two_groups()
    groups = propose_subgroups("iss_x", ids, vectors, terms)
    assert len(groups) == 2
    by_label = {g.label: g for g in groups}
    assert set(by_label) == {"充電できない（ケーブル）", "充電できない（充電台）"}
    cable = by_label["充電できない（ケーブル）"]
    assert all(e.startswith("c") for e in cable.example_ids)
    assert cable.share == 0.5
    assert np.isclose(np.linalg.norm(cable.centroid), 1.0, atol=1e-5)


def test_a_small_issue_gets_no_proposal():
    ids, vectors, terms = two_groups(n=MIN_MEMBERS // 2 - 1)
    assert propose_subgroups("iss_x", ids, vectors, terms) == []


def test_the_sample_depends_only_on_the_ids():
    members = [f"f{i}" for i in range(1000)]
    assert sample_members(members, 50) == sample_members(list(reversed(members)), 50)
    assert len(sample_members(members, 50)) == 50


def test_copies_of_one_text_are_not_cut_into_groups():
    ids = [f"f{i}" for i in range(20)]
    vectors = np.tile([1.0, 0.0, 0.0], (20, 1))
    assert propose_subgroups("iss_x", ids, vectors, [["充電"]] * 20) == []
