"""E-mail (``email/*.eml``, ``email/*.mbox``) → customer ``Feedback``; support replies → response time.

Support replies are recognised by threading over a *batch* of mail, because the customer's
message and support's answer often sit in different files. Each message's thread link (its
Message-ID and the one it answers, as one-way keys, whether support sent it, its Date) is a
``ThreadLink``; ``Threads`` are built from links, read from files (``index_threads``) or stored
by the warehouse, so a file loaded long ago need not be read again. ``read_email(path, rel,
threads)`` drops each support reply from the feedback, stamps the earliest one's Date on its
thread root as ``first_response_at`` and returns every message's link; ``read_email(path, rel)``
alone links within that one file.

A message is a support reply when, and only when, its sender is listed in
``KOE_SUPPORT_ADDRESSES`` (comma-separated addresses or ``@domain`` entries); its Date, if it is
the earliest such reply in a thread, is the thread root's first response. Every other sender's
mail is a customer voice, also in a thread (a follow-up, a family member in Cc).
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.errors import HeaderParseError
from email.header import decode_header
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import parseaddr, parsedate_to_datetime
from functools import cached_property
from pathlib import Path

from ingest.charsets import decode_labelled
from ingest.checks import plausible
from ingest.fields import EXCERPT_CHARS, BadRecord, excerpt, shape, unreadable_file
from ingest.mailtext import customer_words, html_to_text
from ingest.records import Feedback, Quarantined, ReadResult, ThreadLink, contact, stable_id
from ingest.timeparse import as_aware, parse_timestamp
from koe.settings import settings

CHANNEL = "email"
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
# One or more RFC 2047 encoded words in a row (the whitespace between them is not text).
_ENCODED_WORDS = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=(?:\s+=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)*")
_NAME_AND_ADDRESS = re.compile(r"^(?P<name>.*?)\s*<(?P<address>[^<>\s]+@[^<>\s]+)>\s*$")

# compat32 hands back header values undecoded, so Japanese charsets can be decoded here with
# CP932's character set; the modern policy decodes "Shift_JIS" strictly and loses ① or ㈱.
_PARSE_POLICY = policy.compat32


@dataclass(frozen=True)
class Envelope:
    """The headers threading needs from one message, with its ids as one-way keys
    (``message_key``): the warehouse stores envelopes as ``ThreadLink`` rows."""

    key: str | None  # message_key(Message-ID)
    parent_key: str | None  # message_key of In-Reply-To, else of the last References entry
    from_support: bool
    sent_at: datetime | None


def message_key(message_id: str) -> str:
    """The key a Message-ID is threaded by: the ``feedback_id`` of that message as feedback."""
    return stable_id(CHANNEL, message_id)


@dataclass(frozen=True)
class Threads:
    """Who wrote which message in a batch of mail, to tell support replies from customers.

    ``envelopes`` maps each message key to its envelope (the first one seen, when a message
    sits in two files); ``support_addresses`` decide who is support in messages read later.
    """

    envelopes: dict[str, Envelope] = field(default_factory=dict)
    support_addresses: tuple[str, ...] = ()

    @classmethod
    def from_links(cls, links: Iterable[ThreadLink], support_addresses: Iterable[str] = ()):
        """Threads of stored or freshly read links, in the given order (the first wins)."""
        envelopes: dict[str, Envelope] = {}
        for link in links:
            envelopes.setdefault(
                link.message_key,
                Envelope(link.message_key, link.parent_key, link.from_support, link.sent_at),
            )
        return cls(envelopes, _addresses(support_addresses))

    def root_of(self, envelope: Envelope) -> Envelope | None:
        """The message that started ``envelope``'s thread, or None when it is not in the batch."""
        current, seen = envelope, set()
        while current.parent_key is not None:
            if current.parent_key in seen:
                return None
            seen.add(current.parent_key)
            parent = self.envelopes.get(current.parent_key)
            if parent is None:
                return None
            current = parent
        return current

    def is_support(self, envelope: Envelope) -> bool:
        """Sent by the support office: only a configured address counts. Anyone else writing
        into a thread (the customer again, a family member in Cc) is a customer voice."""
        return envelope.from_support

    def first_responses(self) -> dict[str, datetime]:
        """Thread-root message key (its ``feedback_id``) → Date of the earliest support reply."""
        return dict(self._earliest_replies)

    @cached_property
    def _earliest_replies(self) -> dict[str, datetime]:
        earliest: dict[str, datetime] = {}
        for envelope in self.envelopes.values():
            if envelope.sent_at is None or not self.is_support(envelope):
                continue
            root = self.root_of(envelope)
            if root is None or root.key is None or root is envelope:
                continue
            known = earliest.get(root.key)
            if known is None or envelope.sent_at < known:
                earliest[root.key] = envelope.sent_at
        return earliest


def read_links(path: Path, rel: str, support_addresses: Iterable[str] = ()) -> list[ThreadLink]:
    """The thread link of every message with a Message-ID in one ``.eml``/``.mbox`` file, from
    its headers alone. An unreadable file has none; ``read_email`` quarantines it."""
    support = _addresses(support_addresses)
    try:
        messages = list(_raw_messages(path))
    except (OSError, mailbox.Error):
        return []
    links = []
    for index, data in messages:
        envelope = _envelope(BytesHeaderParser(policy=_PARSE_POLICY).parsebytes(data), support)
        if envelope.key is not None:
            links.append(_link(envelope, rel, index))
    return links


def index_threads(paths: Iterable[Path], support_addresses: Iterable[str] = ()) -> Threads:
    """Read the headers of every message in ``paths`` (``.eml``/``.mbox``) into a ``Threads``.

    Unreadable files and messages are skipped here; ``read_email`` quarantines them.
    ``support_addresses`` (addresses or ``@domain`` entries) name the support office, whose
    replies are first responses.
    """
    support = _addresses(support_addresses)
    links = (link for path in paths for link in read_links(path, str(path), support))
    return Threads.from_links(links, support)


def read_email(path: Path, rel: str, threads: Threads | None = None) -> ReadResult:
    """Read one ``.eml`` or ``.mbox`` file into customer feedback.

    ``threads`` should index every mail file of the batch; without it only this file is used.
    """
    result = ReadResult()
    try:
        messages = list(_raw_messages(path))
        size = path.stat().st_size
    except OSError as error:
        result.read += 1
        result.quarantine.append(unreadable_file(CHANNEL, rel, error))
        return result
    except mailbox.Error as error:
        result.read += 1
        result.quarantine.append(
            Quarantined(CHANNEL, rel, None, f"cannot read mbox ({type(error).__name__})", "")
        )
        return result
    if not messages and size > 0:
        result.read += 1
        reason = "no messages found (an mbox must start with a 'From ' line)"
        result.quarantine.append(
            Quarantined(CHANNEL, rel, None, reason, _excerpt(path.read_bytes()))
        )
        return result
    if threads is None:
        threads = index_threads([path], settings().support_addresses)
    responses = threads.first_responses()
    result.read += len(messages)
    for index, data in messages:
        message = BytesParser(policy=_PARSE_POLICY).parsebytes(data)
        envelope = _envelope(message, threads.support_addresses)
        if envelope.key is not None:
            result.links.append(_link(envelope, rel, index))
        if threads.is_support(envelope):
            result.merged += 1  # answered by us: it only counts towards the root's response time
            continue
        try:
            result.feedback.append(_feedback(message, rel, index, responses))
        except BadRecord as bad:
            result.quarantine.append(Quarantined(CHANNEL, rel, index, str(bad), _excerpt(data)))
    return result


def _excerpt(data: bytes) -> str:
    """The start of a raw message with its RFC 2047 words decoded, so that masking can see a
    sender's name in ``From: =?ISO-2022-JP?B?...?=`` as the text it is."""
    return _ENCODED_WORDS.sub(_decoded_words, excerpt(data[: EXCERPT_CHARS * 4]))


def _decoded_words(m: re.Match[str]) -> str:
    try:
        return "".join(
            chunk if isinstance(chunk, str) else decode_labelled(chunk, charset)
            for chunk, charset in decode_header(m.group())
        )
    except (HeaderParseError, UnicodeDecodeError, ValueError, LookupError):
        return m.group()


def _raw_messages(path: Path) -> Iterator[tuple[int | None, bytes]]:
    """``(source_line, bytes)`` per message: the 1-based mbox position, or None for an .eml."""
    if path.suffix.lower() != ".mbox":
        yield None, path.read_bytes()
        return
    if not path.is_file():
        raise FileNotFoundError(2, "No such file", str(path))
    box = mailbox.mbox(path, create=False)
    try:
        for position, key in enumerate(box.keys(), start=1):
            yield position, box.get_bytes(key)
    finally:
        box.close()


def _link(envelope: Envelope, rel: str, index: int | None) -> ThreadLink:
    return ThreadLink(
        rel, index, envelope.key, envelope.parent_key, envelope.from_support, envelope.sent_at
    )


def _feedback(
    message: Message,
    rel: str,
    index: int | None,
    responses: dict[str, datetime],
) -> Feedback:
    sent_at = _date(message)
    author = _author(message)
    subject = _header(message, "Subject")
    body = _body(message)
    text = customer_words(body)
    if not text:
        raise BadRecord("empty text after removing quoted reply and signature")
    attributes = {}
    ids = _message_ids(message.get("Message-ID"))
    source_key = ids[0] if ids else None
    if source_key is None:
        # Without a Message-ID the same mail must still get the same key on every read.
        source_key = "no-message-id-" + stable_id(author, sent_at.isoformat(), subject, body)
        attributes["message_id_missing"] = "true"
    return Feedback(
        feedback_id=stable_id(CHANNEL, source_key),
        channel=CHANNEL,
        source_key=source_key,
        source_file=rel,
        source_line=index,
        created_at=sent_at,
        text=text,
        author=author,
        subject=subject,
        first_response_at=responses.get(message_key(source_key)),
        attributes=attributes,
        contacts=contact("email", _sender(message)[1]),
    )


def _envelope(message: Message, support_addresses: tuple[str, ...]) -> Envelope:
    try:
        sender = _sender(message)[1]
    except BadRecord:
        sender = ""
    try:
        sent_at = _date(message)
    except BadRecord:
        sent_at = None
    if sent_at is not None and not plausible(sent_at):
        sent_at = None  # a broken clock's reply times nothing (and year 1 cannot be stored)
    parent = (
        _message_ids(message.get("In-Reply-To"))[:1] or _message_ids(message.get("References"))[-1:]
    )
    ids = _message_ids(message.get("Message-ID"))
    return Envelope(
        key=message_key(ids[0]) if ids else None,
        parent_key=message_key(parent[0]) if parent else None,
        from_support=_listed(sender.lower(), support_addresses),
        sent_at=sent_at,
    )


def _message_ids(value: object) -> list[str]:
    if value is None:
        return []
    text = str(value)
    found = _MESSAGE_ID.findall(text)
    # Some mailers drop the angle brackets; a lone token is still an id.
    return found or ([text.strip()] if text.strip() and " " not in text.strip() else [])


def _header(message: Message, name: str) -> str | None:
    """A header decoded from RFC 2047 words or raw 8-bit bytes, in any Japanese charset."""
    value = message.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        value = re.sub(r"\r?\n[ \t]+", " ", value)
    try:
        chunks = decode_header(value)
        text = "".join(
            chunk if isinstance(chunk, str) else decode_labelled(chunk, charset)
            for chunk, charset in chunks
        )
    except (HeaderParseError, UnicodeDecodeError, ValueError):
        raise BadRecord(f"undecodable {name} header") from None
    return text.strip() or None


def _sender(message: Message) -> tuple[str, str]:
    """``(display name, address)`` of the From header."""
    decoded = _header(message, "From") or ""
    match = _NAME_AND_ADDRESS.match(decoded)
    if match:
        return match["name"].strip().strip('"').strip(), match["address"]
    return parseaddr(decoded)


def _author(message: Message) -> str | None:
    name, address = _sender(message)
    if name and address:
        return f"{name} <{address}>"
    return name or address or None


def _date(message: Message) -> datetime:
    value = _header(message, "Date")
    if value is None:
        raise BadRecord("missing Date header")
    try:
        return as_aware(parsedate_to_datetime(value))
    except (TypeError, ValueError):
        pass
    try:
        return parse_timestamp(value)
    except ValueError:
        raise BadRecord(f"unparseable Date header ({shape(value)})") from None


def _body(message: Message) -> str:
    """The message text: the first text/plain part, else the first text/html part as text."""
    plain = html = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        content_type = part.get_content_type()
        if content_type == "text/plain" and plain is None:
            plain = part
        elif content_type == "text/html" and html is None:
            html = part
    if plain is not None:
        return _part_text(plain)
    if html is not None:
        return html_to_text(_part_text(html))
    return ""


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset()
    try:
        text = decode_labelled(payload, charset)
    except UnicodeDecodeError:
        raise BadRecord(
            f"body is not decodable as {charset or 'UTF-8/CP932/ISO-2022-JP'}"
        ) from None
    return text.replace("\r\n", "\n")


def _addresses(entries: Iterable[str]) -> tuple[str, ...]:
    return tuple(a.strip().lower() for a in entries if a.strip())


def _listed(address: str, support_addresses: tuple[str, ...]) -> bool:
    if not address:
        return False
    domain = "@" + address.rsplit("@", 1)[-1]
    return any(entry in (address, domain) for entry in support_addresses)
