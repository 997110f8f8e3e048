"""What makes two spellings of a contact identifier the same customer: one normal form per kind
(phone, e-mail address, customer id, SNS handle), which masking then hashes into a pseudonym.

Pure functions, no key and no storage: ``identity("phone", "+81 90-1234-5678")`` and
``identity("phone", "０９０１２３４５６７８")`` are both ``"phone:09012345678"``.
"""

from __future__ import annotations

import re
import unicodedata

# The kinds of identifier a voice can carry (ingest.records.contact writes "kind:value").
KINDS = ("customer_id", "phone", "email", "handle")

_ADDRESS = re.compile(r"[a-z0-9][a-z0-9._%+\-]*@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+")
# Dashes and long vowel marks people type between digit groups (NFKC keeps some of them).
_PHONE_SHAPE = re.compile(r"\+?[\d\s()\-\u2010-\u2015\u2212\u30fc.]{10,}")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc_./:#]+")


def identity(kind: str, value: str | None) -> str | None:
    """``kind:normal form`` of one identifier, or None when nothing usable is left.

    A customer id that really is an e-mail address or phone number (call systems often store
    the caller's number as the id) gets that kind, so it links with the same number on a form.
    """
    if value is None:
        return None
    folded = unicodedata.normalize("NFKC", value).strip()
    if not folded:
        return None
    if kind in ("customer_id", "email"):
        address = normal_email(folded)
        if address is not None:
            return "email:" + address
        if kind == "email":
            return None
    if kind in ("customer_id", "phone"):
        phone = normal_phone(folded)
        if phone is not None:
            return "phone:" + phone
        if kind == "phone":
            return None
    if kind == "customer_id":
        customer = normal_customer_id(folded)
        return None if customer is None else "customer_id:" + customer
    if kind == "handle":
        handle = normal_handle(folded)
        return None if handle is None else "handle:" + handle
    raise ValueError(f"unknown contact kind {kind!r} (expected one of {', '.join(KINDS)})")


def normal_phone(value: str) -> str | None:
    """Digits of a Japanese number in its national form: ``+81 90-1234-5678``,
    ``+81(0)90 1234 5678``, ``0081-90-…`` and ``090.1234.5678`` are all ``09012345678``.

    None when the value is not shaped like a phone number (a customer id of digits is not
    one: it has no leading 0 or +) or is one digit repeated (``000-0000-0000``, a placeholder).
    """
    folded = unicodedata.normalize("NFKC", value).strip()
    if not _PHONE_SHAPE.fullmatch(folded):
        return None
    digits = re.sub(r"\D", "", folded)
    if folded.startswith("+"):
        if not digits.startswith("81"):
            return digits  # a foreign number: its digits as written, country code first
        digits = "0" + digits[2:].removeprefix("0")
    elif digits.startswith("0081"):
        digits = "0" + digits[4:].removeprefix("0")
    if not digits.startswith("0") or not 10 <= len(digits) <= 11 or len(set(digits[1:])) == 1:
        return None
    return digits


def normal_email(value: str) -> str | None:
    """The address, NFKC and lower-case, without a display name, angle brackets or mailto:."""
    folded = unicodedata.normalize("NFKC", value).strip().casefold()
    folded = folded.removeprefix("mailto:")
    found = _ADDRESS.search(folded)
    return found.group() if found else None


def normal_customer_id(value: str) -> str | None:
    """NFKC, upper-case, without spaces or separators: ``c-00012``, ``Ｃ－０００１２`` and
    ``C 00012`` are ``C00012``."""
    folded = unicodedata.normalize("NFKC", value).strip().upper()
    joined = _SEPARATORS.sub("", folded)
    return joined or None


def normal_handle(value: str) -> str | None:
    """NFKC, lower-case, without the leading @ (``@Neko_Sora12`` → ``neko_sora12``)."""
    folded = unicodedata.normalize("NFKC", value).strip().casefold()
    handle = re.sub(r"\s+", "", folded).lstrip("@")
    return handle or None
