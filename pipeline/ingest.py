"""koe_ingest's steps: new or changed inbox files → masked raw tables.

Only files whose stat fingerprint changed are hashed, and only files whose hash changed are read.
Mail threads come from the links the warehouse stored for earlier files (`raw.mail_links`) plus
this run's new files, so a support reply in a new file sets the first response of the message
it answers, which was loaded earlier, without that message's file being read again.

Reading and masking run over partitions of the changed files (`pipeline.partitions`):
`plan_ingest` writes them, `mask_partition` (one mapped task each) reads and masks one without
opening the warehouse and stages its masked records as Parquet (`pipeline.staged_records`), and
`load_ingest` loads every partition's records in one transaction. `ingest_channel` runs the three
in this process for one channel, for scripts, the benchmark and tests.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from koe.settings import for_warehouse

logger = logging.getLogger(__name__)

# A partition holds whole files of one channel, about this many bytes of them: some thousands of
# records, read and masked in well under a minute, staged as a few MB of Parquet.
PARTITION_BYTES = 4 << 20


def plan_ingest(
    channels: Sequence[str],
    inbox: Path | None = None,
    path: str | os.PathLike[str] | None = None,
) -> tuple[list[str], dict[str, dict]]:
    """Find each channel's new or changed files and write them as partitions to read and mask.

    First, in one transaction per channel, the rows of files deleted from the inbox go, and mail
    loaded earlier takes the first responses this run's new mail gives it. Returns the partitions'
    paths (one per mapped `mask_partition` task; none when nothing is new) and, per channel, how
    many files were skipped and removed and how many first responses changed.
    """
    from ingest.inbox import list_sources
    from nlp.masking import pseudonym_key
    from pipeline.partitions import MAX_PARTITIONS, new_run, write_table
    from pipeline.staged_records import links_table, sources_table
    from warehouse.db import apply_schema, connect
    from warehouse.load import forget_sources, loaded_hashes, refresh_stats

    pseudonym_key()  # refuse to start, rather than fail mid-load, without a deployment key
    config = for_warehouse(path)
    inbox = Path(inbox) if inbox is not None else config.inbox
    run = new_run(config.staging_dir, "ingest")
    planned, counts = [], {}
    with connect(path) as con:
        apply_schema(con)
        for channel in channels:
            manifest = loaded_hashes(con, channel)
            hashed = {rel: entry for rel, entry in manifest.items() if entry[0] is not None}
            sources = list_sources(inbox, channel, hashed)
            loaded = {rel: _content_hash(version) for rel, (_, version) in manifest.items()}
            changed = [s for s in sources if loaded.get(s.rel) != s.sha256]
            unchanged = [s for s in sources if loaded.get(s.rel) == s.sha256]
            if channel == "email":
                legacy = [s for s in unchanged if manifest[s.rel][1] != s.sha256]
                _store_legacy_links(con, legacy, config.support_addresses)
            # Touched but not changed: remember the new fingerprint, so it is not hashed again.
            refresh_stats(con, {s.rel: s.stat for s in unchanged if s.stat != manifest[s.rel][0]})
            # A file deleted from the inbox takes its rows with it (see the README on deletion).
            gone = set(manifest) - {source.rel for source in sources}
            threads, responses = None, None
            if channel == "email" and (changed or gone):
                links, responses = _mail_threads(con, changed, gone, config.support_addresses)
                threads = run / "mail_threads.parquet"
                write_table(links_table(links), threads)
            counts[channel] = {
                "skipped": len(unchanged),
                "removed_files": len(gone),
                "first_responses_changed": forget_sources(con, gone, responses),
            }
            planned += [(source, threads) for source in changed]
    # Any two neighbouring partitions of a channel hold more than the budget together, so at most
    # 2 × total / budget + 2 per channel are cut: within Airflow's max_map_length.
    total = sum(source.size_bytes for source, _ in planned)
    room = (MAX_PARTITIONS - 2 * len(channels)) // 2 - 1
    budget = max(PARTITION_BYTES, math.ceil(total / max(1, room)))
    partitions = []
    for number, part in enumerate(_cut(planned, budget)):
        partitions.append(run / f"part-{number:05d}.parquet")
        write_table(sources_table(inbox, part), partitions[-1])
    if not partitions:
        shutil.rmtree(run)
    return [str(p) for p in partitions], counts


def mask_partition(partition: str | os.PathLike[str]) -> str:
    """Read and mask every file of one partition; stage the masked records beside it.

    Opens no warehouse, so many of these run at once, on any worker that sees the inbox and the
    staging folder. Returns the staged results' path.
    """
    from ingest.email import Threads
    from ingest.inbox import read_source
    from koe.settings import settings
    from nlp.masking import mask_read_result
    from pipeline.partitions import result_path
    from pipeline.staged_records import StagedFile, read_links, read_sources, write_results

    support = settings().support_addresses
    staged, threads = [], {}
    for inbox, source, links in read_sources(partition):
        if links is not None and links not in threads:
            threads[links] = Threads.from_links(read_links(links), support)
        result = read_source(source, inbox, support, threads.get(links))
        staged.append(
            StagedFile(
                source.rel,
                source.channel,
                source.sha256,
                source.size_bytes,
                source.stat,
                mask_read_result(result),
            )
        )
    out = result_path(partition)
    write_results(staged, out)
    return str(out)


def load_ingest(
    results: Sequence[str | os.PathLike[str]], path: str | os.PathLike[str] | None = None
) -> dict[str, dict]:
    """Load every partition's staged records into the warehouse in one transaction; then remove
    the run's staging folder. Returns, per channel, the counts of the files loaded.

    A record another file holds (loaded before, or by a file earlier in this run) is quarantined
    here rather than merged on load; every file's count identity is logged.
    """
    from ingest.checks import record_ids, without_copies
    from pipeline.partitions import remove_run
    from pipeline.staged_records import read_results
    from warehouse.db import apply_schema, connect, transaction
    from warehouse.load import SourceLoad, record_owners, replace_sources

    counts: dict[str, Counter] = {}
    files = [str(r) for r in results]
    with connect(path) as con:
        apply_schema(con)
        claimed: dict[str, str] = {}  # record id → the file of this run that loads it
        with transaction(con):
            for file in files:
                loads = []
                for staged in read_results(file):
                    ids = record_ids(staged.result)
                    owners = record_owners(con, ids) | {i: claimed[i] for i in ids if i in claimed}
                    result = without_copies(staged.result, staged.channel, owners)
                    claimed.update((i, staged.source_file) for i in record_ids(result))
                    _count(counts.setdefault(staged.channel, Counter()), staged.source_file, result)
                    loads.append(
                        SourceLoad(
                            staged.source_file,
                            staged.channel,
                            staged.sha256,
                            staged.size_bytes,
                            result,
                            staged.stat,
                        )
                    )
                replace_sources(con, loads)
    remove_run(files)
    return {channel: dict(c) for channel, c in counts.items()}


def ingest_channel(
    channel: str, inbox: Path | None = None, path: str | os.PathLike[str] | None = None
) -> dict:
    """Load every new or changed file of one channel, masked, in one transaction: the DAG's
    `plan_ingest`, each `mask_partition` and `load_ingest`, in this process.

    ``inbox`` defaults to ``$KOE_INBOX``, ``path`` (the warehouse file) to ``$KOE_WAREHOUSE``.
    Returns counts for the log and XCom.
    """
    partitions, planned = plan_ingest([channel], inbox, path)
    loaded = load_ingest([mask_partition(p) for p in partitions], path)
    empty = dict.fromkeys(("files", "read", "feedback", "calls", "quarantined", "merged"), 0)
    return {**empty, **loaded.get(channel, {}), **planned[channel]}


def _count(counts: Counter, source_file: str, result) -> None:
    counts.update(
        files=1,
        read=result.read,
        feedback=len(result.feedback),
        calls=len(result.calls),
        quarantined=len(result.quarantine),
        merged=result.merged,
    )
    # The count identity, per file, in the task's log: nothing lost silently.
    log = logger.info if result.balanced else logger.error
    log(
        "%s: read %d = loaded %d + quarantined %d + merged %d%s",
        source_file,
        result.read,
        result.loaded,
        len(result.quarantine),
        result.merged,
        "" if result.balanced else " (DOES NOT ADD UP)",
    )


def _content_hash(version: str) -> str:
    """The content hash of a manifest version. Mail loaded before thread links were stored has
    ``<sha256>+replies:<digest>`` (the replies found for it then)."""
    return version.split("+replies:", 1)[0]


def _store_legacy_links(con, sources, support: tuple[str, ...]) -> None:
    """Mail files loaded, unchanged, before thread links were stored: store their links from
    their headers (read once), so replies arriving later find them, and never reload their rows:
    their first responses were found by the same threading over the whole folder."""
    from ingest.email import read_links
    from warehouse.load import upgrade_mail_versions

    for start in range(0, len(sources), 500):  # a transaction per 500 files: memory stays flat
        batch = sources[start : start + 500]
        links = [link for s in batch for link in read_links(s.path, s.rel, support)]
        upgrade_mail_versions(con, {s.rel: (s.sha256, s.stat) for s in batch}, links)


def _cut(planned: list, budget: int):
    """Runs of whole files of one channel, each about ``budget`` bytes (a larger file alone)."""
    part, size = [], 0
    for source, threads in planned:
        if part and (size + source.size_bytes > budget or part[-1][0].channel != source.channel):
            yield part
            part, size = [], 0
        part.append((source, threads))
        size += source.size_bytes
    if part:
        yield part


def _mail_threads(con, changed, gone: set[str], support: tuple[str, ...]):
    """The thread links to read this run's mail with, and the first response every message of
    those threads that stays loaded now has (feedback_id → first support reply, or None).

    They come from the headers of the new and changed files and the stored links of the threads
    those files, or the deleted ones, take part in; no other file is read.
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
    answered = Threads.from_links(links, support).first_responses()
    return links, {link.message_key: answered.get(link.message_key) for link in kept}
