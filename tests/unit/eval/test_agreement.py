"""Annotator agreement: Cohen's kappa and the stored agreement study."""

from __future__ import annotations

import pytest

from eval.agreement import agreement, cohen_kappa


def test_kappa_is_one_for_the_same_labels_and_zero_for_chance_agreement():
    assert cohen_kappa([True, False, True, False], [True, False, True, False]) == 1.0
    # Half the texts agree, as two independent coins would: no agreement beyond chance.
    assert cohen_kappa([True, True, False, False], [True, False, True, False]) == 0.0
    assert cohen_kappa([True, False], [False, True]) == -1.0


def test_kappa_needs_two_labellings_of_one_set():
    with pytest.raises(ValueError):
        cohen_kappa([True], [True, False])


def test_the_stored_study_covers_its_sample_and_every_flag():
    table = agreement()
    assert table.startswith("420 dev texts")
    for flag in ("sns_threat", "escalation_demand", "legal_threat", "safety", "churn"):
        assert f"\n{flag} " in table
