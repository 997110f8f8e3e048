"""Checks every reader's output passes before it is masked and loaded.

A reader knows its channel's format; these checks hold for any record, whatever channel it came
from, so they run once on each file's ``ReadResult`` (``ingest.inbox.read_source``):

- text that cannot be stored (a lone surrogate such as ``"\\ud800"`` from a JSON escape, or a
  byte the mail parser kept as a surrogate) would crash masking and Arrow further on;
- a date in the future or before ``$KOE_EARLIEST_DATE`` moves "the latest day" the alerts and
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
from koe.settings import settings

# Clocks of mail servers and export tools drift; a day ahead of ours is still believable.
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass(frozen=True)
class Record:
    """One record of a ``ReadResult``: a piece of feedback, or a call with its customer's words
    (the feedback a call reader derives from it shares its fate)."""

    parts: tuple[Feedback | Call, ...]
    record_id: str  # feedback_id, or call_id
    moment: datetime

    @property
    def first(self) -> Feedback | Call:
        return self.parts[0]


def check_result(result: ReadResult, channel: str, now: datetime | None = None) -> ReadResult:
    """``result`` with every record that fails a check moved to its quarantine.

    ``now`` is the reference for "in the future" (the current time unless given); ``earliest``
    is ``$KOE_EARLIEST_DATE`` (default 2000-01-01).
    """
    now = now or datetime.now(UTC)
    earliest = settings().earliest_date
    kept = _empty_like(result, [_storable_quarantine(q) for q in result.quarantine])
    seen: dict[str, int | None] = {}
    for item in _records(result):
        reason = _unstorable(item.parts) or _implausible(item.moment, now, earliest)
        if reason is None and item.record_id in seen:
            first = seen[item.record_id]
            where = f"line {first}" if first is not None else "an earlier record"
            reason = f"duplicate id {item.record_id}: the same record as {where} of this file"
        if reason is not None:
            kept.quarantine.append(_quarantined(item, channel, reason))
            continue
        seen[item.record_id] = item.first.source_line
        _keep(kept, item)
    return kept


def without_copies(result: ReadResult, channel: str, owners: Mapping[str, str]) -> ReadResult:
    """``result`` with every record whose id another file already holds moved to its quarantine.

    ``owners`` maps record ids to the file that holds them (loaded earlier, or earlier in this
    run). The first file keeps a record; a later file's copy is accounted for, not merged.
    """
    kept = _empty_like(result, list(result.quarantine))
    for item in _records(result):
        owner = owners.get(item.record_id)
        if owner is not None and owner != item.first.source_file:
            reason = (
                f"duplicate id {item.record_id}: the same record was already loaded from {owner}"
            )
            kept.quarantine.append(_quarantined(item, channel, reason))
        else:
            _keep(kept, item)
    return kept


def record_ids(result: ReadResult) -> list[str]:
    """The ids of a result's records (feedback_id, or call_id for a call), in file order."""
    return [item.record_id for item in _records(result)]


def _records(result: ReadResult) -> list[Record]:
    voices = {(f.source_key, f.source_line): f for f in result.feedback if f.channel == "call"}
    records = [
        Record((c, voices[(c.call_id, c.source_line)]) if (c.call_id, c.source_line) in voices
               else (c,), c.call_id, c.started_at)
        for c in result.calls
    ]  # fmt: skip
    claimed = {id(part) for record in records for part in record.parts}
    records += [
        Record((f,), f.feedback_id, f.created_at) for f in result.feedback if id(f) not in claimed
    ]
    return records


def _empty_like(result: ReadResult, quarantine: list[Quarantined]) -> ReadResult:
    # Thread links describe every message read, kept or not: a quarantined customer message
    # can still be the one a support reply answers.
    return ReadResult(
        quarantine=quarantine, read=result.read, merged=result.merged, links=list(result.links)
    )


def _keep(result: ReadResult, item: Record) -> None:
    for part in item.parts:
        (result.feedback if isinstance(part, Feedback) else result.calls).append(part)


def _quarantined(item: Record, channel: str, reason: str) -> Quarantined:
    first = item.first
    return Quarantined(channel, first.source_file, first.source_line, reason, _excerpt_of(first))


def _unstorable(parts: tuple[object, ...]) -> str | None:
    """The first field holding text that is not valid Unicode, as a reason; None when all are."""
    for name, value in (pair for part in parts for pair in _text_values(part)):
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


def plausible(moment: datetime, now: datetime | None = None) -> bool:
    """Whether a date passes the same checks as a record's (for dates that are not a record's
    own, such as a support reply's, which times the message it answers)."""
    return _implausible(moment, now or datetime.now(UTC), settings().earliest_date) is None


def _implausible(moment: datetime, now: datetime, earliest: datetime) -> str | None:
    if moment > now + FUTURE_TOLERANCE:
        return "date is in the future (more than a day after the load)"
    if moment < earliest:
        return f"date is before {earliest:%Y-%m-%d} (KOE_EARLIEST_DATE)"
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
