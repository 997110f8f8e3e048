"""Write a deterministic sample inbox for a fictional maker, with the ground truth planted in it:
calls, mail, form exports and SNS posts in the formats ``ingest/`` reads, plus
``<out>/ground_truth.json``."""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from ingest.inbox import CHANNEL_FOLDERS
from ingest.timeparse import TOKYO
from koe import vocabulary
from sample.calls import FORBIDDEN, call_script
from sample.catalog import (
    IMPACT_DRIVER_ISSUE,
    IMPACT_NOISY_ISSUE,
    IMPACT_PLANTS,
    ISSUE_WEIGHT,
    ISSUES,
    MAKER,
    PRODUCT_BY_KEY,
    PRODUCTS,
    ROOT_CAUSE_ATTRIBUTE,
    ROOT_CAUSE_ISSUE,
    ROOT_CAUSE_VALUE,
    SAFETY_ISSUES,
    SPIKE_APP_VERSION,
    SPIKE_FACTOR,
    SPIKE_ISSUE,
    SUPPORT_ADDRESSES,
)
from sample.exports import FormsAndPosts
from sample.faq import FAQ_TOPICS, pick_topic
from sample.journeys import WINDOW_DAYS, Contact, Journeys
from sample.mail import MailChannel
from sample.text import PiiFactory
from sample.voices import (
    Plan,
)

FLAGS = tuple(vocabulary.FLAGS)  # codes, in the vocabulary's order
CHANNEL_SHARE = {"call": 0.30, "email": 0.20, "form": 0.25, "sns": 0.25}
FOLDERS = {channel: folder for folder, channel in CHANNEL_FOLDERS.items()}
DEFAULT_START = date(2026, 8, 1)
# A reply comes within 60 hours (then the next office morning), a follow-up 2–30 hours later.
EMAIL_LAG_DAYS = 6
PRAISE_SHARE, QUESTION_SHARE = 0.07, 0.06
ISSUE_WEIGHTS = [ISSUE_WEIGHT.get(issue.key, 1.0) for issue in ISSUES]
FCR, CROSS_CHANNEL = 0.88, 0.04  # an ordinary call's chance of both (IMPACT_PLANTS: the others)
FLAG_RATE, DECOY_RATE = 0.035, 0.05
PII_RATE = {"call": 0.5, "email": 0.45, "form": 0.15, "sns": 0.02}
TEAM_AGENTS = {"家電チーム": 6, "ウェアラブルチーム": 4, "アプリチーム": 4}
TEAM_PREFIX = {"家電チーム": "A-1", "ウェアラブルチーム": "A-2", "アプリチーム": "A-3"}
FORBIDDEN_ORDER = tuple(FORBIDDEN)
CHANNEL_HOURS = {"call": (9, 18), "email": (7, 24), "form": (6, 24), "sns": (7, 26)}


@dataclass
class Truth:
    """Everything planted, gathered while writing and dumped as ground_truth.json."""

    items: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    malformed: list[dict] = field(default_factory=list)
    legacy: dict[str, str] = field(default_factory=dict)
    journeys: list[dict] = field(default_factory=list)
    calls: dict = field(
        default_factory=lambda: {
            "abandoned": [],
            "forbidden_phrase": {},
            "forbidden_phrase_decoy": [],
            "internal_contact": [],
            "escalation_request": [],
            "long_hold_without_report": [],
            "long_hold_with_report": [],
        }
    )


class Generator(FormsAndPosts, MailChannel, Journeys):
    def __init__(
        self,
        out: Path,
        days: int,
        per_day: int,
        seed: int,
        start: date,
        append: bool = False,
        keep_truth: bool = True,
    ) -> None:
        self.out, self.days, self.per_day, self.seed, self.start = out, days, per_day, seed, start
        self.append = append
        # Without the ground truth nothing grows with the number of documents but the set of
        # personal data already used (kept unique): the benchmark's large inboxes.
        self.keep_truth = keep_truth
        self.written = 0
        self.emails_written = 0  # days whose mail files are written
        # An appended stretch keeps its own ground truth beside the first one's.
        self.truth_name = (
            f"ground_truth_{start.isoformat()}.json" if append else "ground_truth.json"
        )
        self.rng = random.Random(seed)
        # The planted recurring questions draw from their own stream (sample.faq).
        self.faq_rng = random.Random(seed * 7919 + 17)
        self.pii = PiiFactory(self.rng)
        self.truth = Truth()
        self.spike_day = round(days * 2 / 3)
        self.malformed_day = min(1, days - 1)
        self.customers = 0
        self.email_days: dict[int, list[dict]] = {d: [] for d in range(days)}
        self.cross_forms: dict[int, list[Plan]] = {}
        self.cross_planted = 0
        self.legacy_wanted = ["iso-2022-jp", "shift_jis"]
        # Even a tiny inbox holds every risk flag and every decoy at least once.
        self.flags_owed, self.decoys_owed = list(FLAGS), list(FLAGS)
        self.call_cases_owed = [*FORBIDDEN_ORDER, "decoy", "internal", "long_report"]
        self.call_cases_owed += ["long_silent", "escalation"]
        self.start_journeys(seed)

    # ---- planning ----------------------------------------------------------------------

    def day_date(self, index: int) -> date:
        return self.start + timedelta(days=index)

    def day_start(self, index: int) -> datetime:
        return datetime.combine(self.day_date(index), datetime.min.time(), TOKYO)

    def moment(self, index: int, channel: str) -> datetime:
        low, high = CHANNEL_HOURS[channel]
        minutes = self.rng.randrange(low * 60, high * 60)
        base = datetime.combine(self.day_date(index), datetime.min.time(), TOKYO)
        return base + timedelta(minutes=minutes, seconds=self.rng.randrange(60))

    def new_customer(self) -> str:
        self.customers += 1
        return f"C-{self.customers:05d}"

    def plan(self, index: int, channel: str, issue_key: str | None = None) -> Plan:
        rng = self.rng
        roll = rng.random()
        if issue_key is not None:
            issue, kind = next(i for i in ISSUES if i.key == issue_key), "complaint"
        elif roll < PRAISE_SHARE:
            issue, kind = None, "praise"
        elif roll < PRAISE_SHARE + QUESTION_SHARE:
            issue, kind = None, "question"
        else:
            issue, kind = rng.choices(ISSUES, ISSUE_WEIGHTS)[0], "complaint"
        product = PRODUCT_BY_KEY[issue.product] if issue else rng.choice(PRODUCTS)
        flags = [f for f in FLAGS if issue is not None and rng.random() < FLAG_RATE]
        if issue is not None and issue.key in IMPACT_PLANTS:
            rate = IMPACT_PLANTS[issue.key][0]
            planted = {f for f in ("churn", "refund_request") if rng.random() < rate}
            flags = [f for f in FLAGS if f in flags or f in planted]
        if issue is not None and self.flags_owed:
            flags = sorted(set(flags) | {self.flags_owed.pop(0)}, key=FLAGS.index)
        decoys = []
        if self.decoys_owed and self.decoys_owed[0] not in flags:
            decoys.append(self.decoys_owed.pop(0))
        elif rng.random() < DECOY_RATE:
            decoy = rng.choice(FLAGS)
            if decoy not in flags:
                decoys.append(decoy)
        plan = Plan(
            channel=channel,
            at=self.moment(index, channel),
            product=product,
            issue=issue,
            kind=kind,
            flags=flags,
            decoys=decoys,
            with_pii=rng.random() < PII_RATE[channel],
        )
        if kind == "question":
            plan.faq = pick_topic(product.key, self.faq_rng)
            if plan.faq is not None:
                plan.faq_wording = plan.faq.compose(channel, self.faq_rng)
        return plan

    def day_plans(self, index: int) -> dict[str, list[Plan]]:
        counts = {ch: round(self.per_day * share) for ch, share in CHANNEL_SHARE.items()}
        counts["sns"] = self.per_day - counts["call"] - counts["email"] - counts["form"]
        plans = {ch: [self.plan(index, ch) for _ in range(n)] for ch, n in counts.items()}
        if index >= self.spike_day:
            base = self.per_day * (1 - PRAISE_SHARE - QUESTION_SHARE) / len(ISSUES)
            for _ in range(round(base * (SPIKE_FACTOR - 1))):
                channel = self.rng.choices(list(CHANNEL_SHARE), list(CHANNEL_SHARE.values()))[0]
                plans[channel].append(self.plan(index, channel, SPIKE_ISSUE))
        plans["form"] += self.cross_forms.pop(index, [])
        for channel_plans in plans.values():
            channel_plans.sort(key=lambda p: p.at)
        return plans

    def item(self, plan: Plan, voice, source_file: str, source_key: str, **extra) -> dict:
        if plan.issue is not None and plan.issue.key in SAFETY_ISSUES:
            voice.flags.add("safety")
        record = {
            "channel": plan.channel,
            "source_file": source_file,
            "source_key": source_key,
            "created_at": plan.at.isoformat(),
            "product": plan.product.key,
            "issue": plan.issue.key if plan.issue else None,
            "kind": plan.kind,
            "flags": sorted(voice.flags),
            "decoy_flags": sorted(voice.decoys),
            "customer_id": plan.customer_id or None,
            "text": voice.text,
            "pii": [list(p) for p in voice.pii],
            "faq": plan.faq.key if plan.faq else None,
        }
        if plan.person is None:
            plan.person = self.new_person()
        record["person"] = plan.person
        record.update(extra)
        self.journey_truth(plan, (plan.channel, source_key))
        self.written += 1
        if self.keep_truth:
            self.truth.items.append(record)
        return record

    # ---- run -----------------------------------------------------------------------------

    def run(self) -> None:
        for folder in FOLDERS.values():
            if not self.append:
                shutil.rmtree(self.out / folder, ignore_errors=True)
            (self.out / folder).mkdir(parents=True, exist_ok=True)
        (self.out / self.truth_name).unlink(missing_ok=True)
        for index in range(self.days):
            plans = self.day_plans(index)
            self.write_calls(index, plans["call"])
            self.write_forms(index, plans["form"])
            self.write_sns(index, plans["sns"])
            self.plan_emails(index, plans["email"])
            # Replies and follow-ups land at most a few days after the mail they answer, so a
            # day's mailbox is complete once the days after it are planned: write it and let go.
            self.write_emails_until(index - EMAIL_LAG_DAYS)
            self.done_with_day(index)
        self.write_emails_until(self.days - 1)
        if self.keep_truth:
            self.write_truth()

    def write_emails_until(self, last: int) -> None:
        while self.emails_written <= last:
            self.write_email(self.emails_written)
            del self.email_days[self.emails_written]
            self.emails_written += 1

    def rel(self, channel: str, name: str) -> str:
        return f"{FOLDERS[channel]}/{name}"

    def write_text(self, rel: str, text: str, encoding: str = "utf-8") -> None:
        (self.out / rel).write_bytes(text.encode(encoding))

    # ---- calls ---------------------------------------------------------------------------

    def write_calls(self, index: int, plans: list[Plan]) -> None:
        rng, stamp = self.rng, self.day_date(index).strftime("%Y%m%d")
        rel = self.rel("call", f"{self.day_date(index).isoformat()}.jsonl")
        lines: list[str] = []
        abandoned = [self.moment(index, "call") for _ in range(max(1, round(len(plans) * 0.06)))]
        records = [(p.at, p) for p in plans] + [(at, None) for at in abandoned]
        records.sort(key=lambda r: (r[0], r[1] is None))
        for seq, (at, plan) in enumerate(records, start=1):
            call_id = f"CL-{stamp}-{seq:04d}"
            if plan is None:
                product = rng.choice(PRODUCTS)
                record = {
                    "call_id": call_id,
                    "started_at": at.isoformat(),
                    "product": product.name,
                    "answered_after_s": None,
                    "abandoned": True,
                    "resolved_first_contact": None,
                    "customer_id": self.new_customer() if rng.random() < 0.5 else None,
                    "agent_id": None,
                    "team": product.team,
                    "hold_segments": [],
                    "turns": [],
                }
                self.truth.calls["abandoned"].append(call_id)
                lines.append(json.dumps(record, ensure_ascii=False))
                continue
            plan.customer_id = self.new_customer() if rng.random() < 0.9 else None
            roll = rng.random()
            hold = None
            if roll < 0.30:
                hold = rng.choices(("short", "long_report", "long_silent"), (6, 2, 2))[0]
            forbidden = [rng.choice(FORBIDDEN_ORDER)] if rng.random() < 0.05 else []
            decoy, internal = rng.random() < 0.05, rng.random() < 0.025
            # The first calls carry one agent-QA case each, so even a tiny inbox has them all.
            owed = None
            if self.call_cases_owed and plan.issue is not None:
                owed = self.call_cases_owed.pop(0)
            if owed in FORBIDDEN_ORDER:
                forbidden = [owed]
            elif owed in ("long_report", "long_silent"):
                hold = owed
            elif owed == "escalation" and "escalation_demand" not in plan.flags:
                plan.flags.append("escalation_demand")
            decoy = decoy or owed == "decoy"
            internal = internal or owed == "internal"
            script = call_script(
                plan,
                self.pii,
                rng,
                forbidden=forbidden,
                forbidden_decoy=decoy,
                internal_contact=internal,
                hold=hold,
            )
            record = self.answered_call(plan, call_id, script)
            lines.append(json.dumps(record, ensure_ascii=False))
            self.item(plan, script.voice, rel, call_id)
            self.remember(
                plan, index, Contact(customer_id=plan.customer_id, phone=record["phone"]),
                ("call", call_id),
            )  # fmt: skip
            calls = self.truth.calls
            if script.forbidden:
                calls["forbidden_phrase"][call_id] = script.forbidden
            if script.forbidden_decoy:
                calls["forbidden_phrase_decoy"].append(call_id)
            if script.internal_contact:
                calls["internal_contact"].append(call_id)
            if script.escalation:
                calls["escalation_request"].append(call_id)
            if hold == "long_silent":
                calls["long_hold_without_report"].append(call_id)
            elif hold == "long_report":
                calls["long_hold_with_report"].append(call_id)
            # The same customer writes in through the web form a few days later.
            cross = rng.random() < self.plant(plan)[2] or not self.cross_planted
            if plan.issue is not None and plan.customer_id and cross:
                later = index + rng.randrange(1, 4)
                if later < self.days:
                    follow = self.plan(later, "form", plan.issue.key)
                    follow.customer_id, follow.person = plan.customer_id, plan.person
                    self.cross_forms.setdefault(later, []).append(follow)
                    self.cross_planted += 1
        if index == self.malformed_day:
            lines.insert(2, '{"call_id": "CL-BROKEN-0001", "started_at": "2026-08-02T10:')
            self.truth.malformed.append(
                {"source_file": rel, "line": 3, "problem": "broken JSON line"}
            )
            bad = {
                "call_id": f"CL-{stamp}-9999",
                "started_at": "2026/13/45 25:61",
                "abandoned": False,
                "answered_after_s": 5,
                "turns": [{"speaker": "customer", "t": 1, "text": "もしもし"}],
            }
            lines.append(json.dumps(bad, ensure_ascii=False))
            self.truth.malformed.append(
                {"source_file": rel, "line": len(lines), "problem": "unparseable timestamp"}
            )
        lines += self.follow_up_calls(index, stamp, rel)
        self.write_text(rel, "\n".join(lines) + "\n")

    def plant(self, plan: Plan) -> tuple[float, float, float]:
        """(extra churn/refund chance, FCR, chance of writing again) for the plan's issue."""
        key = plan.issue.key if plan.issue else None
        return IMPACT_PLANTS.get(key, (0.0, FCR, CROSS_CHANNEL))

    def answered_call(self, plan: Plan, call_id: str, script) -> dict:
        rng = self.rng
        answered = (
            rng.uniform(30, 150) if rng.random() < 0.08 else min(rng.lognormvariate(1.9, 0.6), 29)
        )
        team = plan.product.team
        resolved = rng.random() < self.plant(plan)[1]
        if plan.faq is not None:  # a planted question is solved at its own rate (sample.faq)
            resolved = self.faq_rng.random() < plan.faq.first_contact_resolution
        return {
            "call_id": call_id,
            "started_at": plan.at.isoformat(),
            "product": plan.product.name,
            "answered_after_s": round(answered, 1),
            "abandoned": False,
            "resolved_first_contact": resolved,
            "customer_id": plan.customer_id or None,
            "agent_id": f"{TEAM_PREFIX[team]}{rng.randrange(1, TEAM_AGENTS[team] + 1):02d}",
            "team": team,
            "hold_segments": script.holds,
            "turns": script.turns,
            "phone": self.caller_phone(plan),
        }

    def follow_up_calls(self, index: int, stamp: str, rel: str) -> list[str]:
        """The day's calls of customers who call again (sample.journeys)."""
        lines = []
        with self.journey_randomness():
            for n, plan in enumerate(self.follow_ups_of(index, "call"), start=1):
                call_id = f"CL-{stamp}-5{n:03d}"
                script = call_script(
                    plan, self.pii, self.rng, forbidden=[], forbidden_decoy=False,
                    internal_contact=False, hold=None,
                )  # fmt: skip
                record = self.answered_call(plan, call_id, script)
                lines.append(json.dumps(record, ensure_ascii=False))
                self.item(plan, script.voice, rel, call_id)
                given = Contact(customer_id=plan.customer_id or None, phone=record["phone"])
                self.remember(plan, index, self.grown(plan, given), ("call", call_id))
        return lines

    # ---- ground truth --------------------------------------------------------------------

    def write_truth(self) -> None:
        items = self.truth.items
        counts: dict[str, int] = {}
        for item in items:
            if item["issue"]:
                counts[item["issue"]] = counts.get(item["issue"], 0) + 1
        by_customer: dict[str, set[str]] = {}
        for item in items:
            if item["customer_id"]:
                by_customer.setdefault(item["customer_id"], set()).add(item["channel"])
        truth = {
            "generator": {
                "seed": self.seed,
                "days": self.days,
                "per_day": self.per_day,
                "start": self.start.isoformat(),
            },
            "maker": {"name": MAKER, "support_addresses": list(SUPPORT_ADDRESSES)},
            "products": [
                {"key": p.key, "name": p.name, "model": p.model, "attribute": p.attribute}
                for p in PRODUCTS
            ],
            "issues": {
                issue.key: {
                    "product": issue.product,
                    "summary": issue.summary,
                    "count": counts.get(issue.key, 0),
                }
                for issue in ISSUES
            },
            "faq_topics": {
                topic.key: {
                    "product": topic.product,
                    "summary": topic.summary,
                    "inquiry": topic.inquiry,
                    "first_contact_resolution": topic.first_contact_resolution,
                    "count": sum(item.get("faq") == topic.key for item in items),
                }
                for topic in FAQ_TOPICS
            },
            "items": items,
            "spike": {
                "issue": SPIKE_ISSUE,
                "start": self.day_date(self.spike_day).isoformat(),
                "factor": SPIKE_FACTOR,
                "app_version": SPIKE_APP_VERSION,
            },
            "impact": {"driver": IMPACT_DRIVER_ISSUE, "noisy": IMPACT_NOISY_ISSUE},
            "root_cause": {
                "issue": ROOT_CAUSE_ISSUE,
                "attribute": ROOT_CAUSE_ATTRIBUTE,
                "value": ROOT_CAUSE_VALUE,
            },
            "pii": self.pii.planted,
            "pii_formats": {"order_id": "ORD-YYYYMMDD-NNNN"},
            "duplicates": self.truth.duplicates,
            "repeat_customers": {
                "journeys": self.truth.journeys,
                "window_days": WINDOW_DAYS,
                "note": "items with the same person are one customer; household journeys are"
                " another person calling from an earlier caller's number",
            },
            "cross_channel_customers": [
                {"customer_id": cid, "channels": sorted(chs)}
                for cid, chs in sorted(by_customer.items())
                if len(chs) > 1
            ],
            "malformed": self.truth.malformed,
            "legacy_encodings": self.truth.legacy,
            "calls": self.truth.calls,
        }
        text = json.dumps(truth, ensure_ascii=False, indent=1)
        (self.out / self.truth_name).write_text(text + "\n", encoding="utf-8")


def generate(
    out: Path,
    days: int,
    per_day: int,
    seed: int,
    start: date = DEFAULT_START,
    append: bool = False,
    keep_truth: bool = True,
) -> Path:
    """Write the sample inbox under ``out`` and its ground truth; returns the ground truth's path.

    Channel folders are replaced, unless ``append``: then the days are added beside the files
    already there (use a later ``start`` and another ``seed``), as one more stretch of traffic.
    Without ``keep_truth`` no ground truth is kept or written (the path returned does not exist)
    and memory stays flat however many documents are written; the inbox is the same.
    """
    generator = write_inbox(out, days, per_day, seed, start, append, keep_truth)
    return out / generator.truth_name


def write_inbox(
    out: Path,
    days: int,
    per_day: int,
    seed: int,
    start: date = DEFAULT_START,
    append: bool = False,
    keep_truth: bool = True,
) -> Generator:
    """`generate`, returning the generator (its ``written`` count of feedback items)."""
    if days < 1 or per_day < 4:
        raise ValueError("need --days >= 1 and --per-day >= 4")
    out.mkdir(parents=True, exist_ok=True)
    generator = Generator(out, days, per_day, seed, start, append, keep_truth)
    generator.run()
    return generator
