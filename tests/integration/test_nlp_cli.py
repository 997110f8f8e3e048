"""`python -m nlp analyze|qa` on hand-written files that are not part of the sample data."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.support import REPO

# Three problems nobody planted in the sample generator: a microwave that does not heat, a rice
# cooker lid that will not latch, and a parcel that never arrived. Varied registers on purpose.
MICROWAVE = [
    "電子レンジで3分温めても中が冷たいままです。",
    "レンジのあたためが全然効かない。お弁当が冷たいまま出てくる",
    "購入したオーブンレンジですが、加熱ボタンを押しても温まりません。不良品でしょうか。",
    "えっと、レンジがですね、回ってはいるんですけど、全然あったまらないんですよ",
    "電子レンジ、温め機能が壊れたっぽい。牛乳が冷たいまま😇",
    "いつもお世話になっております。先月購入した電子レンジが加熱されず困っております。",
    "レンジで解凍しようとしても全く温度が上がりません",
    "温めスタートしても冷たいまんま。レンジ買い替えたばかりなのに",
]
RICE_COOKER = [
    "炊飯器のふたがカチッと閉まらなくなりました。",
    "炊飯器の蓋が閉まらず、炊飯が始められません",
    "あの、炊飯器の蓋がですね、何度押してもロックされないんです",
    "炊飯ジャーのフタが浮いたままで閉じない。留め具がおかしい",
    "お世話になっております。炊飯器の蓋の留め具が破損し、閉まらない状態です。",
    "炊飯器、ふた閉まらんのだけど…ご飯炊けない",
    "炊飯器の上蓋が閉まりきらず、蒸気が漏れてしまいます。",
    "炊飯器のフタのロックがかからない。買って二週間です",
]
DELIVERY = [
    "注文した商品が予定日を過ぎても届きません。",
    "配送予定日から一週間経つのにまだ荷物が来ない",
    "えー、注文したものがですね、まだ届いてなくて、どうなってるのかなと",
    "発送済みの連絡から5日経ちますが、商品が到着しておりません。ご確認ください。",
    "荷物全然届かないんだけど。追跡番号も動いてない",
    "お届け予定日を過ぎていますが配達されていません。",
    "注文品がいつまで経っても届かない。配送状況を教えてほしい",
    "到着予定を大幅に過ぎても商品が届いていません。",
]


def _run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nlp", *args], capture_output=True, text=True, cwd=cwd
    )


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


@pytest.fixture(scope="module")
def analysed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("analyze")
    rows = []
    for problem, texts in (("microwave", MICROWAVE), ("rice", RICE_COOKER), ("delivery", DELIVERY)):
        for n, text in enumerate(texts):
            rows.append({"id": f"{problem}-{n}", "text": text, "channel": "form"})
    rows.append(
        {
            "id": "praise-0",
            "text": "サポートの方がとても親切で助かりました。ありがとうございました！",
            "channel": "email",
        }
    )
    rows.append({"id": "question-0", "text": "営業時間は何時までですか？", "channel": "form"})
    rows.append(
        {
            "id": "pii-1",
            "text": "レンジが温まりません。折り返しは090-3141-5926、メールはhanako.k@example.jp へ。"
            "対応がなければ消費者センターに相談します。",
            "product": "電子レンジ MR-9",
        }
    )
    source = _write_jsonl(folder / "in.jsonl", rows)
    result = _run("analyze", "--input", str(source), "--output", str(folder / "out.jsonl"))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(x) for x in (folder / "out.jsonl").read_text("utf-8").splitlines()]
    return rows, lines, result.stdout


def test_analyze_writes_one_enriched_line_per_input(analysed):
    rows, lines, summary = analysed
    assert [line["id"] for line in lines] == [row["id"] for row in rows]
    for line in lines:
        for key in ("issue_id", "issue_label", "sentiment", "sentiment_score", "flags", "pii"):
            assert key in line
        assert line["sentiment"] in {"negative", "neutral", "positive"}
        assert isinstance(line["complaint"], bool)
        # Only a problem report has an issue.
        assert line["complaint"] or line["issue_id"] is None
        assert -1.0 <= line["sentiment_score"] <= 1.0
    assert f"{len(rows)} texts" in summary


def test_analyze_tells_problem_reports_from_praise_and_questions(analysed):
    _, lines, _ = analysed
    by_id = {line["id"]: line for line in lines}
    assert not by_id["praise-0"]["complaint"] and not by_id["question-0"]["complaint"]
    assert by_id["praise-0"]["sentiment"] == "positive"
    assert by_id["question-0"]["sentiment"] == "neutral"
    # Calm reports are problem reports too, and so are in issues.
    assert all(line["complaint"] for line in lines if line["id"].startswith("delivery"))


def test_analyze_groups_each_problem_into_its_own_issue(analysed):
    _, lines, _ = analysed
    dominant = {}
    for problem in ("microwave", "rice", "delivery"):
        issues = Counter(x["issue_id"] for x in lines if x["id"].startswith(problem))
        top, n = issues.most_common(1)[0]
        assert top is not None and n >= 5, f"{problem}: {issues}"
        dominant[problem] = top
    assert len(set(dominant.values())) == 3, dominant


def test_analyze_masks_pii_with_offsets_into_the_input(analysed):
    rows, lines, _ = analysed
    original = rows[-1]["text"]
    line = lines[-1]
    found = {(p["type"], original[p["start"] : p["end"]]) for p in line["pii"]}
    assert ("phone", "090-3141-5926") in found
    assert ("email", "hanako.k@example.jp") in found
    assert "090-3141-5926" not in line["masked_text"]
    assert "hanako.k@example.jp" not in line["masked_text"]
    assert "legal_threat" in line["flags"]
    # A calm report with a conditional threat sits on the negative/neutral line (the eighteenth
    # round's classifier: 0.49 negative, 0.51 neutral); sentiment quality is `make eval`'s to
    # measure on thousands of texts, this test only that the CLI reports a judgement of its own.
    assert line["sentiment"] in ("negative", "neutral")


def test_analyze_names_the_file_and_line_of_bad_input(tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_text(
        '{"id": "a", "text": "レンジが温まらない"}\n{"id": "b"}\nnot json\n', encoding="utf-8"
    )
    result = _run("analyze", "--input", str(source), "--output", str(tmp_path / "out.jsonl"))
    assert result.returncode == 2
    assert f"{source}:2" in result.stderr and "text" in result.stderr
    assert f"{source}:3" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


CALLS = [
    {
        "call_id": "qa-1",
        "product": "電子レンジ MR-9",
        "started_at": "2026-10-02T10:15:00+09:00",
        "answered_after_s": 8,
        "abandoned": False,
        "resolved_first_contact": False,
        "agent_id": "a-101",
        "team": "調理家電",
        "hold_segments": [{"start_s": 40, "duration_s": 95, "intermediate_report": False}],
        "turns": [
            {"speaker": "agent", "t": 0, "text": "お電話ありがとうございます。担当の者です。"},
            {"speaker": "customer", "t": 5, "text": "レンジが温まらないんです。交換してほしい"},
            {"speaker": "agent", "t": 20, "text": "ですから、保証書がないと交換はできません。"},
            {"speaker": "customer", "t": 30, "text": "ちょっと、上司の方に代わってもらえます？"},
            {
                "speaker": "agent",
                "t": 160,
                "text": "直通の内線は4512ですので、そちらにおかけください。",
            },
        ],
    },
    {
        "call_id": "qa-2",
        "product": "炊飯器 RC-1",
        "started_at": "2026-10-02T11:00:00+09:00",
        "answered_after_s": 15,
        "abandoned": False,
        "resolved_first_contact": True,
        "agent_id": "a-102",
        "team": "調理家電",
        "hold_segments": [{"start_s": 30, "duration_s": 70, "intermediate_report": True}],
        "turns": [
            {"speaker": "agent", "t": 0, "text": "お電話ありがとうございます。"},
            {"speaker": "customer", "t": 4, "text": "炊飯器の蓋が閉まらなくて"},
            {
                "speaker": "agent",
                "t": 12,
                "text": "ご不便をおかけし申し訳ございません。いつでもお受けしますので、部品をお送りいたします。",
            },
        ],
    },
]


def test_qa_reviews_calls_from_a_file_outside_the_sample(tmp_path):
    source = _write_jsonl(tmp_path / "calls.jsonl", CALLS)
    result = _run("qa", "--input", str(source), "--output", str(tmp_path / "qa.jsonl"))
    assert result.returncode == 0, result.stderr
    reviews = {
        r["call_id"]: r
        for r in map(json.loads, (tmp_path / "qa.jsonl").read_text("utf-8").splitlines())
    }
    first, second = reviews["qa-1"], reviews["qa-2"]
    forbidden = [f["phrase"] for f in first["findings"] if f["check"] == "forbidden_phrase"]
    assert forbidden[:1] == ["ですから"]
    assert first["checks"] == {
        "forbidden_phrase": True,
        "internal_contact": True,
        "escalation_request": True,
        "long_hold_without_report": True,
    }
    assert second["findings"] == []
    assert not any(second["checks"].values())
    assert "2 calls" in result.stdout


def test_qa_names_the_file_and_line_of_bad_input(tmp_path):
    source = tmp_path / "calls.jsonl"
    source.write_text(json.dumps(CALLS[1], ensure_ascii=False) + "\n{broken\n", encoding="utf-8")
    result = _run("qa", "--input", str(source), "--output", str(tmp_path / "qa.jsonl"))
    assert result.returncode == 2
    assert f"{source}:2" in result.stderr
    assert not (tmp_path / "qa.jsonl").exists()
