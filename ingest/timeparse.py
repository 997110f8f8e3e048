"""Timestamps as Japanese support exports write them, turned into timezone-aware datetimes.

Accepts ISO 8601 (with or without offset), "2026/08/03 14:05", "2026-08-03 14:05:00" and
"2026年8月3日 14時05分"; a timestamp without an offset is taken to be Japan time.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")

# Slash, dot or kanji dates, an optional weekday like "(月)", then an optional clock time
# written "14:05", "14:05:30" or "14時05分30秒".
_LOCAL = re.compile(
    r"""
    (?P<y>\d{4}) \s* [/.年-] \s* (?P<mo>\d{1,2}) \s* [/.月-] \s* (?P<d>\d{1,2}) \s* 日?
    (?: \s* \( [^)]{1,3} \) )?
    (?: \s* T? \s*
        (?P<h>\d{1,2}) \s* [:時] \s* (?P<mi>\d{1,2}) \s* 分?
        (?: \s* :? \s* (?P<s>\d{1,2}) \s* 秒? )?
    )?
    """,
    re.VERBOSE,
)


def as_aware(moment: datetime) -> datetime:
    """The same moment with Japan time attached when it carried no offset."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=TOKYO)


def parse_timestamp(value: str) -> datetime:
    """Parse one timestamp; raises ``ValueError`` naming the value when no format fits."""
    # NFKC folds full-width digits, colons and parentheses that Japanese forms often emit.
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise ValueError("empty date")
    try:
        return as_aware(datetime.fromisoformat(text))
    except ValueError:
        pass
    match = _LOCAL.fullmatch(text)
    if match is None:
        raise ValueError(f"unparseable date ({len(value)} characters)")
    parts = {k: int(v) if v is not None else 0 for k, v in match.groupdict().items()}
    try:
        moment = datetime(parts["y"], parts["mo"], parts["d"], parts["h"], parts["mi"], parts["s"])
    except ValueError:
        raise ValueError(f"unparseable date ({len(value)} characters)") from None
    return moment.replace(tzinfo=TOKYO)
