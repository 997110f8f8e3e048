"""Pulling typed fields out of raw channel records, with the quarantine reasons readers share.

A reader raises ``BadRecord`` for one malformed record and turns it into a ``Quarantined`` row;
JSON Lines files are read line by line so one broken line never hides the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path

from ingest.records import Quarantined, ReadResult
from ingest.timeparse import parse_timestamp

EXCERPT_CHARS = 500


class BadRecord(ValueError):
    """One record cannot be read; the message is the quarantine reason."""


def excerpt(raw: str | bytes) -> str:
    """The start of a raw record, kept beside its quarantine reason."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="replace")
    return raw[:EXCERPT_CHARS]


def shape(value: object) -> str:
    """What a bad value looks like, for a quarantine reason that must not quote personal data."""
    if isinstance(value, str):
        return f"text of {len(value)} characters"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a negative number" if value < 0 else "a number"
    return "null" if value is None else f"a JSON {type(value).__name__}"


def unreadable_file(channel: str, rel: str, error: OSError) -> Quarantined:
    """The single quarantine row for a file that could not be opened at all."""
    return Quarantined(channel, rel, None, f"cannot read file: {error.strerror or error}", "")


def text_field(record: Mapping[str, object], key: str, *, required: bool = False) -> str | None:
    """A text value; numbers become text (ids are often exported as numbers), blanks become None."""
    value = record.get(key)
    if isinstance(value, bool) or (value is not None and not isinstance(value, str | int | float)):
        raise BadRecord(f"field '{key}' must be text, got {type(value).__name__}")
    # Windows exports keep CRLF inside quoted cells; one line-break convention downstream.
    text = None if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        if required:
            raise BadRecord(f"missing required field '{key}'")
        return None
    return text


def time_field(
    record: Mapping[str, object], key: str, *, required: bool = False
) -> datetime | None:
    """A timezone-aware timestamp; naive values are Japan time."""
    text = text_field(record, key, required=required)
    if text is None:
        return None
    try:
        return parse_timestamp(text)
    except ValueError:
        raise BadRecord(f"unparseable date in '{key}' ({shape(text)})") from None


def bool_field(record: Mapping[str, object], key: str, *, required: bool = False) -> bool | None:
    """A JSON true/false; anything else is a malformed record rather than a guess."""
    value = record.get(key)
    if value is None:
        if required:
            raise BadRecord(f"missing required field '{key}'")
        return None
    if not isinstance(value, bool):
        raise BadRecord(f"field '{key}' must be true or false, got {shape(value)}")
    return value


def number_field(record: Mapping[str, object], key: str, *, required: bool = False) -> float | None:
    """A non-negative number of seconds or a count."""
    value = record.get(key)
    if value is None:
        if required:
            raise BadRecord(f"missing required field '{key}'")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadRecord(f"field '{key}' must be a number, got {shape(value)}")
    if value < 0:
        raise BadRecord(f"field '{key}' must not be negative, got {shape(value)}")
    return float(value)


def jsonl_objects(
    path: Path, rel: str, channel: str, result: ReadResult
) -> Iterator[tuple[int, str, dict[str, object]]]:
    """Yield ``(line_number, raw_line, object)`` per JSON object line of a ``.jsonl`` file.

    Each non-blank line counts in ``result.read``; lines that are not UTF-8, not JSON or not an
    object go to its quarantine; an unreadable file is one record, quarantined with
    ``source_line=None``.
    """
    quarantine = result.quarantine
    try:
        data = path.read_bytes()
    except OSError as error:
        result.read += 1
        quarantine.append(unreadable_file(channel, rel, error))
        return
    # Decode per line so one corrupt line costs one record, not the file.
    for number, raw_bytes in enumerate(data.split(b"\n"), start=1):
        try:
            raw = raw_bytes.decode("utf-8-sig" if number == 1 else "utf-8").strip()
        except UnicodeDecodeError as error:
            result.read += 1
            reason = f"line is not valid UTF-8 (byte {error.start})"
            quarantine.append(Quarantined(channel, rel, number, reason, excerpt(raw_bytes)))
            continue
        if not raw:
            continue
        result.read += 1
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as error:
            reason = f"broken JSON: {error.msg} (column {error.colno})"
            quarantine.append(Quarantined(channel, rel, number, reason, excerpt(raw)))
            continue
        if not isinstance(value, dict):
            reason = f"expected a JSON object, got {type(value).__name__}"
            quarantine.append(Quarantined(channel, rel, number, reason, excerpt(raw)))
            continue
        yield number, raw, value
