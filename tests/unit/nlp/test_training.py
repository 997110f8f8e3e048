"""Training data: every shipped file loads, is masked, and a bad line is named."""

from __future__ import annotations

import json

import pytest

from nlp.training import load_examples, training_digest, training_files


def test_shipped_training_files_load_masked_with_their_labels():
    examples = load_examples()
    assert len(examples) >= 2000
    labelled = [e for e in examples if e.flags is not None]
    assert labelled and all(e.complaint is not None for e in labelled)
    assert any(e.decoys for e in labelled)
    # Personal data is masked before a model sees it: no raw mobile number survives.
    import re

    assert not [e.text for e in examples if re.search(r"0[789]0-?\d{4}-?\d{4}", e.text)]


def test_the_digest_follows_the_files(tmp_path):
    (tmp_path / "labelled").mkdir()
    path = tmp_path / "labelled" / "a.jsonl"
    path.write_text(json.dumps({"text": "よい", "sentiment": "positive"}) + "\n", "utf-8")
    first = training_digest(tmp_path)
    assert training_files(tmp_path) == [path]
    path.write_text(json.dumps({"text": "よい", "sentiment": "neutral"}) + "\n", "utf-8")
    assert training_digest(tmp_path) != first
    assert training_digest(tmp_path, extra=b"x") != training_digest(tmp_path)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"text": "", "sentiment": "positive"}, "needs a text"),
        ({"text": "x", "sentiment": "good"}, "sentiment must be"),
        ({"text": "x", "sentiment": "neutral", "kind": "rant"}, "kind must be"),
        ({"text": "x", "sentiment": "neutral", "flags": ["fire"]}, "unknown flags"),
    ],
)
def test_a_bad_line_is_named(tmp_path, row, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", "utf-8")
    with pytest.raises(ValueError, match=rf"bad\.jsonl:1: {message}"):
        load_examples([path])
