"""Call-centre logs (``calls/*.jsonl``, one call per line) → ``Call`` records and customer voice.

Each valid line yields a ``Call`` for KPIs and agent QA and, when the customer spoke, a
``Feedback`` whose text is the customer's turns joined by newlines.
"""

from __future__ import annotations

from pathlib import Path

from ingest.fields import (
    BadRecord,
    bool_field,
    excerpt,
    jsonl_objects,
    number_field,
    shape,
    text_field,
    time_field,
)
from ingest.records import (
    Call,
    Feedback,
    HoldSegment,
    Quarantined,
    ReadResult,
    Turn,
    contact,
    stable_id,
)

CHANNEL = "call"
SPEAKERS = ("agent", "customer")


def read_calls(path: Path, rel: str) -> ReadResult:
    """Read one call-log file; malformed lines are quarantined and the rest still read."""
    result = ReadResult()
    for number, raw, record in jsonl_objects(path, rel, CHANNEL, result):
        try:
            call = _call(record, rel, number)
        except BadRecord as bad:
            result.quarantine.append(Quarantined(CHANNEL, rel, number, str(bad), excerpt(raw)))
            continue
        result.calls.append(call)
        voice = _customer_voice(call)
        if voice is not None:
            result.feedback.append(voice)
    return result


def _call(record: dict[str, object], rel: str, number: int) -> Call:
    call_id = text_field(record, "call_id", required=True)
    started_at = time_field(record, "started_at", required=True)
    abandoned = bool_field(record, "abandoned", required=True)
    answered_after_s = number_field(record, "answered_after_s")
    if not abandoned and answered_after_s is None:
        raise BadRecord("answered call (abandoned=false) has no 'answered_after_s'")
    if abandoned:
        # The contract keeps speed-of-answer for answered calls only; an abandoned call's wait
        # would otherwise leak into the average speed of answer.
        answered_after_s = None
    return Call(
        call_id=call_id,
        source_file=rel,
        source_line=number,
        started_at=started_at,
        product=text_field(record, "product"),
        answered_after_s=answered_after_s,
        abandoned=abandoned,
        resolved_first_contact=bool_field(record, "resolved_first_contact"),
        hold_segments=_hold_segments(record.get("hold_segments")),
        turns=_turns(record.get("turns")),
        customer_id=text_field(record, "customer_id"),
        agent_id=text_field(record, "agent_id"),
        team=text_field(record, "team"),
        phone=text_field(record, "phone"),
    )


def _hold_segments(value: object) -> tuple[HoldSegment, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise BadRecord("field 'hold_segments' must be a list")
    segments = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise BadRecord(f"hold segment {index} must be an object")
        try:
            segments.append(
                HoldSegment(
                    start_s=number_field(item, "start_s", required=True),
                    duration_s=number_field(item, "duration_s", required=True),
                    intermediate_report=bool_field(item, "intermediate_report", required=True),
                )
            )
        except BadRecord as bad:
            raise BadRecord(f"hold segment {index}: {bad}") from None
    return tuple(segments)


def _turns(value: object) -> tuple[Turn, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise BadRecord("field 'turns' must be a list")
    turns = []
    for index, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise BadRecord(f"turn {index} must be an object")
        speaker = item.get("speaker")
        if speaker not in SPEAKERS:
            raise BadRecord(
                f"turn {index}: unknown speaker ({shape(speaker)}; expected agent or customer)"
            )
        try:
            t = number_field(item, "t", required=True)
            text = text_field(item, "text") or ""
        except BadRecord as bad:
            raise BadRecord(f"turn {index}: {bad}") from None
        turns.append(Turn(speaker=speaker, t=t, text=text))
    return tuple(turns)


def _customer_voice(call: Call) -> Feedback | None:
    said = [turn.text for turn in call.turns if turn.speaker == "customer" and turn.text]
    if not said:
        return None
    return Feedback(
        feedback_id=stable_id(CHANNEL, call.call_id),
        channel=CHANNEL,
        source_key=call.call_id,
        source_file=call.source_file,
        source_line=call.source_line,
        created_at=call.started_at,
        text="\n".join(said),
        product=call.product,
        customer_id=call.customer_id,
        contacts=contact("phone", call.phone),
    )
