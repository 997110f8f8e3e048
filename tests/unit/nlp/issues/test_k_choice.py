"""How `IssueModel._split` chooses k from the silhouette curve.

The curve is scripted (the silhouette of a k-way cut is looked up by k) so that the choice rule
is tested alone: the search stops ``k_patience`` steps after the last real rise, and a rise
within ``k_margin`` of the best is not a real rise. A curve of this shape (0.1798 at k = 3,
0.1802 at k = 6, 0.206 at k = 9) cut the insights sample's leaking humidifier into nine issues
where three hold its problems.
"""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics

from nlp.issues.model import IssueModel

CURVE = {2: 0.1746, 3: 0.1798, 4: 0.1639, 5: 0.1681, 6: 0.1802, 7: 0.1712, 8: 0.1770, 9: 0.2060}


@pytest.fixture
def scripted_silhouette(monkeypatch):
    def silhouette(_distances, labels, metric):
        return CURVE.get(len(np.unique(labels)), 0.0)

    monkeypatch.setattr(sklearn.metrics, "silhouette_score", silhouette)


@pytest.fixture
def rows() -> np.ndarray:
    # Far more rows than k-means needs for every cluster of every k to reach min_size, so the
    # size penalty is 1 and only the scripted curve decides.
    return np.random.default_rng(0).normal(size=(400, 16))


def test_a_rise_within_the_margin_does_not_keep_the_search_going(scripted_silhouette, rows):
    parts = IssueModel(k_margin=0.01)._split(rows)
    assert len(parts) == 3


def test_without_a_margin_the_tiny_rise_carries_the_search_to_a_finer_cut(
    scripted_silhouette, rows
):
    parts = IssueModel(k_margin=0.0)._split(rows)
    assert len(parts) == 9


def test_a_rise_past_the_margin_still_counts(monkeypatch, rows):
    steep = {2: 0.10, 3: 0.12, 4: 0.14, 5: 0.13}
    monkeypatch.setattr(
        sklearn.metrics,
        "silhouette_score",
        lambda _d, labels, metric: steep.get(len(np.unique(labels)), 0.0),
    )
    assert len(IssueModel(k_margin=0.01)._split(rows)) == 4
