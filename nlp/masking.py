"""Mask a whole ``ReadResult`` before it reaches the warehouse: every free-text field goes through
``nlp.pii.mask``, authors, customer ids and contact identifiers become keyed pseudonyms that stay
linkable (``nlp.contacts`` says which spellings are one customer).

Pseudonyms are ``author-`` / ``customer-`` / ``msgid-`` plus 12 hex digits of an HMAC-SHA256
keyed by ``$KOE_PSEUDONYM_KEY``. Without the key a pseudonym cannot be turned back into the name
by hashing guesses; set the key per deployment and keep it out of the warehouse.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace

from ingest.records import Call, Feedback, Quarantined, ReadResult
from koe.settings import SettingsError, settings
from nlp.contacts import identity
from nlp.pii import find_pii, mask

# Only for development and tests: a deployment sets its own key (see the module docstring).
_DEV_KEY = "koe-dev-pseudonym-key"

_ADDRESS = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_PHONE_LIKE = re.compile(r"\+?[\d\s()\-\u2010-\u2015\u2212\u30fc]{10,}")
_PSEUDONYM = re.compile(r"(?:author|customer|agent|msgid|key)-[0-9a-f]{12}")
_ANGLE_ADDRESS = re.compile(r"\s*<[^<>]*>\s*")

# Raw record fields that hold a person's name, as they appear in quarantine excerpts (JSON keys and
# mail headers; CSV rows are positional, so there the text rules and the tokenizer must do).
_JSON_ESCAPE = re.compile(
    r"(?:\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4})+"
)
_PERSONAL_KEYS = "author|name|customer_name|display_name|お名前|氏名|名前"
_JSON_PERSONAL = re.compile(rf'"(?:{_PERSONAL_KEYS})"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"', re.I)
_HEADER_PERSONAL = re.compile(
    r"^(?:From|To|Cc|Bcc|Reply-To|Sender|Return-Path|Delivered-To|X-Original-To)[ \t]*:[ \t]*"
    r"(?P<value>.*(?:\r?\n[ \t].*)*)",
    re.I | re.M,
)


def pseudonym_key() -> bytes:
    """The key of the pseudonym HMAC: ``$KOE_PSEUDONYM_KEY``.

    Raises ``SettingsError`` when it is unset, unless ``KOE_ALLOW_DEV_PSEUDONYM_KEY=1`` allows
    the public development key: with a key anyone knows, a pseudonym is reversed by hashing a
    guessed name or address.
    """
    config = settings()
    if config.pseudonym_key:
        return config.pseudonym_key.encode("utf-8")
    if config.dev_pseudonym_key_allowed:
        return _DEV_KEY.encode("utf-8")
    raise SettingsError(
        "KOE_PSEUDONYM_KEY is not set. Set it to a secret of your deployment (for example"
        " `python -c 'import secrets; print(secrets.token_hex(32))'`), or set"
        " KOE_ALLOW_DEV_PSEUDONYM_KEY=1 to use the public development key on sample data."
    )


def pseudonym(value: str, prefix: str) -> str:
    """A stable, keyed, non-reversible stand-in for a personal value (same input → same output).

    A value that already is a pseudonym is returned as it is, so masking twice changes nothing.
    """
    if _PSEUDONYM.fullmatch(value):
        return value
    digest = hmac.new(pseudonym_key(), _identity(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:12]}"


def customer_key(kind: str, value: str | None) -> str | None:
    """The keyed pseudonym (``customer-…``) of one contact identifier after its normal form
    (`nlp.contacts.identity`): ``090-1234-5678`` on a form and ``+81 90 1234 5678`` as a
    caller's number give the same key. None when the value holds no usable identifier."""
    if value is not None and _PSEUDONYM.fullmatch(value):
        return value
    normal = identity(kind, value)
    if normal is None:
        return None
    digest = hmac.new(pseudonym_key(), normal.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"customer-{digest[:12]}"


def _contact_keys(feedback: Feedback) -> tuple[str, ...]:
    """Every identifier the voice carries as its pseudonym, sorted and once each."""
    keys = {customer_key("customer_id", feedback.customer_id)}
    for entry in feedback.contacts:
        if _PSEUDONYM.fullmatch(entry):  # masked before
            keys.add(entry)
            continue
        kind, _, value = entry.partition(":")
        keys.add(customer_key(kind, value))
    return tuple(sorted(k for k in keys if k is not None))


def _identity(value: str) -> str:
    """What makes two spellings the same person: the e-mail address if there is one, else the
    NFKC, case-folded value without spaces (so ｙａｍａｄａ and Yamada link)."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    address = _ADDRESS.search(folded)
    if address:
        return "email:" + address.group()
    if _PHONE_LIKE.fullmatch(folded):  # 090-8765-4321, 09087654321 and +81 90 8765 4321 link
        digits = re.sub(r"\D", "", folded)
        if folded.startswith("+81"):
            digits = "0" + digits[2:].removeprefix("0")
        return "phone:" + digits
    return "name:" + re.sub(r"\s+", "", folded).lstrip("@")


def _author_names(author: str | None) -> list[str]:
    """Names to look for in the text: the display name and the address's local part."""
    if not author:
        return []
    names = []
    display = _ANGLE_ADDRESS.sub(" ", author).strip().strip('"').strip()
    address = _ADDRESS.search(author)
    if display and not _ADDRESS.fullmatch(display):
        names.append(display)
        # "Taro Yamada" or "山田 花子" in the name field: the text may use either part alone.
        parts = display.split()
        if len(parts) > 1:
            names.extend(part for part in parts if len(part) >= 2)
    if address:
        local = address.group().split("@", 1)[0]
        names.append(local)
    return names


def _is_contact(value: str) -> bool:
    """True for an id that is really an e-mail address or phone number."""
    return any(s.type in ("email", "phone") for s in find_pii(value))


def _opaque_id(value: str | None, prefix: str) -> str | None:
    if value is None or not _is_contact(value):
        return value
    return pseudonym(value, prefix)


class _Collector:
    """Masks texts with the record's known names and remembers which PII types were removed."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = tuple(names)
        self.types: set[str] = set()

    def __call__(self, text: str | None) -> str | None:
        if text is None:
            return None
        masked = mask(text, self.names)
        self.types.update(s.type for s in masked.spans)
        return masked.text


def _mask_feedback(feedback: Feedback) -> Feedback:
    names = _author_names(feedback.author)
    masked = _Collector(names)
    text = masked(feedback.text)
    subject = masked(feedback.subject)
    # The product field is typed by the customer on forms; it becomes a team, a report title
    # and a file name, so it is masked like any text.
    product = masked(feedback.product)
    attributes = {k: masked(v) if isinstance(v, str) else v for k, v in feedback.attributes.items()}
    return replace(
        feedback,
        source_key=_source_key(feedback, names),
        text=text,
        subject=subject,
        product=product,
        author=pseudonym(feedback.author, "author") if feedback.author else None,
        customer_id=customer_key("customer_id", feedback.customer_id),
        contacts=_contact_keys(feedback),
        attributes=attributes,
        # What the text fields held; author and contact ids are always replaced, so not listed.
        pii_types=tuple(sorted(masked.types | set(feedback.pii_types))),
    )


def _source_key(feedback: Feedback, names: list[str]) -> str:
    """The source key as stored: pseudonymized only when it carries personal data.

    Message-IDs look like addresses (``<id@host>``) but usually name a mail server, not a person.
    One is replaced when it contains the sender's address or name, or a phone number; feedback_id
    keeps being derived from the original key by the reader, so ids do not change either way.
    """
    key = feedback.source_key
    folded = unicodedata.normalize("NFKC", key).casefold()
    personal = any(len(n) >= 3 and n.casefold() in folded for n in names) or any(
        s.type == "phone" for s in find_pii(key)
    )
    return pseudonym(key, "msgid" if feedback.channel == "email" else "key") if personal else key


def _mask_call(call: Call) -> Call:
    masked = _Collector()
    turns = tuple(replace(t, text=masked(t.text)) for t in call.turns)
    return replace(
        call,
        turns=turns,
        product=masked(call.product),
        team=masked(call.team),
        customer_id=customer_key("customer_id", call.customer_id),
        agent_id=_opaque_id(call.agent_id, "agent"),
        phone=customer_key("phone", call.phone),
    )


def _mask_excerpt(excerpt: str) -> str:
    """A raw record start: mask keyed personal fields (JSON values, mail headers) whole, then the
    free text like any other. JSON written with ASCII escapes is unescaped first, or a name in
    \\uXXXX form would slip past every rule."""
    excerpt = _JSON_ESCAPE.sub(_unescape, excerpt)
    names: list[str] = []
    for pattern in (_JSON_PERSONAL, _HEADER_PERSONAL):
        for m in pattern.finditer(excerpt):
            value = m["value"].strip()
            if value:
                names.append(value)
                names.extend(_author_names(value))
    return mask(excerpt, names).text


def _unescape(m: re.Match[str]) -> str:
    try:
        text = json.loads(f'"{m.group()}"')
        text.encode("utf-8")
    except (ValueError, UnicodeEncodeError):  # a lone surrogate, e.g. a pair cut by the excerpt
        return m.group()
    return text


def _mask_quarantined(q: Quarantined) -> Quarantined:
    # Readers never quote a value in a reason; masking it too keeps that true for any reader.
    return replace(
        q,
        reason=mask(q.reason).text,
        excerpt=_mask_excerpt(q.excerpt) if q.excerpt else q.excerpt,
    )


def mask_read_result(result: ReadResult) -> ReadResult:
    """A copy of ``result`` with no personal data left in any field the warehouse stores."""
    return replace(
        result,
        feedback=[_mask_feedback(f) for f in result.feedback],
        calls=[_mask_call(c) for c in result.calls],
        quarantine=[_mask_quarantined(q) for q in result.quarantine],
    )
