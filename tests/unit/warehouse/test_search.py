"""The concordance's folded search text: one fold for Arrow and Python, stored once per text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pyarrow as pa

from ingest.records import Feedback, ReadResult, stable_id
from tests.support.loading import load_source
from warehouse.marts import build_marts
from warehouse.search import fold, fold_array, fold_new_feedback

JST = timezone(timedelta(hours=9))
# Full-width letters and digits, half-width kana, ideographic and other Unicode spaces, a line
# separator, case, and ß (whose case folding is longer than the text).
TRICKY = [
    "ＫＸ－２００の電源が入りません",
    "ｱﾌﾟﾘにﾛｸﾞｲﾝできない",
    "届いた\u3000商品が\n\n\t壊れて\u2028いました\u00a0。",
    "Straße と STRASSE",
    "",
    "ログイン\x1cできない\x85です",
]


def test_the_arrow_fold_is_the_python_fold():
    assert fold_array(pa.array(TRICKY)).to_pylist() == [fold(t) for t in TRICKY]
    assert fold("ＫＸ－２００") == "kx-200"
    assert fold("ｱﾌﾟﾘ") == "アプリ"
    assert fold("a\u3000\n b") == "a b"


def voice(key: str, text: str) -> Feedback:
    return Feedback(
        feedback_id=stable_id("form", key),
        channel="form",
        source_key=key,
        source_file="form/2026-08.jsonl",
        source_line=None,
        created_at=datetime(2026, 8, 5, 10, tzinfo=JST),
        text=text,
    )


def load(con, *items: Feedback) -> None:
    load_source(con, "form/2026-08.jsonl", "form", "sha", 1, ReadResult(feedback=list(items)))


def folded(con) -> dict[str, str]:
    return dict(con.execute("SELECT feedback_id, text_folded FROM marts.feedback").fetchall())


def test_each_text_is_folded_once_and_again_only_when_it_changes(con):
    load(con, voice("F-1", TRICKY[0]), voice("F-2", TRICKY[1]))
    assert fold_new_feedback(con) == 2
    assert fold_new_feedback(con) == 0  # nothing new
    load(con, voice("F-1", TRICKY[0]), voice("F-2", "ＡＰＰが落ちる"), voice("F-3", TRICKY[3]))
    assert fold_new_feedback(con) == 2  # F-2 changed, F-3 is new
    build_marts(con)
    assert folded(con) == {
        stable_id("form", "F-1"): "kx-200の電源が入りません",
        stable_id("form", "F-2"): "appが落ちる",
        stable_id("form", "F-3"): "strasse と strasse",
    }


def test_the_folded_text_of_feedback_that_is_gone_is_dropped(con):
    load(con, voice("F-1", TRICKY[0]), voice("F-2", TRICKY[1]))
    fold_new_feedback(con)
    load(con, voice("F-1", TRICKY[0]))  # the file now holds F-1 only
    fold_new_feedback(con)
    [(rows,)] = con.execute("SELECT count(*) FROM nlp.feedback_folded").fetchall()
    assert rows == 1
