"""koe_ingest's step: new or changed inbox files of one channel → masked raw tables.

Only files whose stat fingerprint changed are hashed, and only files whose hash changed are read.
Mail threads come from the links the warehouse stored for earlier files (`raw.mail_links`) plus
this run's new files, so a support reply in a new file sets the first response of the message
it answers, which was loaded earlier, without that message's file being read again.
"""

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
    from ingest.inbox import list_sources, read_source
    from nlp.masking import mask_read_result, pseudonym_key
    from warehouse.db import apply_schema, connect
    from warehouse.load import (
        SourceLoad,
        forget_sources,
        load_in_batches,
        loaded_hashes,
        record_owners,
        refresh_stats,
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
        manifest = loaded_hashes(con, channel)
        hashed = {rel: (stat, sha) for rel, (stat, sha) in manifest.items() if stat is not None}
        sources = list_sources(inbox, channel, hashed)
        changed = [s for s in sources if manifest.get(s.rel, (None, None))[1] != s.sha256]
        unchanged = [s for s in sources if manifest.get(s.rel, (None, None))[1] == s.sha256]
        # Touched but not changed: remember the new fingerprint, so it is not hashed again.
        refresh_stats(con, {s.rel: s.stat for s in unchanged if s.stat != manifest[s.rel][0]})
        counts["skipped"] = len(unchanged)
        # A file deleted from the inbox takes its rows with it (see the README on deletion).
        gone = set(manifest) - {source.rel for source in sources}
        threads, responses = None, None
        if channel == "email":
            threads, responses = _mail_threads(con, changed, gone, support)
        counts["first_responses_changed"] = forget_sources(con, gone, responses)
        counts["removed_files"] = len(gone)
        claimed: dict[str, str] = {}  # record id → the file of this run that loads it

        def changed_files():
            for source in changed:
                result = read_source(source, inbox, support, threads)
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
                yield SourceLoad(
                    source.rel, channel, source.sha256, source.size_bytes, result, source.stat
                )

        load_in_batches(con, changed_files())
    return counts


def _mail_threads(con, changed, gone: set[str], support: tuple[str, ...]):
    """The threads to read this run's mail with, and the first response every message of those
    threads that stays loaded now has (feedback_id → Date of the first support reply, or None).

    They are built from the headers of the new and changed files and the stored links of the
    threads those files, or the deleted ones, take part in; no other file is read.
    """
    from ingest.email import Threads, read_links
    from warehouse.load import thread_links

    mail = [s for s in changed if s.path.suffix.lower() in (".eml", ".mbox")]
    fresh = [link for source in mail for link in read_links(source.path, source.rel, support)]
    replaced = {source.rel for source in changed} | gone
    keys = {link.message_key for link in fresh} | {link.parent_key for link in fresh}
    stored = thread_links(con, keys - {None}, replaced)
    kept = [link for link in stored if link.source_file not in replaced]
    # Files in name order, messages in file order: the first copy of a message wins, as when
    # the whole folder is indexed.
    links = sorted(kept + fresh, key=lambda link: (link.source_file, link.source_line or 0))
    threads = Threads.from_links(links, support)
    answered = threads.first_responses()
    return threads, {link.message_key: answered.get(link.message_key) for link in kept}
