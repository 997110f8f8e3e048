"""`make bench` runs every stage on a generated inbox and reports ratios, not wall-time claims."""

from __future__ import annotations

import pytest

from eval.bench import PeakMemory, report, run


def test_peak_memory_sees_an_allocation_inside_the_block():
    memory = PeakMemory(interval=0.001)
    with memory.measure():
        block = bytearray(64 * 1024 * 1024)
        block[::4096] = b"x" * len(block[::4096])  # touch every page so it is resident
    assert memory.peak - memory.start >= 32 * 1024 * 1024


@pytest.mark.slow
def test_a_small_bench_measures_every_stage_and_the_end_to_end_ratio(tmp_path):
    stages, e2e, one_off = run(docs=120, seed=3, workdir=tmp_path)
    names = [s.name for s in stages]
    assert names == [
        "ingest (parse)",
        "normalize + mask PII",
        "embed",
        "classify (sentences embedded) + terms",
        "cluster + label",
        "load (DuckDB + marts)",
    ]
    assert all(s.docs == e2e.docs > 0 and s.seconds > 0 and s.peak_mb > 0 for s in stages)
    # The end-to-end run includes embedding, so it cannot beat the embedding stage alone.
    embed = stages[2]
    assert e2e.seconds > embed.seconds
    assert [s.name for s in one_off] == [
        "load the embedding model",
        "load (or build) the text classifier",
    ]
    assert all(s.seconds > 0 for s in one_off)
    text = report(stages, e2e, one_off)
    assert "end-to-end ÷ embedding-alone throughput:" in text
    assert "one-off costs charged" in text


@pytest.mark.slow
def test_a_small_scale_bench_runs_every_stage_in_its_own_process(tmp_path):
    from eval.bench_scale import report as scale_report
    from eval.bench_scale import run as scale_run

    result = scale_run(docs=900, analysed=240, seed=3, workdir=tmp_path, page_repeats=1)
    assert [s.name for s in result.small] == [
        "generate (sample)",
        "ingest",
        "analysis",
        "agent QA",
        "clustering, full",
    ]
    assert [s.name for s in result.large] == [
        "grow",
        "clustering, full",
        "marts",
        "insights",
        "weekly reports",
        "publish",
    ]
    assert result.large[0].docs == 900 and result.day[0].docs > 0
    # The incremental day's documents were loaded, not quarantined as dated in the future.
    import duckdb

    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        [(loaded,)] = con.execute("SELECT count(*) FROM raw.feedback").fetchall()
    assert loaded >= 900 + 0.8 * result.day[0].docs
    assert [s.name for s in result.day][-3:] == ["marts", "insights", "publish"]
    # Each stage ran in a child: its peak is that process's, not this one's (a fresh
    # interpreter with the sample generator alone stays far below one that loaded the model).
    assert all(s.peak_mb > 0 and s.seconds > 0 for s in [*result.small, *result.large])
    assert result.small[0].peak_mb < result.small[2].peak_mb
    assert [s.extrapolated for s in result.full_run][:3] == [True, True, True]
    assert 0 < result.snapshot_bytes < result.warehouse_bytes
    # Every dashboard page rendered on the published snapshot, first after a publish and warm.
    assert len(result.pages.pages) == 10
    assert all(t.first_view.rendered and t.warm.rendered for t in result.pages.pages)
    text = scale_report(result)
    assert "of the warehouse (target ≤ 10%)" in text and "incremental day" in text
    assert "slowest dashboard page, first view after a publish:" in text
    # The memory target is the pipeline tasks'; the benchmark's own grow step is shown apart.
    assert "peak resident memory of any pipeline task:" in text and "(grow;" not in text
