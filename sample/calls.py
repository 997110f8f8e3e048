"""Call transcripts for the sample inbox: spoken customers, keigo agents, and planted QA findings.

``call_script`` turns a ``Plan`` into alternating turns, hold segments and the findings an agent
QA review should report (prohibited phrases, internal contact details, escalation requests).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sample.catalog import MAKER
from sample.text import FILLERS, REQUESTS_SPOKEN, WHEN, PiiFactory, past_te, spoken
from sample.voices import Plan, Voice, asked, mentions_safety, plant_flags

AGENT_SURNAMES = ("木下", "石田", "平野", "大野", "松井", "川口", "野口", "宮本", "内田", "菅原")
# Prohibited agent phrases and an example line for each.
FORBIDDEN = {
    "ですから": "ですから、先ほども申し上げましたとおり、取扱説明書に記載がございます。",
    "でも": "でも、それはお客様の使い方によるものかと思います。",
    "だって": "だって、そういう仕様なので。",
    "だから": "だから、リセットしてくださいとお伝えしています。",
    "規則ですので": "規則ですので、その対応はいたしかねます。",
    "できません": "できません。",
}
# Lines that contain the same letters without being the prohibited phrase.
FORBIDDEN_DECOYS = (
    "何かございましたら、いつでもお電話ください。",
    "今でも保証期間内ですので、ご安心ください。",
    "「でも」とおっしゃいますと、ほかにも気になる点がございますか。",
    "どなたでもご利用いただける窓口でございます。",
)
CALL_TOPICS = (
    "のことなんですけど、",
    "を使ってるんですけど、",
    "の件でお電話したんですけど、",
    "を買ったんですが、",
    "が、その、",
)
AGENT_WHEN = (
    "ご不便をおかけしており、申し訳ございません。いつ頃からでしょうか。",
    "さようでございますか。その症状はいつ頃から出ておりますでしょうか。",
    "ご迷惑をおかけしております。これまでにお試しいただいたことはございますか。",
    "承知いたしました。症状が出始めたのはいつ頃でしょうか。",
)
SOLUTIONS = (
    "それでは、本体のリセット手順をご案内いたします。",
    "恐れ入りますが、点検のため製品をお預かりさせていただけますでしょうか。",
    "交換品を手配いたします。到着まで3日ほどお時間をいただけますでしょうか。",
    "最新のソフトウェアへの更新で改善する場合がございますので、手順をご案内いたします。",
)


@dataclass
class Script:
    turns: list[dict] = field(default_factory=list)
    holds: list[dict] = field(default_factory=list)
    voice: Voice = field(default_factory=lambda: Voice(text=""))
    forbidden: list[str] = field(default_factory=list)
    forbidden_decoy: bool = False
    internal_contact: bool = False
    escalation: bool = False


def call_script(
    plan: Plan,
    pii: PiiFactory,
    rng: random.Random,
    *,
    forbidden: list[str],
    forbidden_decoy: bool,
    internal_contact: bool,
    hold: str | None,  # None, "short", "long_report", "long_silent"
) -> Script:
    script = Script()
    clock = [rng.uniform(1, 4)]

    def say(speaker: str, text: str) -> None:
        script.turns.append({"speaker": speaker, "t": round(clock[0], 1), "text": text})
        clock[0] += rng.uniform(4, 18)

    agent = rng.choice(AGENT_SURNAMES)
    say(
        "agent", f"お電話ありがとうございます。{MAKER}サポートセンター、担当の{agent}でございます。"
    )
    alias = rng.choice(plan.product.aliases)
    customer: list[str] = []
    if plan.issue is not None:
        symptom = rng.choice(plan.issue.symptoms)
        customer.append(
            f"{rng.choice(FILLERS)}{alias}{rng.choice(CALL_TOPICS)}{spoken(symptom)}"
            f"{rng.choice(('よ。', 'けど。', '。', 'けど…。'))}"
        )
        say("customer", customer[-1])
        say("agent", rng.choice(AGENT_WHEN))
        tried = rng.choice(plan.issue.tried)
        when = rng.choice(WHEN).removesuffix("で")
        customer.append(
            f"{rng.choice(FILLERS)}{when}ですかね。"
            + rng.choice(
                (
                    f"{tried}んですけど、だめで。",
                    f"一応{tried}んですけど、変わらなくて。",
                    f"{past_te(tried)}直らないんですよ。",
                    f"{tried}けど、やっぱりだめでした。",
                    f"自分で{tried}りもしたんですけど。",
                )
            )
        )
        say("customer", customer[-1])
        if mentions_safety(symptom):
            script.voice.flags.add("safety")
    elif plan.kind == "praise":
        customer.append(
            f"{rng.choice(FILLERS)}{alias}を使ってるんですけど、{rng.choice(plan.product.praise)}ので、お礼を言いたくて。"
        )
        say("customer", customer[-1])
    else:
        customer.append(
            f"{rng.choice(FILLERS)}{alias}のことでちょっと聞きたいんですけど、"
            f"{asked(plan, rng.choice(plan.product.questions), '。')}"
        )
        say("customer", customer[-1])
    if plan.with_pii:
        say("agent", "恐れ入りますが、お名前とご連絡先をお伺いできますでしょうか。")
        person = pii.person()
        name = pii.note("name", person.full)
        phone = pii.phone()
        script.voice.pii += [("name", name), ("phone", phone)]
        customer.append(f"{name}です。電話番号は{phone}です。")
        say("customer", customer[-1])
    if hold is not None:
        say("agent", "確認いたしますので、少々お待ちいただけますでしょうか。")
        duration = rng.uniform(10, 40) if hold == "short" else rng.uniform(50, 180)
        report = hold == "long_report"
        script.holds.append(
            {
                "start_s": round(clock[0], 1),
                "duration_s": round(duration, 1),
                "intermediate_report": report,
            }
        )
        if report:
            clock[0] += duration / 2
            say("agent", "大変お待たせしております。もう少々お待ちいただけますでしょうか。")
            clock[0] += duration / 2
        else:
            clock[0] += duration
        say("agent", "お待たせいたしました。")
    for phrase in forbidden:
        say("agent", FORBIDDEN[phrase])
        script.forbidden.append(phrase)
        customer.append(
            rng.choice(
                (
                    "え、それはちょっとひどくないですか。",
                    "そういう言い方はないと思うんですけど。",
                    "はあ…。",
                )
            )
        )
        say("customer", customer[-1])
    planted = plant_flags(plan, script.voice, "spoken", rng)
    for sentence in planted:
        customer.append(sentence)
        say("customer", sentence)
    if "escalation_demand" in plan.flags:
        script.escalation = True
        say("agent", "申し訳ございません。責任者に確認のうえ、折り返しご連絡いたします。")
    if "できません" in forbidden:
        # A flat refusal stays flat: no alternative is offered afterwards.
        say(
            "agent",
            rng.choice(("以上となります。", "申し訳ございませんが、そういうことですので。")),
        )
    else:
        say("agent", rng.choice(SOLUTIONS))
    if forbidden_decoy:
        script.forbidden_decoy = True
        say("agent", rng.choice(FORBIDDEN_DECOYS))
    if internal_contact:
        script.internal_contact = True
        if rng.random() < 0.5:
            say("agent", f"何かあれば私の内線{rng.randrange(2000, 3000)}番に直接おかけください。")
        else:
            mobile = pii.phone(mobile_only=True)
            say("agent", f"私の携帯の{mobile}に直接ご連絡いただいても大丈夫です。")
    if plan.issue is not None:
        customer.append(rng.choice(REQUESTS_SPOKEN))
        say("customer", customer[-1])
    customer.append(
        rng.choice(
            (
                "わかりました、ありがとうございます。",
                "はい、お願いします。",
                "じゃあそれで。",
                "はい。",
            )
        )
    )
    say("customer", customer[-1])
    say("agent", f"お電話ありがとうございました。{agent}が承りました。")
    script.voice.text = "\n".join(customer)
    return script
