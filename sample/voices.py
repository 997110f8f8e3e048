"""Customer texts for the written channels: terse form entries, casual posts and formal e-mail.

Each composer takes a ``Plan`` (what the item is about and which flags and decoys to plant) and
returns a ``Voice``: the text exactly as the channel reader will hand it back, plus what was
actually planted in it (flags, decoys, personal data).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sample.catalog import MAKER, Issue, Product
from sample.text import (
    ADDRESSEES,
    CLOSERS_FORMAL,
    GREETINGS,
    REQUESTS_FORMAL,
    REQUESTS_TERSE,
    SAFETY_WORDS,
    SNS_OPENERS,
    SNS_TAILS,
    WHEN,
    WHEN_CASUAL,
    Person,
    PiiFactory,
    bare,
    decoy_phrase,
    flag_phrase,
    formal_but,
    formal_end,
    fullwidth,
    halfwidth_katakana,
    past_polite,
    past_te,
)


@dataclass
class Plan:
    """One feedback item to write, decided before any text is composed."""

    channel: str
    at: datetime
    product: Product
    issue: Issue | None
    kind: str  # complaint | praise | question
    flags: list[str] = field(default_factory=list)
    decoys: list[str] = field(default_factory=list)
    customer_id: str | None = None
    with_pii: bool = False
    person: str | None = None  # the ground truth's person (P-000001), set when first written
    contact: Any = None  # sample.journeys.Contact: a follow-up writes these identifiers again
    journey: dict | None = None  # what sample.journeys planted, for the ground truth
    faq: Any = None  # sample.faq.FaqTopic a question asks, when it asks a planted one
    faq_wording: str | None = None  # its words for this channel (sample.faq.FaqTopic.compose)


@dataclass
class Voice:
    text: str
    flags: set[str] = field(default_factory=set)
    decoys: set[str] = field(default_factory=set)
    pii: list[tuple[str, str]] = field(default_factory=list)  # (type, value) inside ``text``
    subject: str | None = None


def asked(plan: Plan, drawn: str, end: str = "") -> str:
    """What a question voice asks: its planted topic's wording when it has one, else ``drawn``
    (drawn either way, so the generator's other random choices stay as they were), closed with
    ``end`` unless it already ends in a question or exclamation mark."""
    text = plan.faq_wording or drawn
    return text if text.endswith(("？", "?", "！", "!")) else text + end


def polite(clause: str) -> str:
    """Plain-form clause → polite sentence body (without 。)."""
    if clause.endswith("だ"):
        return clause[:-1] + "です"
    if clause.endswith("ていない"):
        return clause[:-2] + "いません"
    if clause.endswith("ている"):
        return clause[:-2] + "います"
    if clause.endswith("と思う"):
        return clause[:-1] + "います"
    if clause.endswith("になった"):
        return clause[:-2] + "りました"
    if clause.endswith("た") and clause[-2:-1] in "しきみえけれせてべめ":
        return past_polite(clause)
    if clause.endswith("い"):
        return clause + "です"
    return clause + "のです"


def noun_mod(clause: str) -> str:
    """Clause modifying a following noun: 充電できない(状態) / 0%のままの(状態)."""
    return clause[:-1] + "の" if clause.endswith("だ") else clause


def so(clause: str) -> str:
    return clause[:-1] + "なので" if clause.endswith("だ") else clause + "ので"


def mentions_safety(*clauses: str) -> bool:
    return any(word in clause for clause in clauses for word in SAFETY_WORDS)


def plant_flags(plan: Plan, voice: Voice, style: str, rng: random.Random) -> list[str]:
    sentences = []
    for flag in plan.flags:
        sentences.append(flag_phrase(flag, style, rng))
        voice.flags.add(flag)
    for flag in plan.decoys:
        sentences.append(decoy_phrase(flag, style, rng))
        voice.decoys.add(flag)
    return sentences


def _pii_sentence(voice: Voice, pii: PiiFactory, day: str, rng: random.Random, terse: bool) -> str:
    kind = rng.choice(("phone", "phone", "order_id", "address", "card", "email"))
    if kind == "phone":
        value = pii.phone()
        text = rng.choice((f"連絡先：{value}", f"電話は{value}までお願いします。", f"TEL {value}"))
    elif kind == "order_id":
        value = pii.order_id(day)
        text = rng.choice((f"注文番号は{value}です。", f"注文番号：{value}", f"（{value}）"))
    elif kind == "address":
        postal, value = pii.postal_code(), pii.address()
        voice.pii.append(("postal_code", postal))
        text = rng.choice((f"送付先は{postal} {value}です。", f"住所：{postal} {value}"))
    elif kind == "card":
        value = pii.card()
        text = f"支払いに使ったカードは{value}です。"
    else:
        person = pii.person()
        value = pii.email(person)
        text = f"返信は{value}にお願いします。"
    voice.pii.append((kind, value))
    if terse:
        text = text.replace("お願いします", "")
    return text


# ---- forms -----------------------------------------------------------------------------------


def form_voice(plan: Plan, pii: PiiFactory, rng: random.Random) -> Voice:
    voice = Voice(text="")
    day = plan.at.strftime("%Y%m%d")
    parts: list[str] = []
    if plan.issue is not None:
        issue = plan.issue
        symptom = rng.choice(issue.symptoms)
        opening = rng.choice(
            (
                f"{bare(symptom)}。",
                f"{rng.choice(WHEN)}{bare(symptom)}。",
                f"【{rng.choice(plan.product.aliases)}】{bare(symptom)}。",
                f"{so(symptom)}連絡しました。",
                f"{rng.choice(plan.product.aliases)}について。{bare(symptom)}。",
            )
        )
        parts.append(opening)
        used = [symptom]
        if rng.random() < 0.45:
            detail = rng.choice(issue.details)
            used.append(detail)
            parts.append(f"{bare(detail)}。")
        if rng.random() < 0.5:
            tried = rng.choice(issue.tried)
            parts.append(
                rng.choice(
                    (
                        f"{tried}が直らない。",
                        f"{past_te(tried)}改善しない。",
                        f"{tried}。効果なし。",
                    )
                )
            )
        if mentions_safety(*used):
            voice.flags.add("safety")
        parts += plant_flags(plan, voice, "terse", rng)
        if plan.with_pii:
            parts.append(_pii_sentence(voice, pii, day, rng, terse=True))
        parts.append(rng.choice(REQUESTS_TERSE))
        voice.subject = rng.choice(issue.subjects + ("", ""))
    elif plan.kind == "praise":
        parts.append(f"{rng.choice(plan.product.praise)}。")
        parts += plant_flags(plan, voice, "terse", rng)
        parts.append(
            rng.choice(
                ("ありがとうございます。", "これからも使います。", "", "開発の方にお伝えください。")
            )
        )
        voice.subject = rng.choice(("お礼", "感想", ""))
    else:
        parts.append(asked(plan, rng.choice(plan.product.questions), "。"))
        parts += plant_flags(plan, voice, "terse", rng)
        voice.subject = rng.choice(("質問", "使い方について", ""))
    joiner = rng.choice(("", "", " ", "\n"))
    voice.text = joiner.join(p for p in parts if p).strip()
    return voice


# ---- SNS -------------------------------------------------------------------------------------

SNS_QUESTIONS = (
    "{alias}使ってる人いる？",
    "{alias}買おうか迷ってるんだけどどうなん",
    "{alias}とほかのやつ、どっちがいいと思う？",
    "{alias}の設定ってどこからやるの",
    "{alias}気になってる。実際どう？",
)
SNS_PRAISE_TAILS = (" 最高", " 神", "。買ってよかった", " おすすめ", " 😊", "✨", "。満足")
SNS_GRIPES = (
    "ｶｽﾀﾏｰｾﾝﾀｰ電話つながらんし",
    "サポートに問い合わせ中",
    "ｻﾎﾟｰﾄの返事待ち",
    "保証きくかな",
    "",
    "",
)


def _sns_alias(product: Product, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return fullwidth(product.model)
    if roll < 0.25:
        return halfwidth_katakana(rng.choice(product.aliases))
    return rng.choice(product.aliases)


def sns_voice(plan: Plan, pii: PiiFactory, rng: random.Random) -> Voice:
    voice = Voice(text="")
    alias = _sns_alias(plan.product, rng)
    parts: list[str] = []
    if plan.issue is not None:
        issue = plan.issue
        fragment = rng.choice(issue.sns + tuple(bare(s) for s in issue.symptoms))
        if mentions_safety(fragment):
            voice.flags.add("safety")
        sep = rng.choice(("", "、", "が", " ", "、なんか"))
        when = rng.choice(WHEN_CASUAL + ("", ""))
        parts.append(f"{rng.choice(SNS_OPENERS)}{alias}{sep}{when}{fragment}")
        if rng.random() < 0.35:
            parts.append(
                rng.choice(
                    (
                        f"{past_te(rng.choice(issue.tried))}無理",
                        "再起動してもダメ",
                        "何回やってもダメ",
                    )
                )
            )
        parts.append(rng.choice(SNS_GRIPES))
        parts += plant_flags(plan, voice, "casual", rng)
        if plan.with_pii:
            value = pii.order_id(plan.at.strftime("%Y%m%d"))
            voice.pii.append(("order_id", value))
            parts.append(f"注文番号{value}なんだけど")
        text = "、".join(p for p in parts if p) + rng.choice(SNS_TAILS)
    elif plan.kind == "praise":
        parts.append(f"{alias}、{rng.choice(plan.product.praise)}")
        parts += plant_flags(plan, voice, "casual", rng)
        text = "。".join(parts) + rng.choice(SNS_PRAISE_TAILS)
    else:
        parts.append(asked(plan, rng.choice(SNS_QUESTIONS).format(alias=alias)))
        parts += plant_flags(plan, voice, "casual", rng)
        text = "。".join(parts)
    if rng.random() < 0.08:
        text = halfwidth_katakana(text)
    voice.text = text
    return voice


# ---- e-mail ----------------------------------------------------------------------------------

STORES = ("家電量販店", "御社の公式オンラインストア", "ネット通販", "近所の電器店", "Amazon")
EMAIL_PURPOSE = ("ご相談させてください。", "お問い合わせいたします。", "ご連絡いたしました。")


def email_voice(plan: Plan, person: Person, pii: PiiFactory, rng: random.Random) -> Voice:
    """The customer's own words of a first e-mail (addressee line to closing, no signature)."""
    voice = Voice(text="")
    day = plan.at.strftime("%Y%m%d")
    alias = rng.choice(plan.product.aliases)
    head: list[str] = []
    addressee = rng.choice(ADDRESSEES)
    if addressee:
        head.append(addressee)
    lines = [rng.choice(GREETINGS)]
    if rng.random() < 0.7:
        name = pii.note("name", rng.choice((person.full, person.surname)))
        voice.pii.append(("name", name))
        lines.append(f"{name}と申します。")
    body: list[str] = []
    if plan.issue is not None:
        issue = plan.issue
        month = rng.choice(("先月", "今年の春", "昨年末", "3か月ほど前", "今月初め"))
        lines.append(
            f"{month}に{rng.choice(STORES)}で購入した{alias}について、{rng.choice(EMAIL_PURPOSE)}"
        )
        symptom, tried = rng.choice(issue.symptoms), rng.choice(issue.tried)
        used = [symptom]
        body.append(
            rng.choice(
                (
                    f"{rng.choice(WHEN)}、{formal_but(symptom)}、{past_polite(tried)}が改善しません。",
                    f"{formal_end(symptom, rng)}。\n{past_polite(tried)}が、症状は変わりませんでした。",
                    f"{rng.choice(WHEN)}{formal_end(symptom, rng)}。",
                    f"使用していると、{formal_end(symptom, rng)}。",
                )
            )
        )
        if rng.random() < 0.5:
            detail = rng.choice(issue.details)
            used.append(detail)
            body.append(f"{rng.choice(('なお、', 'また、', ''))}{polite(detail)}。")
        if mentions_safety(*used):
            voice.flags.add("safety")
        body += plant_flags(plan, voice, "formal", rng)
        if plan.with_pii:
            body.append(_pii_sentence(voice, pii, day, rng, terse=False))
        body.append(rng.choice(REQUESTS_FORMAL))
    elif plan.kind == "praise":
        lines.append(f"{alias}を愛用しております。")
        body.append(f"{polite(rng.choice(plan.product.praise))}。")
        body += plant_flags(plan, voice, "formal", rng)
        body.append("開発の皆様にもよろしくお伝えください。")
    else:
        lines.append(f"{alias}について質問があり、ご連絡いたしました。")
        body.append(asked(plan, rng.choice(plan.product.questions), "。"))
        body += plant_flags(plan, voice, "formal", rng)
    closer = rng.choice(CLOSERS_FORMAL)
    blocks = head + ["\n".join(lines), "\n".join(body), closer]
    voice.text = "\n\n".join(blocks)
    voice.subject = (
        rng.choice(plan.issue.subjects)
        if plan.issue is not None
        else {
            "praise": f"{plan.product.model}のお礼",
            "question": f"{plan.product.model}についての質問",
        }[plan.kind]
    )
    if plan.issue is not None and rng.random() < 0.1:
        voice.subject = "【至急】" + voice.subject
    return voice


def email_follow_up(plan: Plan, person: Person, rng: random.Random) -> Voice:
    """A customer's answer to support's reply: the problem persists."""
    assert plan.issue is not None
    voice = Voice(text="")
    symptom, tried = rng.choice(plan.issue.symptoms), rng.choice(plan.issue.tried)
    lines = [
        f"{person.surname}です。",
        rng.choice(
            (
                "ご回答ありがとうございます。",
                "ご連絡ありがとうございます。",
                "早速のご返信ありがとうございます。",
            )
        ),
        f"{past_polite(tried)}が、まだ{noun_mod(symptom)}状態が続いています。",
    ]
    if mentions_safety(symptom):
        voice.flags.add("safety")
    lines += plant_flags(plan, voice, "formal", rng)
    lines.append(
        rng.choice(
            ("引き続きよろしくお願いいたします。", "交換の手続きを進めていただけますでしょうか。")
        )
    )
    voice.text = "\n".join(lines)
    voice.pii.append(("name", person.surname))
    return voice


def signature(person: Person, address: str, phone: str, postal: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"--\n{person.surname} {person.given}\n{postal} {address}\nTEL: {phone}"
    rule = "━" * 20
    return f"{rule}\n{person.surname} {person.given}\n{postal} {address}\nTEL {phone}\n{rule}"


SUPPORT_ANSWERS = (
    "ご不便をおかけしており、誠に申し訳ございません。\nお手数ですが、一度本体のリセットをお試しいただけますでしょうか。",
    "ご迷惑をおかけしており申し訳ございません。\n症状を確認するため、製品をお預かりして点検させていただきたく存じます。",
    "お問い合わせいただき、ありがとうございます。\nご質問の件につきまして、以下のとおりご案内いたします。",
    "ご連絡いただき誠にありがとうございます。\n交換品の手配を進めさせていただきますので、追ってご案内いたします。",
)


def support_reply_text(customer: str, agent: str, quoted: str, when: str, sender: str, rng) -> str:
    quote = "\n".join("> " + line if line else ">" for line in quoted.splitlines())
    return (
        f"{customer}様\n\nいつも{MAKER}製品をご愛用いただき、誠にありがとうございます。\n"
        f"{MAKER}カスタマーサポートの{agent}でございます。\n\n{rng.choice(SUPPORT_ANSWERS)}\n\n"
        f"今後ともよろしくお願いいたします。\n\n{'━' * 24}\n{MAKER}株式会社 カスタマーサポート\n"
        f"TEL 0120-000-000（平日9:00～18:00）\n{'━' * 24}\n\n{when} {sender}:\n{quote}\n"
    )
