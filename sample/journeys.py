"""Repeat customers for the sample inbox (a mixin of ``sample.Generator``): some customers contact
again days later, often through another channel, writing their phone number, address, customer
id or handle differently; the ground truth says which voices are one person.

Everything planted here draws from its own random stream, so the rest of the inbox is what it
was without it. Follow-ups wait in ``self.follow_ups`` (day → plans) until their day is written:
only the customers still to come back are held, so the generator stays streaming.
"""

from __future__ import annotations

import random
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta

from sample.catalog import ISSUES, PRODUCT_BY_KEY
from sample.text import Person, PiiFactory, fullwidth
from sample.voices import Plan

REPEAT_RATE = 0.06  # complaints whose customer comes back
CHAIN_RATE = 0.3  # a follow-up whose customer comes back once more
CALLER_ID_RATE = 0.8  # calls that log the caller's number (the rest are withheld, 非通知)
HOUSEHOLD_RATE = 0.01  # calls from a number an earlier caller used: another person, one phone
WINDOW_DAYS = 7  # the repeat-contact window koe uses by default (KOE_REPEAT_CONTACT_DAYS)
# kind → share: back about the same issue within the window, after it, about another issue, or
# without any identifier the first contact gave (a new address, a withheld number).
KINDS = {"within": 0.6, "beyond": 0.15, "other_issue": 0.15, "unlinkable": 0.1}


@dataclass(frozen=True)
class Contact:
    """The identifiers a person has given so far (as first written), to be written again."""

    person: Person | None = None
    customer_id: str | None = None
    phone: str | None = None
    email: str | None = None
    handle: str | None = None


class Journeys:
    def start_journeys(self, seed: int) -> None:
        self.journey_rng = random.Random(f"journeys-{seed}")
        # Its own stream, but the same store of values used: identifiers stay unique.
        self.journey_pii = PiiFactory(self.journey_rng, self.pii.planted, self.pii._seen)
        self.persons = 0
        self.follow_ups: dict[int, list[Plan]] = {}
        self.household_phones: list[tuple[str, str]] = []
        self.handles: set[str] = set()  # SNS handles in use (sample.exports.unique_handle)

    def new_person(self) -> str:
        self.persons += 1
        return f"P-{self.persons:06d}"

    @contextmanager
    def journey_randomness(self):
        """Write follow-ups with the journeys' own random stream and personal data."""
        saved = self.rng, self.pii
        self.rng, self.pii = self.journey_rng, self.journey_pii
        try:
            yield
        finally:
            self.rng, self.pii = saved

    def follow_ups_of(self, index: int, channel: str) -> list[Plan]:
        return [p for p in self.follow_ups.get(index, []) if p.channel == channel]

    def done_with_day(self, index: int) -> None:
        self.follow_ups.pop(index, None)

    # ---- planting ----------------------------------------------------------------------

    def caller_phone(self, plan: Plan) -> str | None:
        """The number a call was made from: the contact's, an earlier caller's (a household),
        a new one, or withheld."""
        rng = self.journey_rng
        note = self.journey_pii.note
        if plan.contact is not None:
            return (
                note("phone", _phone_variant(plan.contact.phone, rng))
                if plan.contact.phone
                else None
            )
        if self.household_phones and rng.random() < HOUSEHOLD_RATE:
            plan.journey = {"kind": "household", "shared_phone_of": self.household_phones[-1][1]}
            return note("phone", _phone_variant(self.household_phones[-1][0], rng))
        if rng.random() >= CALLER_ID_RATE:
            return None
        return self.journey_pii.phone()

    def remember(self, plan: Plan, index: int, contact: Contact, key: tuple[str, str]) -> None:
        """After an item is written: perhaps its customer comes back later (``key`` is the
        item's (channel, source_key))."""
        rng = self.journey_rng
        if contact.phone and plan.channel == "call" and plan.contact is None:
            self.household_phones = [(contact.phone, plan.person)]
        rate = CHAIN_RATE if plan.contact is not None else REPEAT_RATE
        if plan.issue is None or rng.random() >= rate:
            return
        kind = rng.choices(list(KINDS), list(KINDS.values()))[0]
        if kind == "beyond":
            delay = rng.randrange(WINDOW_DAYS + 2, WINDOW_DAYS + 20)
        else:
            delay = rng.randrange(1, WINDOW_DAYS)
        later = index + delay
        if later >= self.days:
            return
        issue = plan.issue
        if kind == "other_issue":
            issue = rng.choice([i for i in ISSUES if i.key != plan.issue.key])
        given = contact if kind != "unlinkable" else Contact(person=contact.person)
        channels = _channels_for(given) if kind != "unlinkable" else ["call", "form", "email"]
        follow = Plan(
            channel=rng.choice(channels),
            at=self.day_start(later) + timedelta(minutes=rng.randrange(9 * 60, 21 * 60)),
            product=PRODUCT_BY_KEY[issue.product],
            issue=issue,
            kind="complaint",
            with_pii=rng.random() < 0.3,
        )
        follow.customer_id = given.customer_id and _customer_id_variant(given.customer_id, rng)
        follow.customer_id = follow.customer_id or ""  # never a new id of the main stream
        follow.person, follow.contact = plan.person, given
        follow.journey = {"kind": kind, "first": list(key), "days_after": delay}
        self.follow_ups.setdefault(later, []).append(follow)

    def journey_truth(self, plan: Plan, key: tuple[str, str]) -> None:
        if plan.journey is not None and self.keep_truth:
            self.truth.journeys.append({**plan.journey, "person": plan.person, "then": list(key)})

    # ---- identifiers written again -----------------------------------------------------

    def contact_email(self, plan: Plan) -> tuple[Person, str] | None:
        """The person and sender address of a follow-up mail, in another spelling."""
        contact = plan.contact
        if contact is None or contact.person is None:
            return None
        if contact.email:
            address = _email_variant(contact.email, self.journey_rng).strip()
            return contact.person, self.journey_pii.note("email", address)
        return contact.person, self.journey_pii.email(contact.person)

    def contact_form_fields(self, plan: Plan, row: dict) -> None:
        """A follow-up form's contact cells: what the person gave before, written differently,
        sometimes with a new address or number beside it."""
        rng, contact = self.journey_rng, plan.contact
        if contact is None:
            return
        note = self.journey_pii.note
        row["email"] = note("email", _email_variant(contact.email, rng)) if contact.email else ""
        row["phone"] = note("phone", _phone_variant(contact.phone, rng)) if contact.phone else ""
        if not row["email"] and contact.person is not None and rng.random() < 0.5:
            row["email"] = self.journey_pii.email(contact.person)
        if contact.handle is None and not any((plan.customer_id, row["email"], row["phone"])):
            row["phone"] = self.journey_pii.phone()

    def contact_handle(self, plan: Plan) -> str | None:
        contact = plan.contact
        if contact is None or not contact.handle:
            return None
        return _handle_variant(contact.handle, self.journey_rng)

    def grown(self, plan: Plan, contact: Contact) -> Contact:
        """What the person has given by now: the follow-up's identifiers, else the earlier ones."""
        if plan.contact is None:
            return contact
        earlier = plan.contact
        return replace(
            contact,
            person=contact.person or earlier.person,
            customer_id=contact.customer_id or earlier.customer_id,
            phone=contact.phone or earlier.phone,
            email=contact.email or earlier.email,
            handle=contact.handle or earlier.handle,
        )


def _channels_for(contact: Contact) -> list[str]:
    channels = []
    if contact.customer_id or contact.phone:
        channels.append("call")
    if contact.customer_id or contact.phone or contact.email:
        channels.append("form")
    if contact.email:
        channels.append("email")
    if contact.handle:
        channels.append("sns")
    return channels or ["form"]


def _national_digits(phone: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone))
    return "0" + digits[2:] if phone.strip().startswith("+81") else digits


def _phone_variant(phone: str, rng: random.Random) -> str:
    """The same number as people and systems write it: 090-1234-5678, 09012345678,
    +81 90-1234-5678, +819012345678, ０９０－１２３４－５６７８, 090 1234 5678."""
    digits = _national_digits(phone)
    if len(digits) == 11:
        groups = [digits[:3], digits[3:7], digits[7:]]
    else:  # a landline: 03-1234-5678 or 045-123-4567
        cut = 2 if digits[:2] in ("03", "06") else 3
        groups = [digits[:cut], digits[cut:-4], digits[-4:]]
    dashed = "-".join(groups)
    shapes = [
        dashed,
        digits,
        "+81 " + "-".join([groups[0][1:], *groups[1:]]),
        "+81" + digits[1:],
        fullwidth(dashed),
        " ".join(groups),
    ]
    return rng.choice(shapes)


def _email_variant(address: str, rng: random.Random) -> str:
    local, _, domain = address.partition("@")
    shapes = [
        address,
        address.upper(),
        f"{local.capitalize()}@{domain}",
        f"{local}@{domain.upper()}",
        f" {address} ",
    ]
    return rng.choice(shapes)


def _customer_id_variant(customer_id: str, rng: random.Random) -> str:
    """C-00012 as C-00012, c-00012, C00012, Ｃ－０００１２ or C 00012."""
    shapes = [
        customer_id,
        customer_id.lower(),
        customer_id.replace("-", ""),
        fullwidth(customer_id),
        customer_id.replace("-", " "),
    ]
    return rng.choice(shapes)


def _handle_variant(handle: str, rng: random.Random) -> str:
    bare = handle.lstrip("@")
    return rng.choice([handle, "@" + bare.capitalize(), bare, "@" + bare.upper()])
