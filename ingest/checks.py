"""Checks every reader's output passes before it is masked and loaded.

A reader knows its channel's format; these checks hold for any record, whatever channel it came
from, so they run once on each file's ``ReadResult`` (``ingest.inbox.read_source``):

- text that cannot be stored (a lone surrogate such as ``"\\ud800"`` from a JSON escape, or a
  byte the mail parser kept as a surrogate) would crash masking and Arrow further on;
- a date in the future or before any plausible export moves "the latest day" the alerts and
  reports are computed for, so one bad clock would stop every alert;
- a record id seen twice in one file would collapse into one row and be lost without a trace.

Each failing record becomes a ``Quarantined`` row whose reason names the field, never its value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import UTC, datetime, timedelta

from ingest.fields import excerpt
from ingest.records import Call, Feedback, Quarantined, ReadResult

# No support export predates this; an earlier date is a broken clock or a misread field.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# Clocks of mail servers and export tools drift; a day ahead of ours is still believable.
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass(frozen=True)
class Record:
    """One record of a ``ReadResult`` with what identifies it in its file."""

    record: Feedback | Call
    record_id: str
    moment: datetime


def check_result(result: ReadResult, channel: str, now: datetime | None = None) -> ReadResult:
    """``result`` with every record that fails a check moved to its quarantine.

    ``now`` is the reference for "in the future" (the current time unless given).
    """
    now = now or datetime.now(UTC)
    kept = ReadResult(quarantine=[_storable_quarantine(q) for q in result.quarantine])
    seen: dict[str, int | None] = {}
    for item in _records(result):
        reason = _unstorable(item.record) or _implausible(item.moment, now)
        if reason is None and item.record_id in seen:
            first = seen[item.record_id]
            where = f"line {first}" if first is not None else "an earlier record"
            reason = f"duplicate id: the same record as {where} of this file"
        if reason is not None:
            record = item.record
            kept.quarantine.append(
                Quarantined(
                    channel, record.source_file, record.source_line, reason, _excerpt_of(record)
                )
            )
            continue
        seen[item.record_id] = item.record.source_line
        if isinstance(item.record, Feedback):
            kept.feedback.append(item.record)
        else:
            kept.calls.append(item.record)
    return kept


def without_copies(result: ReadResult, channel: str, owners: Mapping[str, str]) -> ReadResult:
    """``result`` with every record whose id another file already holds moved to its quarantine.

    ``owners`` maps record ids to the file that holds them (loaded earlier, or earlier in this
    run). The first file keeps a record; a later file's copy is accounted for, not merged.
    """
    kept = ReadResult(quarantine=list(result.quarantine))
    for item in _records(result):
        owner = owners.get(item.record_id)
        record = item.record
        if owner is not None and owner != record.source_file:
            reason = f"duplicate id: the same record was already loaded from {owner}"
            kept.quarantine.append(
                Quarantined(
                    channel, record.source_file, record.source_line, reason, _excerpt_of(record)
                )
            )
        elif isinstance(record, Feedback):
            kept.feedback.append(record)
        else:
            kept.calls.append(record)
    return kept


def record_ids(result: ReadResult) -> list[str]:
    """The ids of a result's records (feedback_id or call_id), in file order."""
    return [item.record_id for item in _records(result)]


def _records(result: ReadResult) -> list[Record]:
    records = [Record(f, f.feedback_id, f.created_at) for f in result.feedback]
    records += [Record(c, c.call_id, c.started_at) for c in result.calls]
    return records


def _unstorable(record: object) -> str | None:
    """The first field holding text that is not valid Unicode, as a reason; None when all are."""
    for name, value in _text_values(record):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"field '{name}' holds text that is not valid Unicode (a lone surrogate)"
    return None


def _text_values(value: object, name: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(name, value)]
    if is_dataclass(value) and not isinstance(value, type):
        found = []
        for field in fields(value):
            inner = getattr(value, field.name)
            found += _text_values(inner, field.name if not name else f"{name}.{field.name}")
        return found
    if isinstance(value, dict):
        found = []
        for key, inner in value.items():
            found += _text_values(key, f"{name} key") + _text_values(inner, f"{name}.{key}")
        return found
    if isinstance(value, list | tuple):
        return [pair for inner in value for pair in _text_values(inner, name)]
    return []


def _implausible(moment: datetime, now: datetime) -> str | None:
    if moment > now + FUTURE_TOLERANCE:
        return "date is in the future (more than a day after the load)"
    if moment < EARLIEST:
        return f"date is before {EARLIEST:%Y}"
    return None


def _excerpt_of(record: Feedback | Call) -> str:
    text = record.text if isinstance(record, Feedback) else " / ".join(t.text for t in record.turns)
    return _storable(excerpt(text))


def _storable_quarantine(row: Quarantined) -> Quarantined:
    reason, snippet = _storable(row.reason), _storable(row.excerpt)
    if (reason, snippet) == (row.reason, row.excerpt):
        return row
    return Quarantined(row.channel, row.source_file, row.source_line, reason, snippet)


def _storable(text: str) -> str:
    """``text`` with anything UTF-8 cannot encode replaced by U+FFFD."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
