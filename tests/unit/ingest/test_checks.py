"""One bad record never blocks its file or its channel: the checks every reader's output passes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from ingest.checks import check_result
from ingest.inbox import list_sources, read_source
from ingest.records import Feedback, ReadResult, stable_id
from pipeline.ingest import ingest_channel
from warehouse.db import connect


def _post(post_id: str, text: str, posted_at: str = "2026-08-03T10:00:00+09:00") -> str:
    return json.dumps({"post_id": post_id, "posted_at": posted_at, "author": "@k", "text": text})


def _sns_inbox(tmp_path, *files: tuple[str, list[str]]):
    inbox = tmp_path / "inbox"
    (inbox / "sns").mkdir(parents=True)
    for name, lines in files:
        (inbox / "sns" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return inbox


P1, P2 = stable_id("sns", "p1"), stable_id("sns", "p2")


def _read_all(inbox) -> list[ReadResult]:
    results = [read_source(source, inbox) for source in list_sources(inbox)]
    # Whatever happened, every record the reader found is loaded, quarantined or merged.
    assert all(r.balanced for r in results), [
        (r.read, r.loaded, len(r.quarantine)) for r in results
    ]
    return results


def test_a_lone_surrogate_escape_quarantines_its_line_and_the_rest_of_the_file_loads(tmp_path):
    # json.loads accepts "\ud800" and hands back a str that UTF-8 cannot encode.
    broken = '{"post_id": "p2", "posted_at": "2026-08-03T11:00:00+09:00", "text": "壊れ\\ud800た"}'
    inbox = _sns_inbox(
        tmp_path, ("a.jsonl", [_post("p1", "充電できない"), broken, _post("p3", "熱い")])
    )

    [result] = _read_all(inbox)

    assert [f.source_key for f in result.feedback] == ["p1", "p3"]
    [row] = result.quarantine
    assert (row.source_line, row.reason) == (
        2,
        "field 'text' holds text that is not valid Unicode (a lone surrogate)",
    )
    row.excerpt.encode("utf-8")  # what is stored beside the reason is storable too


def test_a_surrogate_in_an_attribute_key_is_caught_too():
    feedback = Feedback(
        "f1", "sns", "p1", "sns/a.jsonl", 1, datetime(2026, 8, 3, tzinfo=UTC), "本文",
        attributes={"u\udc80rl": "x"},
    )  # fmt: skip
    checked = check_result(ReadResult(feedback=[feedback]), "sns")
    assert not checked.feedback and "not valid Unicode" in checked.quarantine[0].reason


@pytest.mark.parametrize(
    ("posted_at", "reason"),
    [
        ("2099-01-01T09:00:00+09:00", "date is in the future (more than a day after the load)"),
        ("1970-01-01T09:00:00+09:00", "date is before 2000-01-01 (KOE_EARLIEST_DATE)"),
    ],
)
def test_an_implausible_date_is_quarantined_not_loaded(tmp_path, posted_at, reason):
    inbox = _sns_inbox(
        tmp_path, ("a.jsonl", [_post("p1", "普通の投稿"), _post("p2", "未来", posted_at)])
    )
    [result] = _read_all(inbox)
    assert [f.source_key for f in result.feedback] == ["p1"]
    assert [(q.source_line, q.reason) for q in result.quarantine] == [(2, reason)]


def test_the_future_is_measured_from_the_load_time():
    feedback = Feedback(
        "f1", "sns", "p1", "sns/a.jsonl", 1, datetime(2026, 8, 5, tzinfo=UTC), "本文"
    )  # fmt: skip
    assert check_result(
        ReadResult(feedback=[feedback]), "sns", now=datetime(2026, 8, 4, 12, tzinfo=UTC)
    ).feedback
    late = check_result(
        ReadResult(feedback=[feedback]), "sns", now=datetime(2026, 8, 3, tzinfo=UTC)
    )
    assert not late.feedback and late.quarantine[0].reason.startswith("date is in the future")


def test_a_duplicate_id_in_one_file_is_quarantined_naming_the_first_line(tmp_path):
    inbox = _sns_inbox(
        tmp_path,
        ("a.jsonl", [_post("p1", "一つ目"), _post("p2", "二つ目"), _post("p1", "一つ目の再送")]),
    )
    [result] = _read_all(inbox)
    assert [f.text for f in result.feedback] == ["一つ目", "二つ目"]
    assert [(q.source_line, q.reason) for q in result.quarantine] == [
        (3, f"duplicate id {stable_id('sns', 'p1')}: the same record as line 1 of this file")
    ]


def _raw_mail(name: str, charset: str, body: bytes, encoding: str = "8bit") -> bytes:
    return (
        (
            f"From: customer@example.jp\nTo: support@koe-shop.example\nSubject: question\n"
            f"Date: Mon, 03 Aug 2026 09:15:00 +0900\nMessage-ID: <{name}@example.jp>\n"
            f"MIME-Version: 1.0\nContent-Type: text/plain; charset={charset}\n"
            f"Content-Transfer-Encoding: {encoding}\n\n"
        ).encode("ascii")
        + body
        + b"\n"
    )


def _mail_inbox(tmp_path, mails: dict[str, bytes]):
    inbox = tmp_path / "inbox"
    (inbox / "email").mkdir(parents=True)
    for name, data in mails.items():
        (inbox / "email" / name).write_bytes(data)
    return inbox


def test_a_mail_part_whose_charset_is_not_a_text_codec_is_still_read(tmp_path):
    body = "炊飯器の蓋が閉まりません。".encode()
    inbox = _mail_inbox(
        tmp_path,
        {f"{n}.eml": _raw_mail(n, n, body) for n in ("base64", "rot13", "x-no-such-codec")},
    )
    results = _read_all(inbox)
    assert [r.feedback[0].text for r in results] == ["炊飯器の蓋が閉まりません。"] * 3
    assert not any(r.quarantine for r in results)


def test_a_truncated_iso_2022_jp_body_is_quarantined_not_stored_as_escape_bytes(tmp_path):
    body = "電源が入りません".encode("iso2022_jp")[:-4]  # cut inside a two-byte character
    inbox = _mail_inbox(tmp_path, {"t.eml": _raw_mail("t", "iso-2022-jp", body, "7bit")})
    [result] = _read_all(inbox)
    assert not result.feedback
    [row] = result.quarantine
    assert row.reason == "body is not decodable as iso-2022-jp"


def test_a_reader_that_crashes_quarantines_its_file_and_the_channel_goes_on(tmp_path, monkeypatch):
    inbox = _sns_inbox(tmp_path, ("a.jsonl", [_post("p1", "一")]), ("b.jsonl", [_post("p2", "二")]))

    def explode(path, rel):
        if rel.endswith("a.jsonl"):
            raise KeyError("山田太郎")  # an exception message may quote a record
        return original(path, rel)

    import ingest.inbox as inbox_module

    original = inbox_module.READERS[("sns", ".jsonl")]
    monkeypatch.setitem(inbox_module.READERS, ("sns", ".jsonl"), explode)
    first, second = _read_all(inbox)
    assert not first.feedback
    assert first.quarantine[0].reason == "the sns reader failed on this file (KeyError)"
    assert "山田" not in first.quarantine[0].reason
    assert [f.source_key for f in second.feedback] == ["p2"]


def test_a_bad_line_costs_one_record_on_every_run_and_counts_add_up(tmp_path):
    """The channel keeps loading: the same file again, then a new file beside it."""
    broken = '{"post_id": "p2", "posted_at": "2026-08-03T11:00:00+09:00", "text": "\\udfff"}'
    lines = [_post("p1", "充電できない"), broken, _post("p3", "熱い", "2099-12-31T00:00:00+09:00")]
    inbox = _sns_inbox(tmp_path, ("a.jsonl", lines))
    warehouse = tmp_path / "koe.duckdb"

    first = ingest_channel("sns", inbox, warehouse)
    assert (first["feedback"], first["quarantined"]) == (1, 2)
    (inbox / "sns" / "b.jsonl").write_text(_post("p4", "また壊れた") + "\n", encoding="utf-8")
    second = ingest_channel("sns", inbox, warehouse)
    assert (second["files"], second["skipped"], second["feedback"]) == (1, 1, 1)

    with connect(warehouse, read_only=True) as con:
        keys = [
            k for (k,) in con.execute("SELECT source_key FROM raw.feedback ORDER BY 1").fetchall()
        ]
        quarantined = con.execute("SELECT count(*) FROM raw.quarantine").fetchone()[0]
    assert keys == ["p1", "p4"] and quarantined == 2


def test_a_record_in_two_files_is_loaded_once_and_the_copy_is_quarantined(tmp_path):
    inbox = _sns_inbox(
        tmp_path,
        ("a.jsonl", [_post("p1", "一"), _post("p2", "二")]),
        ("b.jsonl", [_post("p2", "二の再送"), _post("p3", "三")]),
    )
    warehouse = tmp_path / "koe.duckdb"
    counts = ingest_channel("sns", inbox, warehouse)
    assert (counts["feedback"], counts["quarantined"]) == (3, 1)

    # A third file, in a later run, repeats a record of the first.
    (inbox / "sns" / "c.jsonl").write_text(_post("p1", "一の再送") + "\n", encoding="utf-8")
    later = ingest_channel("sns", inbox, warehouse)
    assert (later["files"], later["feedback"], later["quarantined"]) == (1, 0, 1)
    # Reloading the owner's file (its bytes changed) keeps its own records.
    (inbox / "sns" / "a.jsonl").write_text(
        "\n".join([_post("p1", "一"), _post("p2", "二"), _post("p5", "五")]) + "\n",
        encoding="utf-8",
    )
    again = ingest_channel("sns", inbox, warehouse)
    assert (again["files"], again["feedback"], again["quarantined"]) == (1, 3, 0)

    with connect(warehouse, read_only=True) as con:
        rows = con.execute("SELECT source_key, text_masked FROM raw.feedback ORDER BY 1").fetchall()
        reasons = con.execute(
            "SELECT source_file, source_line, reason FROM raw.quarantine ORDER BY 1"
        ).fetchall()
    assert rows == [("p1", "一"), ("p2", "二"), ("p3", "三"), ("p5", "五")]
    assert reasons == [
        (
            "sns/b.jsonl",
            1,
            f"duplicate id {P2}: the same record was already loaded from sns/a.jsonl",
        ),
        (
            "sns/c.jsonl",
            1,
            f"duplicate id {P1}: the same record was already loaded from sns/a.jsonl",
        ),
    ]


def test_a_file_deleted_from_the_inbox_takes_its_rows_and_their_analysis_with_it(tmp_path):
    from warehouse.analysis import delete_orphans

    inbox = _sns_inbox(
        tmp_path,
        ("a.jsonl", [_post("p1", "一"), '{"broken']),
        ("b.jsonl", [_post("p2", "二")]),
    )
    warehouse = tmp_path / "koe.duckdb"
    ingest_channel("sns", inbox, warehouse)
    with connect(warehouse) as con:
        # The analysis step's rows for both records, as analyze_new_feedback writes them.
        con.execute(
            "INSERT INTO nlp.feedback_analysis (feedback_id, content_hash) "
            "SELECT feedback_id, content_hash FROM raw.feedback"
        )
        con.execute(
            "INSERT INTO nlp.embeddings (content_hash, model, vector) "
            "SELECT content_hash, 'm', [0.0]::FLOAT[] FROM raw.feedback"
        )

    (inbox / "sns" / "a.jsonl").unlink()
    counts = ingest_channel("sns", inbox, warehouse)
    assert counts["removed_files"] == 1 and counts["files"] == 0
    with connect(warehouse) as con:
        delete_orphans(con)
        tables = {
            table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "raw.feedback",
                "raw.quarantine",
                "raw.source_files",
                "nlp.feedback_analysis",
                "nlp.embeddings",
            )
        }
    assert tables == {
        "raw.feedback": 1,
        "raw.quarantine": 0,
        "raw.source_files": 1,
        "nlp.feedback_analysis": 1,
        "nlp.embeddings": 1,
    }


def test_the_earliest_plausible_date_is_a_setting(tmp_path, monkeypatch):
    from koe.settings import reload as reload_settings

    monkeypatch.setenv("KOE_EARLIEST_DATE", "2026-08-01")
    reload_settings()
    inbox = _sns_inbox(
        tmp_path,
        ("a.jsonl", [_post("p1", "新しい", "2026-08-03T10:00:00+09:00"),
                     _post("p2", "古い", "2026-07-20T10:00:00+09:00")]),
    )  # fmt: skip
    [result] = _read_all(inbox)
    assert [(q.source_line, q.reason) for q in result.quarantine] == [
        (2, "date is before 2026-08-01 (KOE_EARLIEST_DATE)")
    ]


def test_each_task_counts_read_loaded_quarantined_and_merged_and_they_close(tmp_path, caplog):
    inbox = _sns_inbox(tmp_path, ("a.jsonl", [_post("p1", "一"), "{broken", _post("p1", "再送")]))
    with caplog.at_level("INFO", logger="pipeline.ingest"):
        counts = ingest_channel("sns", inbox, tmp_path / "koe.duckdb")
    assert (counts["read"], counts["feedback"], counts["quarantined"], counts["merged"]) == (
        3,
        1,
        2,
        0,
    )
    assert "sns/a.jsonl: read 3 = loaded 1 + quarantined 2 + merged 0" in caplog.text
