"""koe_ingest's step: new or changed inbox files of one channel → masked raw tables."""

from __future__ import annotations

import os
from pathlib import Path

from koe.settings import settings


def ingest_channel(
    channel: str, inbox: Path | None = None, path: str | os.PathLike[str] | None = None
) -> dict:
    """Load every new or changed file of one channel, masked, in transactions of whole files.

    ``inbox`` defaults to ``$KOE_INBOX``, ``path`` (the warehouse file) to ``$KOE_WAREHOUSE``.
    Returns counts for the log and XCom.
    """
    from ingest.inbox import list_sources, read_source, source_version
    from nlp.masking import mask_read_result
    from warehouse.db import apply_schema, connect
    from warehouse.load import SourceLoad, load_in_batches, loaded_versions

    inbox = Path(inbox) if inbox is not None else settings().inbox
    support = settings().support_addresses
    counts = {"files": 0, "skipped": 0, "feedback": 0, "calls": 0, "quarantined": 0}
    with connect(path) as con:
        apply_schema(con)
        loaded = loaded_versions(con)

        def changed_files():
            for source in list_sources(inbox):
                if source.channel != channel:
                    continue
                # Mail headers are read first: a reply found in a later file changes the
                # version of an unchanged file. Reading is cheap; masking is what we skip.
                result = read_source(source, inbox, support) if channel == "email" else None
                version = source_version(source, result) if result else source.sha256
                if loaded.get(source.rel) == version:
                    counts["skipped"] += 1
                    continue
                result = mask_read_result(result or read_source(source, inbox, support))
                counts["files"] += 1
                counts["feedback"] += len(result.feedback)
                counts["calls"] += len(result.calls)
                counts["quarantined"] += len(result.quarantine)
                yield SourceLoad(source.rel, source.channel, version, source.size_bytes, result)

        load_in_batches(con, changed_files())
    return counts
