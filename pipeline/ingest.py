"""koe_ingest's step: new or changed inbox files of one channel → masked raw tables."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from koe.settings import settings

logger = logging.getLogger(__name__)


def ingest_channel(
    channel: str, inbox: Path | None = None, path: str | os.PathLike[str] | None = None
) -> dict:
    """Load every new or changed file of one channel, masked, in transactions of whole files.

    ``inbox`` defaults to ``$KOE_INBOX``, ``path`` (the warehouse file) to ``$KOE_WAREHOUSE``.
    Returns counts for the log and XCom.
    """
    from ingest.checks import record_ids, without_copies
    from ingest.inbox import list_sources, read_source, source_version
    from nlp.masking import mask_read_result, pseudonym_key
    from warehouse.db import apply_schema, connect
    from warehouse.load import (
        SourceLoad,
        forget_sources,
        load_in_batches,
        loaded_files,
        loaded_versions,
        record_owners,
    )

    pseudonym_key()  # refuse to start, rather than fail mid-load, without a deployment key
    inbox = Path(inbox) if inbox is not None else settings().inbox
    support = settings().support_addresses
    counts = {
        "files": 0,
        "skipped": 0,
        "read": 0,
        "feedback": 0,
        "calls": 0,
        "quarantined": 0,
        "merged": 0,
    }
    with connect(path) as con:
        apply_schema(con)
        loaded = loaded_versions(con)
        claimed: dict[str, str] = {}  # record id → the file of this run that loads it

        sources = [source for source in list_sources(inbox) if source.channel == channel]
        # A file deleted from the inbox takes its rows with it (see the README on deletion).
        gone = loaded_files(con, channel) - {source.rel for source in sources}
        forget_sources(con, gone)
        counts["removed_files"] = len(gone)

        def changed_files():
            for source in sources:
                # Mail headers are read first: a reply found in a later file changes the
                # version of an unchanged file. Reading is cheap; masking is what we skip.
                result = read_source(source, inbox, support) if channel == "email" else None
                version = source_version(source, result) if result else source.sha256
                if loaded.get(source.rel) == version:
                    counts["skipped"] += 1
                    continue
                result = result or read_source(source, inbox, support)
                # A record another file holds is quarantined here rather than merged on load.
                ids = record_ids(result)
                owners = record_owners(con, ids) | {i: claimed[i] for i in ids if i in claimed}
                result = mask_read_result(without_copies(result, channel, owners))
                claimed.update((i, source.rel) for i in record_ids(result))
                counts["files"] += 1
                counts["read"] += result.read
                counts["feedback"] += len(result.feedback)
                counts["calls"] += len(result.calls)
                counts["quarantined"] += len(result.quarantine)
                counts["merged"] += result.merged
                # The count identity, per file, in the task's log: nothing lost silently.
                log = logger.info if result.balanced else logger.error
                log(
                    "%s: read %d = loaded %d + quarantined %d + merged %d%s",
                    source.rel,
                    result.read,
                    result.loaded,
                    len(result.quarantine),
                    result.merged,
                    "" if result.balanced else " (DOES NOT ADD UP)",
                )
                yield SourceLoad(source.rel, source.channel, version, source.size_bytes, result)

        load_in_batches(con, changed_files())
    return counts
