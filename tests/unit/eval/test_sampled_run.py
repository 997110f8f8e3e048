"""Text-only issues on sets of a blind set's size: which texts each draw clusters."""

from __future__ import annotations

import numpy as np

from eval import run
from eval.dataset import UNKNOWN_PRODUCT
from eval.metrics import IssueScores


def _recording(monkeypatch):
    seen: list[list[str]] = []

    def fake_run(feedback, matrix, truth, products):
        assert len(feedback) == len(matrix) == len(truth) == len(products)
        seen.append(list(products))
        nmi = len(set(products)) / 100
        return run.ClusterRun("koe", IssueScores(nmi, 0.5, 0.5, 0.0, 1.0, 3), 1.0)

    monkeypatch.setattr(run, "_koe_run", fake_run)
    return seen


def test_a_split_with_many_products_is_scored_on_draws_of_twenty_and_averaged(monkeypatch):
    seen = _recording(monkeypatch)
    products = [f"p{i % 60}" for i in range(600)] + [UNKNOWN_PRODUCT] * 10
    matrix = np.zeros((len(products), 4), dtype=np.float32)
    result = run._sampled_run(list(range(len(products))), matrix, [None] * len(products), products)

    assert len(seen) == run.PRODUCT_SAMPLES
    for draw in seen:
        assert len(set(draw)) == run.SAMPLE_PRODUCTS and UNKNOWN_PRODUCT not in draw
        assert len(draw) == 10 * run.SAMPLE_PRODUCTS  # every text of each drawn product
    assert len({tuple(sorted(set(d))) for d in seen}) > 1  # different draws
    assert result.scores.nmi == 0.2 and result.scores.n_issues == 3
    # The draws are fixed: the same split gives the same figure.
    again = _recording(monkeypatch)
    run._sampled_run(list(range(len(products))), matrix, [None] * len(products), products)
    assert again == seen


def test_a_split_of_a_blind_sets_size_is_one_set_of_its_known_products(monkeypatch):
    seen = _recording(monkeypatch)
    products = [f"p{i % 20}" for i in range(200)] + [UNKNOWN_PRODUCT] * 7
    matrix = np.zeros((len(products), 4), dtype=np.float32)
    run._sampled_run(list(range(len(products))), matrix, [None] * len(products), products)
    assert len(seen) == 1 and len(seen[0]) == 200
