"""Agent QA: review a call transcript the way a supervisor would.

Checks agent turns for prohibited phrases and disclosed internal contacts, customer turns for
escalation demands, and hold segments over 45 s without an intermediate report.

Prohibited phrases are rules: the phrases a centre prohibits are explicit. Whether a customer
asks for someone higher up is not: 「上の方、いらっしゃる？代わってちょうだい」「決めた方と直接話を
させてください」 name no fixed word. Nor is every disclosed contact: a colleague's extension read
out as kana, or a direct line the agent takes care *not* to give. So `review_calls` also asks the
trained classifier's escalation-demand judgement of every customer turn
(`nlp.models.flag_judge`) and the contact judge's of every agent turn (`nlp.contact_judge`, which
weighs this module's contact rules as features); the rules still name the phrase where they find
one, and alone they decide when no judge is given (fast unit tests)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from ingest.records import Call
from koe.vocabulary import QA_CHECKS
from nlp.flags import flag_hits
from nlp.normalize import normalize

LONG_HOLD_S = 45.0

# Whether each of some texts states an intent (here: asks for someone higher up).
SentenceJudge = Callable[[Sequence[str]], Sequence[bool]]

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
    # 否定できません and 断言できません hedge a statement; they refuse nothing.
    r"(?<!否定)(?<!断言)(?:できません|できないです|できかねます|いたしかねます|致しかねます)(?!でした|か|でしょうか)"
)
# What turns a refusal into an offer: 代わりに / でしたら / 〜はいかがでしょうか / 〜なら可能です.
_ALTERNATIVE = re.compile(
    r"代わりに|かわりに|でしたら|ことでしたら|いかがでしょうか|いかがですか|方法も|方法が(?:ござい|あり)"
    r"|可能です|可能でございます|ご案内(?:いたし|でき|します)|ご提案|お勧め|おすすめ|できます(?!か)"
)
# Later in the refusing turn, what the agent will do instead: 「…できませんが、訪問の手配をしますね」
# 「交換はできませんが、新しいボトルをお送りいたします」.
_INSTEAD = re.compile(
    r"(?:いた|致)します(?!か)|(?<![ませ])します(?:ね|。|$)|させていただきます|手配|伺わせ|伺います"
    r"|お送り|お探し|お手伝い|承ります|折り返し"
)
# --- internal contacts ---------------------------------------------------------------------------
# A contact not meant for customers, judged per sentence of an agent turn, with the sentence after
# it (「私宛てに直接お送りください。[メール]です。」). Turns are masked, so a number reads [電話番号]
# after normalize and a name often [氏名].
#
# Someone's own line or address: 私の直通, 田中の携帯, 開発部の内線, 平田のダイヤルイン, 社内のアドレス.
_OWNER = r"(?:私|わたくし|わたし|僕|自分|担当(?:者)?|\[氏名\]|[一-龥ァ-ヶー]{1,6}?(?:さん)?)"
_LINE = (
    r"(?:直通|直電|ダイヤルイン|携帯|ケータイ|スマホ|個人|私用|社用(?:携帯|スマホ|電話)?|内線"
    r"|(?:メール)?アドレス|メール)"
)
_OWNED = re.compile(rf"({_OWNER}の(?:個人の|社用の)?{_LINE})")
# Whose line it is not: お客様の携帯, [氏名]様の携帯, ご自身のメール, 本体の….
_NOT_STAFF = re.compile(r"^(?:お?客|様|さま|ご自身|ご本人|ご家族|奥様|ご主人|お子|本体|製品|端末)")
_DIGITS = r"[\d〇一二三四五六七八九零]"
# A number or address given.
_VALUE = re.compile(
    rf"\[(?:電話番号|メール)\]|内線(?:番号)?(?:の|は|が|:)?\s*{_DIGITS}{{2,}}|\d{{3,}}\s*番"
    r"|(?:ゼロ|ゼロ|レイ)(?:[、,]?\s*(?:イチ|ニー?|サン|ヨン|ゴー?|ロク|ナナ|ハチ|キュー?|ゼロ)){3,}"
)
# What makes a number internal: an extension, a direct line, a mobile, going round the desk
# (直接つながる), a staff member to ask for by name (木村宛てに, 田中を呼び出して, 審査担当の[氏名]).
_INTERNAL = re.compile(
    r"直通|直電|ダイヤルイン|直接|内線|携帯|ケータイ|スマホ|個人|私用|社内|社用|(?:部|課|室|部門|チーム)の"
    r"|(?:宛|あて)(?:に|て)|を(?:呼び出|指名)|(?:と|って)(?:言って|お伝え|おっしゃって)"
    r"|\[氏名\](?!\s*(?:様|さま|さん?様))"
)
_STRONG_INTERNAL = re.compile(
    rf"直通|直電|ダイヤルイン|内線(?:番号)?(?:の|は|が|:)?\s*{_DIGITS}|携帯|ケータイ|スマホ|個人|私用|社内|社用"
)
# The customer's own number read back is no disclosure.
_CUSTOMERS = re.compile(
    r"お客様の|ご登録|ご連絡先|折り返し先|お伺い|頂戴|でよろしい|お間違い|様[、,]?\s*\[電話番号\]"
)
# Public numbers: the free dial, the switchboard, a desk or the website.
_PUBLIC = re.compile(
    r"フリーダイ(?:ヤ|ア)ル|0120|0570|ナビダイヤル|窓口|センター|相談室|公式|ホームページ|サイト|受付"
)
# Declining to give one: 私個人の番号はご案内しておりません / 直通番号はお伝えいたしかねます.
_DECLINED = re.compile(
    r"(?:ご案内|お伝え|お教え|お知らせ)(?:して|いたして|は)?(?:おりません|できません|いたしかねます|しかねます)"
    r"|(?:お伝え|お教え|ご案内)(?:でき|いたしかね|しかね)"
)
_SENTENCES = re.compile(r"[^。！？!?\n]+[。！？!?\n]?")


def _disclosure(sentence: str, following: str) -> str | None:
    """The phrase that discloses an internal contact in ``sentence`` (its number or address may
    come in ``following``, the next sentence of the turn), or None."""
    if _DECLINED.search(sentence):
        return None
    owned = next(
        (m.group(1) for m in _OWNED.finditer(sentence) if not _NOT_STAFF.match(m.group(1))), None
    )
    marker = _INTERNAL.search(sentence)
    value = _VALUE.search(sentence) or (marker and _VALUE.search(following))
    if owned is None and not (value and marker):
        return None
    context = sentence if _VALUE.search(sentence) else sentence + following
    strong = _STRONG_INTERNAL.search(context)
    if _PUBLIC.search(context) and not strong:
        return None  # the free dial or a desk's number
    if owned is None and _CUSTOMERS.search(context) and not strong:
        return None  # the customer's own number, read back
    return owned or marker.group().strip()


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


def blank_quotes(text: str) -> str:
    """``text`` with quoted words (the customer's, repeated back) blanked, its length kept."""
    return _QUOTED.sub(lambda m: " " * len(m.group()), text)


def _offers_alternative(texts: list[str], agent_turns: list[int], turn: int, after: int) -> bool:
    """Whether the refusal in ``turn`` (ending at ``after``) comes with an alternative, in the
    rest of that turn or in the agent's next turn."""
    if _ALTERNATIVE.search(texts[turn], after) or _INSTEAD.search(texts[turn], after):
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


def _disclosures(text: str) -> list[str]:
    """The distinct phrases of one agent turn that the rules take for a disclosure."""
    sentences = [m.group() for m in _SENTENCES.finditer(text)]
    phrases = [
        _disclosure(sentence, sentences[k + 1] if k + 1 < len(sentences) else "")
        for k, sentence in enumerate(sentences)
    ]
    return list(dict.fromkeys(p for p in phrases if p))


def contact_cues(text: str) -> list[float]:
    """What the rules see in one agent turn, as features of `nlp.contact_judge`: a disclosure by
    the rules, a number or address given, an internal marker, the customer's own number, a public
    number or desk, a refusal to give one, someone's own line (田中の携帯)."""
    return [
        float(bool(_disclosures(text))),
        float(bool(_VALUE.search(text))),
        float(bool(_STRONG_INTERNAL.search(text))),
        float(bool(_CUSTOMERS.search(text))),
        float(bool(_PUBLIC.search(text))),
        float(bool(_DECLINED.search(text))),
        float(any(not _NOT_STAFF.match(m.group(1)) for m in _OWNED.finditer(text))),
    ]


def _contact_phrase(text: str) -> str:
    """The words to show for a turn the judge found disclosing: the rules' phrase, else the first
    sentence naming a number, an address or a line, else the turn's start."""
    found = _disclosures(text)
    if found:
        return found[0]
    sentences = [m.group().strip() for m in _SENTENCES.finditer(text)]
    named = [s for s in sentences if _VALUE.search(s) or _INTERNAL.search(s)]
    return (named or sentences or [text])[0][:60]


def _internal_contacts(
    texts: list[str], agent_turns: list[int], disclosing: Collection[int] | None
) -> list[tuple[int, str]]:
    if disclosing is not None:  # the learned judge decides which turns disclose
        return [(i, _contact_phrase(texts[i])) for i in agent_turns if i in disclosing]
    # One finding per distinct phrase per turn.
    return [(i, p) for i in agent_turns for p in _disclosures(texts[i])]


def _hold_turn(call: Call, start_s: float) -> int | None:
    """Index of the last turn that began at or before the hold started."""
    before = [i for i, turn in enumerate(call.turns) if turn.t <= start_s]
    return before[-1] if before else None


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def review_calls(
    calls: Sequence[Call],
    asks_for_superior: SentenceJudge | None = None,
    discloses_contact: SentenceJudge | None = None,
) -> list[CallReview]:
    """Review calls; ``asks_for_superior`` judges every customer turn of all of them in one batch
    (without it, the escalation rules alone decide), ``discloses_contact`` every agent turn (as
    `review_call` reads it; without it, the internal-contact rules alone decide). A whole turn is
    judged, not its sentences: 「上の方、いらっしゃる？ 代わってちょうだい。」 asks only as a
    whole, and 「責任者を出せなんて言うつもりはありません。」 declines only as a whole."""
    customer = [[i for i, t in enumerate(call.turns) if t.speaker == "customer"] for call in calls]
    flat = [call.turns[i].text for call, group in zip(calls, customer, strict=True) for i in group]
    said = iter(asks_for_superior(flat) if asks_for_superior and flat else [False] * len(flat))
    asked = [[i for i in group if next(said)] for group in customer]
    disclosing: list[list[int] | None] = [None] * len(calls)
    if discloses_contact is not None:
        agent = [[i for i, t in enumerate(call.turns) if t.speaker == "agent"] for call in calls]
        texts = [
            _agent_text(call.turns[i].text)
            for call, group in zip(calls, agent, strict=True)
            for i in group
        ]
        judged = iter(discloses_contact(texts) if texts else [])
        disclosing = [[i for i in group if next(judged)] for group in agent]
    return [review_call(call, a, d) for call, a, d in zip(calls, asked, disclosing, strict=True)]


def _agent_text(text: str) -> str:
    return blank_quotes(normalize(text))


def review_call(
    call: Call,
    superior_asked: Collection[int] = (),
    disclosing: Collection[int] | None = None,
) -> CallReview:
    """Review one call's transcript and holds. ``superior_asked`` holds the customer turns the
    classifier judged a request for someone higher up (see `review_calls`)."""
    texts = [_agent_text(turn.text) for turn in call.turns]
    agent_turns = [i for i, turn in enumerate(call.turns) if turn.speaker == "agent"]
    findings: list[Finding] = []

    for i, phrase in _forbidden(texts, agent_turns):
        findings.append(Finding("forbidden_phrase", i, phrase, call.turns[i].text))
    for i, phrase in _internal_contacts(texts, agent_turns, disclosing):
        findings.append(Finding("internal_contact", i, phrase, call.turns[i].text))
    for i, turn in enumerate(call.turns):
        if turn.speaker != "customer":
            continue
        phrase = next(
            (h.phrase for h in flag_hits(turn.text) if h.flag == "escalation_demand"), None
        )
        phrase = phrase or (turn.text if i in superior_asked else None)
        if phrase:
            findings.append(Finding("escalation_request", i, phrase, turn.text))
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
