"""Web-form exports and SNS posts for the sample inbox (a mixin of ``sample.Generator``).

Forms are written as CSV (one day CP932, one with a BOM) or, some days, as JSON; posts as JSON
Lines. Duplicate submissions and reposts are planted here.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

from sample.catalog import (
    ROOT_CAUSE_ATTRIBUTE,
    ROOT_CAUSE_ISSUE,
    ROOT_CAUSE_VALUE,
    SPIKE_APP_VERSION,
    SPIKE_ISSUE,
)
from sample.journeys import Contact
from sample.voices import Plan, form_voice, sns_voice

FORM_HEADERS = (
    "受付ID", "受付日時", "顧客ID", "お名前", "メールアドレス", "電話番号", "製品", "ロット番号",
    "アプリバージョン", "ファームウェア", "都道府県", "件名", "お問い合わせ内容", "初回返信日時",
)  # fmt: skip
FORM_JSON_KEYS = (
    "submission_id", "submitted_at", "customer_id", "name", "email", "phone", "product", "lot",
    "app_version", "firmware", "region", "subject", "body", "responded_at",
)  # fmt: skip
REGIONS = (
    "東京都",
    "大阪府",
    "神奈川県",
    "愛知県",
    "福岡県",
    "北海道",
    "埼玉県",
    "京都府",
    "宮城県",
)
HANDLE_WORDS = ("neko", "sora", "mochi", "hana", "taku", "yuki", "kuma", "riku", "momo", "ao")


class FormsAndPosts:
    # ---- forms ---------------------------------------------------------------------------

    def form_attribute(self, plan: Plan) -> tuple[str, str]:
        product, rng = plan.product, self.rng
        if plan.issue is not None and plan.issue.key == ROOT_CAUSE_ISSUE and rng.random() < 0.85:
            return ROOT_CAUSE_ATTRIBUTE, ROOT_CAUSE_VALUE
        if product.attribute == "app_version" and plan.at.date() >= self.day_date(self.spike_day):
            share = 0.9 if plan.issue is not None and plan.issue.key == SPIKE_ISSUE else 0.6
            if rng.random() < share:
                return "app_version", SPIKE_APP_VERSION
        return product.attribute, rng.choice(product.attribute_values)

    def form_rows(
        self, index: int, plans: list[Plan], first_seq: int = 1
    ) -> list[tuple[dict, Plan | None, dict]]:
        """(row by role, plan, voice-ish info) with duplicates placed right after originals."""
        rng, stamp = self.rng, self.day_date(index).strftime("%Y%m%d")
        rows = []
        for seq, plan in enumerate(plans, start=first_seq):
            if plan.customer_id is None and rng.random() < 0.7:
                plan.customer_id = self.new_customer()
            voice = form_voice(plan, self.pii, rng)
            known = plan.contact  # a customer writing again (sample.journeys) keeps their data
            person = known.person if known and known.person else self.pii.person()
            attribute, value = self.form_attribute(plan)
            responded = (
                plan.at + timedelta(hours=rng.uniform(1, 40)) if rng.random() < 0.8 else None
            )
            row = {
                "submission_id": f"F-{stamp}-{seq:04d}",
                "submitted_at": plan.at,
                "customer_id": plan.customer_id or "",
                "name": self.pii.note("name", person.full),
                "email": self.pii.email(person) if not known and rng.random() < 0.9 else "",
                "phone": self.pii.phone() if not known and rng.random() < 0.5 else "",
                "product": plan.product.name,
                "lot": "",
                "app_version": "",
                "firmware": "",
                "region": rng.choice(REGIONS),
                "subject": voice.subject or "",
                "body": voice.text,
                "responded_at": responded,
                "person": person,  # not a column: who wrote it, for sample.journeys
            }
            row[attribute] = value
            self.contact_form_fields(plan, row)
            rows.append((row, plan, voice))
            if rng.random() < 0.02 or (index == 0 and seq == 1):
                twin = dict(row)
                twin["submission_id"] = f"F-{stamp}-{seq:04d}-2"
                twin["submitted_at"] = plan.at + timedelta(minutes=rng.randrange(2, 9))
                twin["responded_at"] = None
                rows.append((twin, plan, voice))
                self.truth.duplicates.append(
                    {
                        "channel": "form",
                        "source_key": twin["submission_id"],
                        "duplicate_of": row["submission_id"],
                    }
                )
        return rows

    def write_forms(self, index: int, plans: list[Plan]) -> None:
        day = self.day_date(index).isoformat()
        rows = self.form_rows(index, plans)
        follow = self.follow_ups_of(index, "form")
        if follow:
            with self.journey_randomness():
                rows += self.form_rows(index, follow, first_seq=501)
        as_json = index % 7 == 5
        rel = self.rel("form", f"{day}.{'json' if as_json else 'csv'}")
        for row, plan, voice in rows:
            attrs = {k: row[k] for k in ("lot", "app_version", "firmware", "region") if row[k]}
            saved_at, plan.at = plan.at, row["submitted_at"]
            self.item(plan, voice, rel, row["submission_id"], attributes=attrs)
            plan.at = saved_at
            if not row["submission_id"].endswith("-2"):  # a duplicate is not another contact
                self.remember_form(plan, index, row)
        if as_json:
            submissions = []
            for row, _, _ in rows:
                entry = {key: row[key] for key in FORM_JSON_KEYS}
                entry["submitted_at"] = row["submitted_at"].isoformat()
                entry["responded_at"] = (
                    row["responded_at"].isoformat() if row["responded_at"] else None
                )
                submissions.append(entry)
            document = {"exported_at": f"{day}T23:59:00+09:00", "submissions": submissions}
            self.write_text(rel, json.dumps(document, ensure_ascii=False, indent=1) + "\n")
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(FORM_HEADERS)
        for row, _, _ in rows:
            writer.writerow(self.csv_cells(row))
        if index == self.malformed_day:
            for problem, change in (
                ("CSV row without body", {"body": ""}),
                ("unparseable timestamp", {"submitted_at": "2026年8月32日 25時"}),
            ):
                bad = dict(rows[0][0]) | {"submission_id": f"F-BAD-{len(self.truth.malformed)}"}
                bad.update(change)
                line = buffer.getvalue().count("\n") + 1
                writer.writerow(self.csv_cells(bad))
                self.truth.malformed.append({"source_file": rel, "line": line, "problem": problem})
        text = buffer.getvalue()
        encoding = "utf-8"
        if index == min(2, self.days - 1):
            encoding = "cp932"
            self.truth.legacy[rel] = "cp932"
        elif index == min(3, self.days - 1):
            encoding = "utf-8-sig"
            self.truth.legacy[rel] = "utf-8-sig"
        self.write_text(rel, text, encoding)

    def remember_form(self, plan: Plan, index: int, row: dict) -> None:
        given = Contact(
            person=row["person"],
            customer_id=row["customer_id"] or None,
            email=row["email"] or None,
            phone=row["phone"] or None,
        )
        self.remember(plan, index, self.grown(plan, given), ("form", row["submission_id"]))

    @staticmethod
    def csv_cells(row: dict) -> list[str]:
        cells = []
        for key in FORM_JSON_KEYS:
            value = row[key]
            if isinstance(value, datetime):
                value = value.strftime("%Y/%m/%d %H:%M")
            cells.append("" if value is None else str(value))
        return cells

    # ---- SNS -----------------------------------------------------------------------------

    def write_sns(self, index: int, plans: list[Plan]) -> None:
        rng = self.rng
        rel = self.rel("sns", f"{self.day_date(index).isoformat()}.jsonl")
        posts: list[dict] = []
        base = 1830000000000000000 + (self.seed % 1000) * 10**12 + index * 10**6
        follow = self.follow_ups_of(index, "sns")
        for seq, plan in enumerate(plans + follow, start=1):
            if seq > len(plans):  # customers who post again (sample.journeys)
                with self.journey_randomness():
                    self.sns_post(plan, index, rel, base, seq + 500, posts)
                continue
            rng = self.rng
            voice = sns_voice(plan, self.pii, rng)
            handle = self.unique_handle(
                f"@{rng.choice(HANDLE_WORDS)}_{rng.choice(HANDLE_WORDS)}{rng.randrange(1, 999)}"
            )
            post_id = str(base + seq * 10)
            post = {
                "post_id": post_id,
                "posted_at": plan.at.isoformat(),
                "author": handle,
                "text": voice.text,
                "url": f"https://sns.example/{handle[1:]}/status/{post_id}",
                "likes": int(rng.paretovariate(1.2)) - 1,
                "reposts": int(rng.paretovariate(1.5)) - 1,
                "product": plan.product.name,
            }
            posts.append(post)
            self.item(plan, voice, rel, post_id)
            self.remember(plan, index, Contact(handle=handle), ("sns", post_id))
            if rng.random() < 0.02 or (index == 0 and seq == 1):
                again = dict(post)
                again["post_id"] = str(base + seq * 10 + 1)
                again["url"] = f"https://sns.example/{handle[1:]}/status/{again['post_id']}"
                at = plan.at + timedelta(minutes=rng.randrange(5, 60))
                again["posted_at"] = at.isoformat()
                posts.append(again)
                saved_at, plan.at = plan.at, at
                self.item(plan, voice, rel, again["post_id"])
                plan.at = saved_at
                self.truth.duplicates.append(
                    {"channel": "sns", "source_key": again["post_id"], "duplicate_of": post_id}
                )
        lines = [json.dumps(p, ensure_ascii=False) for p in posts]
        if index == self.malformed_day:
            missing = dict(posts[0])
            del missing["post_id"]
            lines.insert(1, json.dumps(missing, ensure_ascii=False))
            self.truth.malformed.append(
                {"source_file": rel, "line": 2, "problem": "missing required field post_id"}
            )
        self.write_text(rel, "\n".join(lines) + "\n")

    def unique_handle(self, handle: str) -> str:
        """Handles are accounts: two people never share one (a clash draws again from the
        journeys' stream, so the rest of the inbox stays as it was)."""
        while handle.casefold() in self.handles:
            rng = self.journey_rng
            handle = (
                f"@{rng.choice(HANDLE_WORDS)}_{rng.choice(HANDLE_WORDS)}{rng.randrange(1, 9999)}"
            )
        self.handles.add(handle.casefold())
        return handle

    def sns_post(self, plan: Plan, index: int, rel: str, base: int, seq: int, posts: list) -> None:
        """A follow-up post: by the handle the customer used before, or a new account."""
        rng = self.rng
        voice = sns_voice(plan, self.pii, rng)
        handle = self.contact_handle(plan) or self.unique_handle(
            f"@{rng.choice(HANDLE_WORDS)}_{rng.choice(HANDLE_WORDS)}{rng.randrange(1, 999)}"
        )
        post_id = str(base + seq * 10)
        posts.append(
            {
                "post_id": post_id,
                "posted_at": plan.at.isoformat(),
                "author": handle,
                "text": voice.text,
                "url": f"https://sns.example/{handle.lstrip('@')}/status/{post_id}",
                "likes": int(rng.paretovariate(1.2)) - 1,
                "reposts": int(rng.paretovariate(1.5)) - 1,
                "product": plan.product.name,
            }
        )
        self.item(plan, voice, rel, post_id)
        given = self.grown(plan, Contact(handle=handle))
        self.remember(plan, index, given, ("sns", post_id))
