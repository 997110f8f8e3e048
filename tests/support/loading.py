"""Load one source file's records the way ingest does (`warehouse.load.load_sources`)."""

from __future__ import annotations

from ingest.records import ReadResult
from warehouse.load import SourceLoad, load_sources


def load_source(
    con, source_file: str, channel: str, sha256: str, size_bytes: int, result: ReadResult
):
    """Replace everything ``source_file`` contributed to raw.* by ``result``, in one transaction."""
    load_sources(con, [SourceLoad(source_file, channel, sha256, size_bytes, result)])
