"""E-mail for the sample inbox: customer mail, support replies and follow-ups in mbox and .eml.

A mixin of ``sample.Generator``: messages are planned per day (replies can land in a later
day's file) and written once all days are planned, so threads cross files as they do for real.
"""

from __future__ import annotations

from datetime import timedelta
from email.charset import BASE64, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.utils import format_datetime

from ingest.timeparse import TOKYO
from sample.catalog import MAKER, MAKER_DOMAIN, SUPPORT_ADDRESSES
from sample.journeys import Contact
from sample.voices import Plan, email_follow_up, email_voice, signature, support_reply_text


class MailChannel:
    # ---- e-mail --------------------------------------------------------------------------

    def plan_emails(self, index: int, plans: list[Plan]) -> None:
        self.plan_customer_mail(index, plans)
        if index == self.malformed_day:
            self.plan_malformed_mail(index)
        follow = self.follow_ups_of(index, "email")
        if follow:  # customers who write again (sample.journeys), in the journeys' own stream
            with self.journey_randomness():
                self.plan_customer_mail(index, follow, first_seq=501)

    def plan_customer_mail(self, index: int, plans: list[Plan], first_seq: int = 1) -> None:
        rng = self.rng
        for seq, plan in enumerate(plans, start=first_seq):
            known = self.contact_email(plan)
            person = known[0] if known else self.pii.person()
            address = known[1] if known else self.pii.email(person)
            display = self.pii.note("name", f"{person.surname} {person.given}")
            voice = email_voice(plan, person, self.pii, rng)
            body = voice.text
            if rng.random() < 0.65:
                sig = signature(
                    person, self.pii.address(), self.pii.phone(), self.pii.postal_code(), rng
                )
                body += "\n\n" + sig
            stamp = plan.at.strftime("%Y%m%d%H%M%S")
            message_id = f"{stamp}.{seq:03d}{rng.randrange(100, 1000)}@{address.split('@')[1]}"
            charset = None
            if rng.random() < 0.12:
                charset = rng.choice(("iso-2022-jp", "shift_jis", "utf-8"))
            if self.legacy_wanted:  # every inbox gets at least one mail of each legacy charset
                charset = self.legacy_wanted[0]
            sender = (display, address)
            headers = {"Subject": voice.subject, "Message-ID": f"<{message_id}>"}
            entry = self.mail(index, plan.at, sender, headers, body, charset)
            if entry["charset"] is not None and entry["charset"] in self.legacy_wanted:
                self.legacy_wanted.remove(entry["charset"])
            entry["item"] = self.item(plan, voice, "", message_id)
            given = self.grown(plan, Contact(person=person, email=address.strip()))
            self.remember(plan, index, given, ("email", message_id))
            if rng.random() < 0.9:
                self.plan_reply(plan, person, sender, message_id, voice.subject, voice.text)

    def plan_malformed_mail(self, index: int) -> None:
        person = self.pii.person()
        at = self.moment(index, "email")
        sender = (f"{person.surname} {person.given}", self.pii.email(person))
        headers = {"Subject": "（件名なし）", "Message-ID": f"<empty.{index}@example.com>"}
        entry = self.mail(index, at, sender, headers, f"\n--\n{person.full}\n", None)
        entry["problem"] = "email without body (only a signature)"
        headers = {
            "Subject": "KX-200について",
            "Message-ID": f"<baddate.{index}@example.com>",
            "Date": "来週の月曜日",
        }
        body = "加湿器の件で問い合わせます。タンクから水が漏れます。"
        entry = self.mail(index, at + timedelta(minutes=7), sender, headers, body, None)
        entry["problem"] = "unparseable Date header"

    def plan_reply(self, plan, person, sender, root_id: str, subject: str, quoted: str) -> None:
        rng = self.rng
        hours = rng.uniform(1, 20) if rng.random() < 0.75 else rng.uniform(24, 60)
        at = plan.at + timedelta(hours=hours)
        if not 9 <= at.hour < 19:  # support answers during office hours
            morning = at if at.hour < 9 else at + timedelta(days=1)
            at = morning.replace(hour=9, minute=rng.randrange(0, 60), second=rng.randrange(60))
        agent = rng.choice(("木下", "石田", "平野", "大野"))
        support = (f"{MAKER} カスタマーサポート", rng.choice(SUPPORT_ADDRESSES))
        reply_id = f"reply.{root_id.split('@')[0]}@{MAKER_DOMAIN}"
        when = format_datetime(plan.at)
        text = support_reply_text(
            person.surname, agent, quoted, when, f"{sender[0]} <{sender[1]}>", rng
        )
        headers = {
            "Subject": f"Re: {subject}",
            "Message-ID": f"<{reply_id}>",
            "In-Reply-To": f"<{root_id}>",
            "References": f"<{root_id}>",
        }
        day = (at.date() - self.start).days
        if day >= self.days:
            return
        self.mail(day, at, support, headers, text, None, recipient=sender)
        if plan.issue is None or rng.random() > 0.15:
            return
        later = at + timedelta(hours=rng.uniform(2, 30))
        day = (later.date() - self.start).days
        if day >= self.days:
            return
        follow = Plan("email", later, plan.product, plan.issue, "complaint", person=plan.person)
        if rng.random() < 0.3:
            follow.flags = [rng.choice(("escalation_demand", "refund_request", "churn"))]
        voice = email_follow_up(follow, person, rng)
        self.pii.note("name", person.surname)
        if rng.random() < 0.5:  # Outlook style
            history = (
                f"-----Original Message-----\nFrom: {support[0]} <{support[1]}>\n"
                f"Sent: {format_datetime(at)}\nSubject: Re: {subject}\n\n{text}"
            )
        else:  # Gmail style: an attribution line, then "> " quotes
            weekday = "月火水木金土日"[at.weekday()]
            stamp = f"{at.year}年{at.month}月{at.day}日({weekday}) {at:%H:%M}"
            quoted = "\n".join("> " + line if line else ">" for line in text.splitlines())
            history = f"{stamp} {support[0]} <{support[1]}>:\n\n{quoted}"
        follow_id = f"{later.strftime('%Y%m%d%H%M%S')}.re{rng.randrange(100, 1000)}@{sender[1].split('@')[1]}"
        headers = {
            "Subject": f"Re: Re: {subject}",
            "Message-ID": f"<{follow_id}>",
            "In-Reply-To": f"<{reply_id}>",
            "References": f"<{root_id}> <{reply_id}>",
        }
        entry = self.mail(day, later, sender, headers, voice.text + "\n\n" + history, None)
        entry["item"] = self.item(follow, voice, "", follow_id)

    def mail(self, day, at, sender, headers, body, charset, recipient=None) -> dict:
        recipient = recipient or (f"{MAKER} サポート", SUPPORT_ADDRESSES[0])
        entry = {"at": at, "charset": charset, "item": None, "problem": None}
        entry["bytes"] = self.mail_bytes(at, sender, recipient, headers, body, charset)
        if entry["bytes"] is None:  # text not representable in the legacy charset
            entry["charset"] = None
            entry["bytes"] = self.mail_bytes(at, sender, recipient, headers, body, None)
        if day < self.emails_written:
            raise RuntimeError(f"mail for day {day} planned after its mailbox was written")
        self.email_days[day].append(entry)
        return entry

    def mail_bytes(self, at, sender, recipient, headers, body, charset) -> bytes | None:
        """A MIME message; the compat32 classes keep legacy charsets exact (and are fast)."""
        label = body_charset = Charset(charset or "utf-8")
        if charset is None:
            body_charset.body_encoding = None  # 8bit UTF-8, as most current mailers send
        elif charset == "shift_jis":
            # Python would convert Shift_JIS to ISO-2022-JP on output; Windows mailers send it
            # as is, base64-encoded.
            body_charset.output_charset = body_charset.output_codec = "shift_jis"
            body_charset.body_encoding = body_charset.header_encoding = BASE64
        try:
            message = MIMEText(body, "plain", body_charset)
            message["From"] = f"{Header(sender[0], label).encode()} <{sender[1]}>"
            message["To"] = f"{Header(recipient[0], label).encode()} <{recipient[1]}>"
            for name, value in headers.items():
                message[name] = Header(value, label).encode() if name == "Subject" else value
        except UnicodeEncodeError:
            return None
        if "Date" not in headers:
            message["Date"] = format_datetime(at)
        return message.as_bytes()

    def write_email(self, index: int) -> None:
        day = self.day_date(index).isoformat()
        entries = sorted(self.email_days[index], key=lambda e: e["at"])
        box = bytearray()
        position, singles = 0, 0
        mbox_rel = self.rel("email", f"{day}.mbox")
        for entry in entries:
            if entry["charset"] is not None:
                singles += 1
                rel = self.rel("email", f"{day}-{singles:03d}.eml")
                (self.out / rel).write_bytes(entry["bytes"])
                if entry["charset"] != "utf-8":
                    self.truth.legacy[rel] = entry["charset"]
                line = None
            else:
                position += 1
                rel, line = mbox_rel, position
                stamp = entry["at"].astimezone(TOKYO).strftime("%a %b %d %H:%M:%S %Y")
                box += f"From MAILER-DAEMON {stamp}\n".encode()
                for raw in entry["bytes"].splitlines(keepends=True):
                    box += b">" + raw if raw.startswith(b"From ") else raw
                if not box.endswith(b"\n"):
                    box += b"\n"
                box += b"\n"
            if entry["item"] is not None:
                entry["item"]["source_file"] = rel
            if entry["problem"]:
                self.truth.malformed.append(
                    {"source_file": rel, "line": line, "problem": entry["problem"]}
                )
        if box:
            (self.out / mbox_rel).write_bytes(bytes(box))
