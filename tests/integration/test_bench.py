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
