"""`eval.scale.grow`: a large warehouse from an analysed one, by the pipeline's own load path.

Grows the real pipeline's warehouse (Airflow, Sudachi, the embedding model, DuckDB) to a bit
over two and a half times its feedback, then runs the pipeline's steps on the result.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import timedelta

import pytest

from koe.vocabulary import CHANNELS
from warehouse.db import connect

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def grown(pipeline_warehouse, sample_inbox, tmp_path_factory):
    from eval.scale import grow
    from nlp.embed import model_id

    with connect(pipeline_warehouse, read_only=True) as con:
        [(source,)] = con.execute("SELECT count(*) FROM raw.feedback").fetchall()
    work = tmp_path_factory.mktemp("scale")
    inbox = work / "inbox"
    shutil.copytree(sample_inbox, inbox)
    target = work / "grown.duckdb"
    documents = int(source * 2.6)
    grown = grow(pipeline_warehouse, target, documents, model_id(), inbox=inbox)
    return source, documents, target, grown, inbox


def test_the_grown_warehouse_holds_the_documents_asked_for_each_analysed_once(grown):
    from nlp.analysis import analysis_version
    from nlp.embed import model_id
    from warehouse import analysis

    source, documents, target, result, _ = grown
    assert result.copies == 3 and result.feedback == documents
    with connect(target, read_only=True) as con:
        [(rows, ids, texts)] = con.execute(
            "SELECT count(*), count(DISTINCT feedback_id), count(DISTINCT text_masked) "
            "FROM raw.feedback"
        ).fetchall()
        assert rows == ids == documents
        assert texts > 2 * source  # each copy's texts are its own, with their own embedding
        [(vectors,)] = con.execute(
            "SELECT count(*) FROM nlp.embeddings WHERE content_hash IN "
            "(SELECT content_hash FROM raw.feedback)"
        ).fetchall()
        assert (
            vectors
            == con.execute("SELECT count(DISTINCT content_hash) FROM raw.feedback").fetchone()[0]
        )
        # The pipeline finds nothing left to analyse or review.
        assert analysis.pending_feedback(con, analysis_version(model_id())).empty
        assert analysis.pending_calls(con).empty
        [(calls, reviewed)] = con.execute(
            "SELECT count(*), count(q.call_id) FROM raw.calls LEFT JOIN nlp.call_qa AS q USING (call_id)"
        ).fetchall()
        assert calls == reviewed == result.calls > 0


def test_the_copies_run_on_along_the_calendar(pipeline_warehouse, grown):
    _, _, target, _, _ = grown
    span = "SELECT max(created_at)::DATE - min(created_at)::DATE FROM raw.feedback"
    with connect(pipeline_warehouse, read_only=True) as con:
        [(before,)] = con.execute(span).fetchall()
    with connect(target, read_only=True) as con:
        [(after,)] = con.execute(span).fetchall()
    assert after >= 2 * before


def test_the_pipeline_steps_run_on_the_grown_warehouse(pipeline_warehouse, grown):
    from pipeline.analysis import update_issues
    from pipeline.marts import build_marts

    _, _, target, _, _ = grown
    summary = update_issues(target, full=True)
    assert summary["mode"] == "full" and summary["issues"] > 0
    build_marts(target)
    count = "SELECT count(*) FROM marts.feedback"
    with connect(pipeline_warehouse, read_only=True) as con:
        [(before,)] = con.execute(count).fetchall()
    with connect(target, read_only=True) as con:
        [(after,)] = con.execute(count).fetchall()
        [(calls,)] = con.execute("SELECT count(*) FROM marts.calls").fetchall()
    assert after > 2.5 * before and calls > 0


def test_a_new_day_in_the_inbox_is_all_that_ingest_and_analysis_touch(grown):
    from pipeline.analysis import analyze_new_feedback, update_issues
    from pipeline.ingest import ingest_channel
    from pipeline.marts import build_marts
    from tests.support import REPO

    _, documents, target, _, inbox = grown
    with connect(target, read_only=True) as con:
        [(last,)] = con.execute("SELECT max(created_at)::DATE FROM raw.feedback").fetchall()
    update_issues(target, full=True)  # the catalogue the new day joins
    day = [sys.executable, "-m", "sample", "--out", str(inbox), "--append", "--days", "1"]
    day += ["--per-day", "20", "--seed", "99", "--start", str(last + timedelta(days=1))]
    subprocess.run(day, check=True, cwd=REPO, capture_output=True)

    ingested = [ingest_channel(channel, inbox, target) for channel in CHANNELS]
    assert sum(counts["removed_files"] for counts in ingested) == 0
    new = sum(counts["feedback"] for counts in ingested)
    assert 0 < new <= 40  # the new day's files only: every copy was found loaded and unchanged
    # Only the new day's originals (its planted exact duplicates are not analysed twice).
    assert 0 < analyze_new_feedback(target)["analysed"] <= new
    assert update_issues(target)["mode"] == "incremental"
    build_marts(target)
    with connect(target, read_only=True) as con:
        [(rows,)] = con.execute("SELECT count(*) FROM raw.feedback").fetchall()
    assert rows == documents + new
