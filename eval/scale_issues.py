"""A grown warehouse's issue catalogue taken over from its source, for measurements that need
issues at a size the full re-clustering cannot reach yet (issue #14).

`eval.scale.grow` leaves the issue catalogue to the pipeline's clustering, whose full run held
14.5 GB at 100,000 documents. The dashboard's page timings only need a catalogue shaped like a
real one: `inherit_issues` copies the source's issues, clustering run and lineage, and puts each
grown copy in the issue of its original. Sizes are then the source's times the copies; the
representatives stay the originals. This is a measurement shortcut, never a pipeline step.
"""

from __future__ import annotations

import os

from warehouse.db import connect, sql, transaction


def inherit_issues(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> int:
    """Give the grown warehouse `target` the issue catalogue of `source` it was grown from; the
    number of feedback rows assigned (未分類 included, as the source assigned them)."""
    with connect(target) as con:
        con.execute("ATTACH $path AS source (READ_ONLY)", {"path": str(source)})
        try:
            with transaction(con):
                con.execute(sql("scale/inherit_issues"))
            [(assigned,)] = con.execute(sql("scale/assigned_feedback")).fetchall()
        finally:
            con.execute("DETACH source")
    return assigned
