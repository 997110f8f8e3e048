"""SNS reader: one post per line → feedback with url and reach kept as text attributes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from ingest.records import stable_id
from ingest.sns import read_sns

JST = timezone(timedelta(hours=9))

POSTS = [
    {
        "post_id": "1820394857712",
        "posted_at": "2026-08-03T21:47:10+09:00",
        "author": "@kaji_mama_0312",
        "text": "KL-200のアプリ、アップデートしてから毎回ログインし直しになるんだけど…地味にストレス😇",
        "url": "https://sns.example.com/kaji_mama_0312/status/1820394857712",
        "likes": 14,
        "reposts": 2,
    },
    {
        "post_id": "1820401122334",
        "posted_at": "2026/08/03 22:05",
        "author": "ガジェット好きの田中",
        "text": "AP-30買ってよかった。花粉の時期でも朝まで鼻がつまらない。",
    },
]


def write_posts(path, rows):
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_post_becomes_feedback_with_its_reach_as_text_attributes(tmp_path):
    feed = write_posts(tmp_path / "x.jsonl", [json.dumps(p, ensure_ascii=False) for p in POSTS])

    first, second = read_sns(feed, "sns/x.jsonl").feedback

    assert first.channel == "sns"
    assert first.source_key == "1820394857712"
    assert first.feedback_id == stable_id("sns", "1820394857712")
    assert first.text.endswith("地味にストレス😇")
    assert first.author == "@kaji_mama_0312"
    assert first.created_at == datetime(2026, 8, 3, 21, 47, 10, tzinfo=JST)
    assert first.attributes == {
        "url": "https://sns.example.com/kaji_mama_0312/status/1820394857712",
        "likes": "14",
        "reposts": "2",
    }
    assert second.attributes == {}
    assert second.created_at == datetime(2026, 8, 3, 22, 5, tzinfo=JST)
    assert [f.source_line for f in (first, second)] == [1, 2]


def test_bad_posts_are_quarantined_and_the_others_kept(tmp_path):
    no_text = POSTS[0] | {"post_id": "9", "text": "   "}
    no_time = {k: v for k, v in POSTS[1].items() if k != "posted_at"}
    feed = write_posts(
        tmp_path / "x.jsonl",
        [
            json.dumps(no_text, ensure_ascii=False),
            "[1, 2, 3]",
            json.dumps(no_time, ensure_ascii=False),
            json.dumps(POSTS[1], ensure_ascii=False),
        ],
    )

    result = read_sns(feed, "sns/x.jsonl")

    assert [f.source_line for f in result.feedback] == [4]
    assert [(q.source_line, q.reason) for q in result.quarantine] == [
        (1, "empty text"),
        (2, "expected a JSON object, got list"),
        (3, "missing required field 'posted_at'"),
    ]
