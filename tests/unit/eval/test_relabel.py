"""The confident-learning relabel (eval/relabel.py): who is chosen, how votes are kept and what
the majority changes in a training file."""

from __future__ import annotations

import json

import pytest

from eval import relabel


def _line(i, flags=(), decoys=()):
    return {
        "id": f"t01-{i:04d}",
        "flags": list(flags),
        "decoy_flags": list(decoys),
        "text": f"文{i}",
    }


def _row(i, **p):
    return {"file": "t01.jsonl", "line": i, "flags": [], "p": p}


LINES = {
    1: _line(1),  # model sure of churn, author said no: fn
    2: _line(2),  # less sure: fn, ranked after 1
    3: _line(3, flags=["churn"]),  # author yes, model no: fp
    4: _line(4, flags=["churn"]),  # agree: not chosen
    5: _line(5),  # agree (no, low p): not chosen
}
RECORD = [
    _row(1, churn=0.95),
    _row(2, churn=0.70),
    _row(3, churn=0.05),
    _row(4, churn=0.90),
    _row(5, churn=0.10),
]


def _select(skip=(), per_flag=40):
    return relabel.select(
        RECORD, {"churn": 0.5}, set(skip), lambda row: LINES[row["line"]], per_flag
    )


def test_only_disagreements_are_chosen_most_confident_first():
    assert _select() == {
        "t01-0001": ["churn:fn"],
        "t01-0002": ["churn:fn"],
        "t01-0003": ["churn:fp"],
    }
    assert _select(per_flag=1) == {"t01-0001": ["churn:fn"], "t01-0003": ["churn:fp"]}


def test_a_text_relabelled_before_is_not_chosen_again():
    assert "t01-0001" not in _select(skip={"t01-0001"})


def test_each_annotator_gets_the_same_texts_in_an_order_of_their_own(tmp_path):
    chosen = {f"t01-{i:04d}": ["churn:fn"] for i in range(1, 31)}
    texts = {doc: f"本文{doc}" for doc in chosen}
    briefs = relabel.write_kit(chosen, texts, tmp_path)
    orders = [
        [json.loads(x)["id"] for x in (tmp_path / f"in_{n}.jsonl").read_text().splitlines()]
        for n in (1, 2)
    ]
    assert sorted(orders[0]) == sorted(orders[1]) == sorted(chosen)
    assert orders[0] != orders[1]
    brief = briefs[1].read_text(encoding="utf-8")
    assert f"{tmp_path}/in_2.jsonl" in brief and "(30 texts" in brief and "{kit_dir}" not in brief


def test_votes_keep_author_then_annotators_and_refuse_a_missing_answer():
    chosen = {"t01-0001": ["churn:fn"]}
    answer = {f: False for f in relabel._flags()}
    votes = relabel.collect(
        chosen,
        {"t01-0001": set()},
        [[{"id": "t01-0001", **answer, "churn": True}], [{"id": "t01-0001", **answer}]],
    )
    assert votes[0]["churn"] == [False, True, False]
    assert votes[0]["selected_for"] == ["churn:fn"]
    assert relabel.majority(votes[0]) == set()
    with pytest.raises(ValueError, match="left out"):
        relabel.collect(chosen, {"t01-0001": set()}, [[], []])


def test_the_majority_is_written_and_nothing_else_moves(tmp_path):
    path = tmp_path / "t01.jsonl"
    rows = [_line(1, decoys=["churn"]), _line(3, flags=["churn", "safety"]), _line(6)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    before = path.read_text(encoding="utf-8").splitlines()
    no = {f: [False, False, False] for f in relabel._flags()}
    votes = [
        {"id": "t01-0001", **no, "churn": [False, True, True]},
        {"id": "t01-0003", **no, "churn": [True, False, False], "safety": [True, True, False]},
    ]
    changes = relabel.apply_votes(votes, [path])
    after = path.read_text(encoding="utf-8").splitlines()
    assert changes == {"churn +": 1, "churn -": 1}
    assert json.loads(after[0])["flags"] == ["churn"]
    assert json.loads(after[0])["decoy_flags"] == []  # a flag is never its own decoy
    assert json.loads(after[1])["flags"] == ["safety"]
    assert after[2] == before[2]
    with pytest.raises(ValueError, match="no training file"):
        relabel.apply_votes([{"id": "t09-0001", **no}], [path])
