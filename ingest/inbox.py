"""The inbox: which channel files are waiting (``list_sources``) and reading one (``read_source``).

Channel folders are ``calls/``, ``email/``, ``forms/`` and ``sns/`` under the inbox root; other
files beside them (such as the sample generator's ``ground_truth.json``) are not sources.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
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


def list_sources(inbox: Path) -> list[SourceFile]:
    """Every file in the channel folders (recursively), sorted by ``rel``.

    Files with an unknown suffix are listed too, so ``read_source`` can quarantine them.
    """
    if not inbox.is_dir():
        raise FileNotFoundError(f"inbox folder not found: {inbox}")
    sources = []
    for folder, channel in CHANNEL_FOLDERS.items():
        for path in _channel_files(inbox / folder):
            sources.append(
                SourceFile(
                    channel=channel,
                    path=path,
                    rel=path.relative_to(inbox).as_posix(),
                    sha256=_sha256(path),
                    size_bytes=path.stat().st_size,
                )
            )
    return sorted(sources, key=lambda source: source.rel)


def source_version(source: SourceFile, result: ReadResult) -> str:
    """The manifest version of a source: its hash, plus, for mail, the support replies found for it.

    A support reply often arrives in a later file than the customer's message. Its first-response
    time belongs to the earlier file's rows, so that file must load again when a reply appears,
    although its bytes did not change.
    """
    replies = sorted(
        (f.source_key, f.first_response_at.isoformat())
        for f in result.feedback
        if f.first_response_at is not None
    )
    if not replies:
        return source.sha256
    digest = hashlib.sha256(json.dumps(replies).encode("utf-8")).hexdigest()[:16]
    return f"{source.sha256}+replies:{digest}"


def read_source(
    source: SourceFile, inbox: Path, support_addresses: tuple[str, ...] = ()
) -> ReadResult:
    """Read one source file with its channel's reader.

    Mail is read against a thread index of the whole ``email/`` folder so a support reply in
    one file sets ``first_response_at`` on the customer's message in another; replies from
    ``support_addresses`` (``$KOE_SUPPORT_ADDRESSES``) count as the support's.
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
