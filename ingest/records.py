"""The record shapes every channel reader produces.

Readers in ``ingest/`` turn channel files into these frozen dataclasses; ``nlp`` masks them and
``warehouse`` loads them. Nothing here knows about NLP or SQL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime


def stable_id(*parts: object) -> str:
    """A deterministic 16-hex-digit key from a record's natural key (channel + source identity)."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def content_hash(text: str) -> str:
    """Hash of a text, used for exact-duplicate detection and the embedding cache."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Feedback:
    """One piece of customer voice: a call's customer turns, an email, a form entry or a post."""

    feedback_id: str  # stable_id(channel, source_key)
    channel: str  # a code of koe.vocabulary.CHANNELS
    source_key: str  # natural key inside the channel: call_id, Message-ID, submission id, post_id
    source_file: str  # path relative to the inbox root, e.g. "email/2026-08.mbox"
    source_line: int | None  # 1-based line (jsonl/csv), message index (mbox) or None
    created_at: datetime  # timezone-aware
    text: str  # the customer's words only (quotes and signatures stripped)
    product: str | None = None
    customer_id: str | None = None
    author: str | None = None  # display name / handle; personal data, masked before storage
    subject: str | None = None
    first_response_at: datetime | None = None  # first reply by support (email/form), if known
    attributes: dict[str, str] = field(default_factory=dict)  # lot, app_version, region, url...
    pii_types: tuple[str, ...] = ()  # filled by masking: which PII types were removed
    # Identifiers that link the voice to its customer, as `contact` writes them (a caller's
    # number, a sender's or form's address, a form's phone, an SNS handle). Personal data:
    # masking replaces them, with customer_id, by keyed pseudonyms (``customer-…``).
    contacts: tuple[str, ...] = ()


def contact(kind: str, value: str | None) -> tuple[str, ...]:
    """One identifier for ``Feedback.contacts`` as ``kind:value`` (kind: phone, email, handle);
    nothing when the value is blank."""
    return (f"{kind}:{value}",) if value else ()


@dataclass(frozen=True)
class Turn:
    speaker: str  # "agent" | "customer"
    t: float  # seconds from call start
    text: str


@dataclass(frozen=True)
class HoldSegment:
    start_s: float
    duration_s: float
    intermediate_report: bool  # did the agent come back to report progress during the hold?


@dataclass(frozen=True)
class Call:
    """A call-log row with its transcript; feeds KPIs and agent QA."""

    call_id: str
    source_file: str
    source_line: int
    started_at: datetime  # timezone-aware
    product: str | None
    answered_after_s: float | None  # None when abandoned
    abandoned: bool
    resolved_first_contact: bool | None
    hold_segments: tuple[HoldSegment, ...] = ()
    turns: tuple[Turn, ...] = ()
    customer_id: str | None = None
    agent_id: str | None = None
    team: str | None = None
    phone: str | None = None  # the caller's number (caller ID); a pseudonym once masked


@dataclass(frozen=True)
class Quarantined:
    """A record that could not be read, kept with the reason so nothing vanishes silently."""

    channel: str
    source_file: str
    source_line: int | None
    reason: str
    excerpt: str  # up to 500 characters of the raw record; personal data, masked before storage

    @property
    def quarantine_id(self) -> str:
        return stable_id(self.source_file, self.source_line, self.reason)


@dataclass(frozen=True)
class ThreadLink:
    """One mail message's place in its thread, stored so that a later file threads without
    reading this one again.

    A Message-ID may hold its sender's address, so only its one-way key is kept:
    ``stable_id("email", Message-ID)``, the ``feedback_id`` the message has (or would have) as a
    customer voice; ``parent_key`` is the same key of the message it answers.
    """

    source_file: str
    source_line: int | None  # message index in an mbox, None for an .eml
    message_key: str
    parent_key: str | None  # In-Reply-To, else the last References entry
    from_support: bool  # sent from a configured support address (KOE_SUPPORT_ADDRESSES)
    sent_at: datetime | None


@dataclass
class ReadResult:
    """What reading one inbox file yields, and how many records it held.

    Every record read ends up loaded, quarantined or merged: ``read == loaded + quarantined +
    merged``. A call and its customer's words are one record; a support reply is merged into
    the first-response time of the message it answers; a file that cannot be read at all is one
    record, quarantined.
    """

    feedback: list[Feedback] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    quarantine: list[Quarantined] = field(default_factory=list)
    read: int = 0  # records the reader found in the file
    merged: int = 0  # records folded into another on purpose (support replies)
    links: list[ThreadLink] = field(default_factory=list)  # mail only: every message's thread link

    @property
    def loaded(self) -> int:
        """Records to load: each call (with its voice), and each other piece of feedback."""
        return len(self.calls) + sum(1 for f in self.feedback if f.channel != "call")

    @property
    def balanced(self) -> bool:
        return self.read == self.loaded + len(self.quarantine) + self.merged
