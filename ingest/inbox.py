"""The inbox: which channel files are waiting (``list_sources``) and reading one (``read_source``).

Channel folders are ``calls/``, ``email/``, ``forms/`` and ``sns/`` under the inbox root; other
files beside them (such as the sample generator's ``ground_truth.json``) are not sources.
A file is hashed only when its stat fingerprint (size, mtime, ctime, inode) differs from the one
recorded when it was loaded, the way git's index spares hashing unchanged files.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.calls import read_calls
from ingest.checks import check_result
from ingest.email import Threads, index_threads, read_email
from ingest.fields import excerpt
from ingest.forms import read_forms
from ingest.records import Quarantined, ReadResult
from ingest.sns import read_sns

logger = logging.getLogger(__name__)

CHANNEL_FOLDERS = {"calls": "call", "email": "email", "forms": "form", "sns": "sns"}
READERS: dict[tuple[str, str], Callable[[Path, str], ReadResult]] = {
    ("call", ".jsonl"): read_calls,
    ("email", ".eml"): read_email,
    ("email", ".mbox"): read_email,
    ("form", ".csv"): read_forms,
    ("form", ".json"): read_forms,
    ("sns", ".jsonl"): read_sns,
}


@dataclass(frozen=True)
class SourceFile:
    """One file waiting in a channel folder, fingerprinted so reloads can be skipped."""

    channel: str
    path: Path
    rel: str  # relative to the inbox root, with "/" separators: "email/2026-08.mbox"
    sha256: str
    size_bytes: int
    # The stat fingerprint the hash was taken at; None while the file may still be changing
    # within the file system's timestamp granularity (then it is hashed again next time).
    stat: str | None = None


# A file modified this recently may change again without moving its mtime (coarse file-system
# clocks): git calls it "racily clean". Its fingerprint is not trusted until it is older.
SETTLED_NS = 2_000_000_000


def list_sources(
    inbox: Path,
    channel: str | None = None,
    hashed: Mapping[str, tuple[str, str]] | None = None,
) -> list[SourceFile]:
    """Every file in the channel folders (recursively), or in ``channel``'s, sorted by ``rel``.

    ``hashed`` maps a file (``rel``) to the stat fingerprint and SHA-256 recorded when it was
    loaded: a file whose fingerprint is unchanged keeps that hash and is not read. Files with an
    unknown suffix are listed too, so ``read_source`` can quarantine them.
    """
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox folder not found: {inbox}")
    hashed = hashed or {}
    started_ns = time.time_ns()
    sources = []
    for folder, folder_channel in CHANNEL_FOLDERS.items():
        if channel is not None and folder_channel != channel:
            continue
        for path in _channel_files(inbox / folder):
            rel = path.relative_to(inbox).as_posix()
            status = path.stat()
            fingerprint = stat_fingerprint(status)
            known = hashed.get(rel)
            sha256 = known[1] if known and known[0] == fingerprint else _sha256(path)
            settled = status.st_mtime_ns < started_ns - SETTLED_NS
            sources.append(
                SourceFile(
                    channel=folder_channel,
                    path=path,
                    rel=rel,
                    sha256=sha256,
                    size_bytes=status.st_size,
                    stat=fingerprint if settled else None,
                )
            )
    return sorted(sources, key=lambda source: source.rel)


def stat_fingerprint(status: os.stat_result) -> str:
    """What says a file is unchanged without reading it: size, mtime, ctime and inode (a link
    is followed, so a link re-pointed at another file changes it)."""
    return f"{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}:{status.st_ino}"


def read_source(
    source: SourceFile,
    inbox: Path,
    support_addresses: tuple[str, ...] = (),
    threads: Threads | None = None,
) -> ReadResult:
    """Read one source file with its channel's reader.

    Mail is read against ``threads`` (the pipeline builds them from the warehouse's stored links
    and this run's files), else against a thread index of the whole ``email/`` folder, so a
    support reply in one file sets ``first_response_at`` on the customer's message in another;
    replies from ``support_addresses`` (``$KOE_SUPPORT_ADDRESSES``) count as the support's.
    """
    suffix = source.path.suffix.lower()
    reader = READERS.get((source.channel, suffix))
    if reader is None:
        expected = ", ".join(sorted(s for c, s in READERS if c == source.channel))
        reason = f"unknown file type '{suffix or '(none)'}' (expected {expected})"
        return ReadResult(
            quarantine=[Quarantined(source.channel, source.rel, None, reason, _head(source.path))],
            read=1,
        )
    try:
        if source.channel == "email":
            if threads is None:
                threads = _email_threads(inbox, support_addresses)
            result = read_email(source.path, source.rel, threads=threads)
        else:
            result = reader(source.path, source.rel)
    except Exception as error:  # noqa: BLE001 - one unreadable file must not stop its channel
        # The type alone: an exception's message may quote the record it choked on.
        reason = f"the {source.channel} reader failed on this file ({type(error).__name__})"
        logger.error("reading %s failed: %s", source.rel, type(error).__name__)
        result = ReadResult(
            quarantine=[Quarantined(source.channel, source.rel, None, reason, _head(source.path))],
            read=1,
        )
    return check_result(result, source.channel)


def _channel_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    # Dot-files are OS and editor litter (.DS_Store, ._foo, .~lock) rather than exports.
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _head(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            return excerpt(stream.read(500))
    except OSError:
        return ""


def _email_threads(inbox: Path, support_addresses: tuple[str, ...]) -> Threads:
    files = [p for p in _channel_files(inbox / "email") if p.suffix.lower() in (".eml", ".mbox")]
    # Reading a folder of mail calls this once per file; the fingerprint lets them share one index
    # while any change to the folder (or the support list) builds a fresh one.
    fingerprint = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    return _cached_threads(fingerprint, support_addresses)


@lru_cache(maxsize=4)
def _cached_threads(
    fingerprint: tuple[tuple[str, int, int], ...], support: tuple[str, ...]
) -> Threads:
    return index_threads([Path(path) for path, _, _ in fingerprint], support)
