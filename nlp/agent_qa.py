"""Agent QA: review a call transcript the way a supervisor would.

Checks agent turns for prohibited phrases and disclosed internal contacts, customer turns for
escalation demands, and hold segments over 45 s without an intermediate report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.records import Call
from koe.vocabulary import QA_CHECKS
from nlp.flags import flag_hits
from nlp.normalize import normalize

LONG_HOLD_S = 45.0

# Quoted words (the customer's, repeated back) are not the agent's own phrasing.
_QUOTED = re.compile(r"「[^「」]*」|『[^『』]*』")
# Fillers an agent may put before a clause-initial conjunction: え、ですからね / えー、だから.
_FILLER = r"(?:(?:え|えー|えっと|えーと|あの|あのー|いや|いえ|はい|ええ|まあ)[、,]?\s*)?"
# Conjunctions that argue with the customer, only at the start of a clause: でも is not いつでも
# or それでも, ですから is not 大事なことですからね.
_ARGUING = re.compile(rf"(?:^|(?<=[。、,！？!?\s]))({_FILLER})(ですから|だから|でも|だって)")
# Hiding behind the rules instead of explaining.
_RULE_SHIELD = re.compile(
    r"(?:規則|ルール|決まり|規定|マニュアル)(?:ですので|なので|ですから|だから)"
)
# A flat refusal; できませんでした (an outcome) and できませんか (a question) are not refusals.
_REFUSAL = re.compile(
    r"(?:できません|できないです|できかねます|いたしかねます|致しかねます)(?!でした|か|でしょうか)"
)
# What turns a refusal into an offer: 代わりに / でしたら / 〜はいかがでしょうか / 〜なら可能です.
_ALTERNATIVE = re.compile(
    r"代わりに|かわりに|でしたら|ことでしたら|いかがでしょうか|いかがですか|方法も|方法が(?:ござい|あり)"
    r"|可能です|可能でございます|ご案内(?:いたし|でき|します)|ご提案|お勧め|おすすめ|できます(?!か)"
)
_INTERNAL_CONTACT: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 開発部の内線が4521 / 内線4521: an extension number, not 内線でおつなぎします.
    (
        "extension",
        re.compile(
            r"((?:[^\s、。,「」]{0,6}?の)?内線)(?:番号)?(?:は|が|:)?\s*(?:\d{2,}|\[電話番号\])"
        ),
    ),
    (
        "direct_line",
        re.compile(
            r"(?:私|わたくし|わたし|僕|自分|担当(?:者)?)の直通(?:番号|電話)?|直通(?:番号|電話)(?=は|が|:)"
        ),
    ),
    (
        "mobile",
        re.compile(
            r"(?:私|わたくし|わたし|僕|自分|担当(?:者)?)の(?:個人)?(?:携帯|スマホ)(?:番号|電話)?"
        ),
    ),
    (
        "staff_email",
        re.compile(
            r"(?:社内|私|わたくし|わたし|僕|自分|担当(?:者)?|個人|私用)の(?:メール)?アドレス"
            r"|(?:社内|個人|私用)メール(?:アドレス)?"
            # An address (masked) to send things to a person directly: 私宛てに［メール］まで.
            r"|(?:私|わたくし|わたし|担当[^、。]{0,12}?)宛て?に?[^。]{0,16}?\[メール\]"
            r"|担当の\[氏名\][、,]?\s?\[メール\]"
        ),
    ),
)


@dataclass(frozen=True)
class Finding:
    """One QA finding, as stored in ``nlp.call_qa_findings``; turn is None for a hold before any turn."""

    check_name: str
    turn: int | None
    phrase: str
    text: str


@dataclass(frozen=True)
class CallReview:
    """The QA result of one call: every finding, in the order the checks ran."""

    call_id: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def checks_failed(self) -> set[str]:
        """The QA checks (codes of `koe.vocabulary.QA_CHECKS`) with at least one finding."""
        return {f.check_name for f in self.findings}

    def to_dict(self) -> dict[str, object]:
        """The line ``python -m nlp qa`` writes for this call: each check passed or failed, and
        the findings behind them."""
        return {
            "call_id": self.call_id,
            "checks": {check: check in self.checks_failed for check in QA_CHECKS},
            "findings": [
                {"check": f.check_name, "turn": f.turn, "phrase": f.phrase, "text": f.text}
                for f in self.findings
            ],
        }

    def findings_rows(self) -> list[dict[str, object]]:
        """Rows of ``nlp.call_qa_findings`` (see ``warehouse.analysis.save_call_qa``)."""
        return [
            {
                "call_id": self.call_id,
                "check_name": f.check_name,
                "turn": f.turn,
                "phrase": f.phrase,
                "text_masked": f.text,
            }
            for f in self.findings
        ]


def _blank_quotes(text: str) -> str:
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def _offers_alternative(texts: list[str], agent_turns: list[int], turn: int, after: int) -> bool:
    """Whether the refusal in ``turn`` (ending at ``after``) comes with an alternative, in the
    rest of that turn or in the agent's next turn."""
    if _ALTERNATIVE.search(texts[turn], after):
        return True
    later = [i for i in agent_turns if i > turn]
    return bool(later) and bool(_ALTERNATIVE.search(texts[later[0]]))


def _forbidden(texts: list[str], agent_turns: list[int]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for i in agent_turns:
        text = texts[i]
        hits: list[tuple[int, str]] = [(m.start(2), m.group(2)) for m in _ARGUING.finditer(text)]
        hits += [(m.start(), m.group()) for m in _RULE_SHIELD.finditer(text)]
        for m in _REFUSAL.finditer(text):
            if not _offers_alternative(texts, agent_turns, i, m.end()):
                hits.append((m.start(), m.group()))
        found += [(i, phrase) for _, phrase in sorted(hits)]
    return found


def _internal_contacts(texts: list[str], agent_turns: list[int]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for i in agent_turns:
        hits = []
        for _, pattern in _INTERNAL_CONTACT:
            m = pattern.search(texts[i])
            if m:  # one finding per kind of contact per turn
                # 開発部の内線 names whose line it is; a bare 内線 is named by its number.
                owned = m.groups() and m.group(1) != "内線"
                hits.append((m.start(), m.group(1) if owned else m.group().strip()))
        found += [(i, phrase) for _, phrase in sorted(hits)]
    return found


def _hold_turn(call: Call, start_s: float) -> int | None:
    """Index of the last turn that began at or before the hold started."""
    before = [i for i, turn in enumerate(call.turns) if turn.t <= start_s]
    return before[-1] if before else None


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def review_call(call: Call) -> CallReview:
    """Review one call's transcript and holds."""
    texts = [_blank_quotes(normalize(turn.text)) for turn in call.turns]
    agent_turns = [i for i, turn in enumerate(call.turns) if turn.speaker == "agent"]
    findings: list[Finding] = []

    for i, phrase in _forbidden(texts, agent_turns):
        findings.append(Finding("forbidden_phrase", i, phrase, call.turns[i].text))
    for i, phrase in _internal_contacts(texts, agent_turns):
        findings.append(Finding("internal_contact", i, phrase, call.turns[i].text))
    for i, turn in enumerate(call.turns):
        if turn.speaker != "customer":
            continue
        for hit in flag_hits(turn.text):
            if hit.flag == "escalation_demand":
                findings.append(Finding("escalation_request", i, hit.phrase, turn.text))
                break
    for hold in call.hold_segments:
        if hold.duration_s > LONG_HOLD_S and not hold.intermediate_report:
            i = _hold_turn(call, hold.start_s)
            findings.append(
                Finding(
                    "long_hold_without_report",
                    i,
                    f"保留{_seconds(hold.duration_s)}秒（中間報告なし）",
                    call.turns[i].text if i is not None else "",
                )
            )

    return CallReview(call_id=call.call_id, findings=findings)
