"""Partitions: one run's per-text work, split into Parquet files that mapped tasks work on apart.

A planning task writes each partition's input under the staging directory
(``$KOE_STAGING_DIR``); one mapped task per partition reads it and writes its results beside it;
one task loads every result into the warehouse in a single transaction and then removes the run's
folder. Mapped tasks never open the warehouse: DuckDB allows one writer per file, and a worker on
another machine needs only the shared staging folder. Partition files hold masked text only, like
the warehouse.
"""

from __future__ import annotations

import math
import shutil
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

# Airflow's [core] max_map_length: a run never asks for more mapped tasks than this.
MAX_PARTITIONS = 1024
RESULT_SUFFIX = ".result.parquet"


def rows_per_partition(total: int, size: int, max_partitions: int = MAX_PARTITIONS) -> int:
    """``size``, or more when ``total`` rows would otherwise need over ``max_partitions`` parts."""
    return max(1, size, math.ceil(total / max_partitions))


def new_run(staging: Path, step: str) -> Path:
    """A fresh, empty folder for one run of ``step``.

    Earlier runs' folders of the same step are removed first: a run that crashed before its
    loader finished is planned again from the warehouse, which still lacks its results.
    """
    root = staging / step
    if root.exists():
        shutil.rmtree(root)
    run = root / uuid.uuid4().hex[:12]
    run.mkdir(parents=True)
    return run


def write_partitions(run: Path, batches: Iterable[pa.RecordBatch]) -> list[str]:
    """Write each batch as ``part-NNNNN.parquet`` in ``run``; their paths, in order."""
    paths = []
    for number, batch in enumerate(batches):
        path = run / f"part-{number:05d}.parquet"
        write_table(pa.Table.from_batches([batch]), path)
        paths.append(str(path))
    return paths


def write_table(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` atomically: a retried task never leaves half a file."""
    partial = path.with_name(f".{path.name}.partial")
    pq.write_table(table, partial)
    partial.replace(path)


def result_path(partition: str | Path) -> Path:
    """Where a partition's results go: beside its input."""
    partition = Path(partition)
    return partition.with_name(partition.name.removesuffix(".parquet") + RESULT_SUFFIX)


def batches_of(reader: pa.RecordBatchReader, rows: int) -> Iterator[pa.RecordBatch]:
    """Re-cut a stream of record batches into batches of exactly ``rows`` (the last: the rest)."""
    pending: list[pa.RecordBatch] = []
    held = 0
    for batch in reader:
        while batch.num_rows:
            take = min(rows - held, batch.num_rows)
            pending.append(batch.slice(0, take))
            held += take
            batch = batch.slice(take)
            if held == rows:
                yield pa.concat_batches(pending)
                pending, held = [], 0
    if held:
        yield pa.concat_batches(pending)


def remove_run(paths: Sequence[str | Path]) -> None:
    """Remove the run folder that holds ``paths`` (after its results were loaded)."""
    folders = {Path(p).parent for p in paths}
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
