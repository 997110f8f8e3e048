"""What flagging no decoy would cost: recall at the tuned cut, above every decoy, above 99 %."""

from __future__ import annotations

from eval.decoy_cost import decoy_cost


def _row(p: float, flags=(), decoys=()) -> dict:
    return {"flags": list(flags), "p": {"churn": p}, "decoys": list(decoys)}


def test_recall_left_when_no_decoy_may_be_flagged():
    positives = [_row(p, flags=["churn"]) for p in (0.95, 0.9, 0.8, 0.7, 0.6)]
    decoys = [_row(p, decoys=["churn"]) for p in (0.85, 0.65, 0.2, 0.1)]
    others = [_row(0.99)]  # neither a positive nor a decoy: counts for nothing
    [cost] = decoy_cost(
        positives + decoys + others, lambda r: r["decoys"], {"churn": 0.6}, ["churn"], share=0.25
    )
    assert (cost.decoys, cost.flagged) == (4, 2)  # 0.85 and 0.65 reach the cut
    assert cost.recall == 1.0
    assert cost.recall_no_decoy == 2 / 5  # only 0.95 and 0.9 are above the highest decoy
    assert cost.recall_share == 4 / 5  # one decoy of four may be flagged: above 0.65, not 0.6


def test_a_flag_without_decoys_is_left_out():
    rows = [_row(0.9, flags=["churn"])]
    assert decoy_cost(rows, lambda r: r["decoys"], {"churn": 0.5}, ["churn"]) == []
