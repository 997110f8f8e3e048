"""The concordance's normalized text: one normalization for Arrow and Python, stored once per
text, and the search over it in DuckDB."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pyarrow as pa

from ingest.records import Feedback, ReadResult, stable_id
from tests.support.loading import load_source
from warehouse import queries
from warehouse.marts import build_marts
from warehouse.search import normalize, normalize_array, normalize_new_feedback

JST = timezone(timedelta(hours=9))
DAY = date(2026, 8, 5)
# Full-width letters and digits, half-width kana, ideographic and other Unicode spaces, a line
# separator, control separators, case.
TRICKY = [
    "ＫＸ－２００の電源が入りません",
    "ｱﾌﾟﾘにﾛｸﾞｲﾝできない",
    "届いた\u3000商品が\n\n\t壊れて\u2028いました\u00a0。",
    "Straße と STRASSE",
    "",
    "ログイン\x1cできない\x85です",
]


def test_the_arrow_normalization_is_the_python_one():
    assert normalize_array(pa.array(TRICKY)).to_pylist() == [normalize(t) for t in TRICKY]
    assert normalize("ＫＸ－２００") == "KX-200"
    assert normalize("ｱﾌﾟﾘ") == "アプリ"
    assert normalize("a\u3000\n b") == "a b"


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


def normalized(con) -> dict[str, str]:
    return dict(con.execute("SELECT feedback_id, text_normalized FROM marts.feedback").fetchall())


def test_each_text_is_normalized_once_and_again_only_when_it_changes(con):
    load(con, voice("F-1", TRICKY[0]), voice("F-2", TRICKY[1]))
    assert normalize_new_feedback(con) == 2
    assert normalize_new_feedback(con) == 0  # nothing new
    load(con, voice("F-1", TRICKY[0]), voice("F-2", "ＡＰＰが落ちる"), voice("F-3", TRICKY[2]))
    assert normalize_new_feedback(con) == 2  # F-2 changed, F-3 is new
    build_marts(con)
    assert normalized(con) == {
        stable_id("form", "F-1"): "KX-200の電源が入りません",
        stable_id("form", "F-2"): "APPが落ちる",
        stable_id("form", "F-3"): "届いた 商品が 壊れて いました 。",
    }


def test_the_normalized_text_of_feedback_that_is_gone_is_dropped(con):
    load(con, voice("F-1", TRICKY[0]), voice("F-2", TRICKY[1]))
    normalize_new_feedback(con)
    load(con, voice("F-1", TRICKY[0]))  # the file now holds F-1 only
    normalize_new_feedback(con)
    [(rows,)] = con.execute("SELECT count(*) FROM nlp.feedback_normalized").fetchall()
    assert rows == 1


def test_the_concordance_finds_every_occurrence_whatever_the_width_or_case(con):
    load(
        con,
        voice("F-1", "ｱﾌﾟﾘが落ちる。アプリを再起動してもアプリが落ちます"),
        voice("F-2", "APPとアプリの違い"),
        voice("F-3", "電源が入らない"),
    )
    build_marts(con)
    lines = queries.concordance(con, "アプリ", DAY, DAY, width=4)
    assert lines["keyword"].tolist() == ["アプリ"] * 4
    by_text = lines.groupby("feedback_id").size().to_dict()
    assert by_text == {stable_id("form", "F-1"): 3, stable_id("form", "F-2"): 1}
    first = lines[lines["feedback_id"] == stable_id("form", "F-1")].iloc[:3]
    assert first["left"].tolist() == ["", "落ちる。", "動しても"]
    assert first["right"].tolist() == ["が落ちる", "を再起動", "が落ちま"]
    # Lower-cased on both sides; the line shows the text as written (after NFKC).
    app = queries.concordance(con, "ａｐｐ", DAY, DAY, width=3)
    assert app[["left", "keyword", "right"]].values.tolist() == [["", "APP", "とアプ"]]
    assert queries.concordance(con, "  ", DAY, DAY).empty
    assert queries.concordance(con, "アプリ", DAY, DAY, ["call"]).empty
