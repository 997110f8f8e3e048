"""Social-media posts (``sns/*.jsonl``, one post per line) → ``Feedback`` on channel ``sns``.

A post is ``{post_id, posted_at, author, text, url?, likes?, reposts?}``; url and the counts are
kept as text attributes so the app can link back to the post and weigh its reach.
"""

from __future__ import annotations

from pathlib import Path

from ingest.fields import BadRecord, excerpt, jsonl_objects, text_field, time_field
from ingest.records import Feedback, Quarantined, ReadResult, contact, stable_id

CHANNEL = "sns"
ATTRIBUTES = ("url", "likes", "reposts")


def read_sns(path: Path, rel: str) -> ReadResult:
    """Read one SNS export; malformed lines are quarantined and the rest still read."""
    result = ReadResult()
    for number, raw, record in jsonl_objects(path, rel, CHANNEL, result):
        try:
            result.feedback.append(_post(record, rel, number))
        except BadRecord as bad:
            result.quarantine.append(Quarantined(CHANNEL, rel, number, str(bad), excerpt(raw)))
    return result


def _post(record: dict[str, object], rel: str, number: int) -> Feedback:
    post_id = text_field(record, "post_id", required=True)
    posted_at = time_field(record, "posted_at", required=True)
    text = text_field(record, "text")
    if text is None:
        raise BadRecord("empty text")
    author = text_field(record, "author")
    attributes = {}
    for key in ATTRIBUTES:
        value = text_field(record, key)
        if value is not None:
            attributes[key] = value
    return Feedback(
        feedback_id=stable_id(CHANNEL, post_id),
        channel=CHANNEL,
        source_key=post_id,
        source_file=rel,
        source_line=number,
        created_at=posted_at,
        text=text,
        product=text_field(record, "product"),
        author=author,
        attributes=attributes,
        contacts=contact("handle", author),
    )
