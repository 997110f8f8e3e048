"""Every code koe stores, with the Japanese name people see: channels, sentiments, risk flags,
agent-QA checks, alert kinds, root-cause attributes and contact-centre KPIs.

Codes are what tables, files and logic use; the names are for pages, reports and messages.
Adding a flag or a QA check means one entry here plus its detector in ``nlp/``: the warehouse,
the insights, the reports and the app read the lists from here.
"""

from __future__ import annotations

from dataclasses import dataclass

CHANNELS = {"call": "電話", "email": "メール", "form": "Webフォーム", "sns": "SNS"}

SENTIMENTS = {"negative": "ネガティブ", "neutral": "中立", "positive": "ポジティブ"}

# In the order detectors report them and pages list them.
FLAGS = {
    "sns_threat": "SNS拡散の示唆",
    "escalation_demand": "上席対応の要求",
    "legal_threat": "法的措置の示唆",
    "safety": "安全上の懸念",
    "churn": "解約・離反の示唆",
    "refund_request": "返金要求",
}

# Flags the お客様相談室 handles at once, one alert per item, whatever the volume.
IMMEDIATE_FLAGS = ("safety", "sns_threat")

QA_CHECKS = {
    "forbidden_phrase": "禁止表現",
    "internal_contact": "内線・直通番号の案内",
    "escalation_request": "上席対応の要求",
    "long_hold_without_report": "長時間保留（途中報告なし）",
}

ALERT_KINDS = {
    **{flag: FLAGS[flag] for flag in IMMEDIATE_FLAGS},
    "volume_spike": "課題の急増",
    "product_spike": "製品の苦情急増",
    "new_issue": "新しい課題",
    "sentiment_drop": "感情の悪化",
}

# What an analyst may decide about the issue catalogue (nlp/issues/decisions.py), and undo.
ISSUE_DECISIONS = {
    "rename": "名称変更",
    "merge": "統合",
    "split": "分割",
    "move": "声の移動",
    "dismiss": "課題ではない",
}

# Where an alert is routed: the team that acts on it.
# Who may use the dashboard for what (app/auth.py): the value of the ID token's role claim.
ROLES = {
    "executive": "経営",
    "quality": "品質",
    "product": "製品チーム",
    "operations": "運用",
    # Owns the FAQ (よくある質問) the support desk answers from: what customers keep asking.
    "knowledge": "ナレッジ管理",
}
# What a recurring question is made of: the classifier's inquiry kinds, with their names.
INQUIRY_KINDS = {"question": "質問", "request": "要望"}

SUPPORT_OFFICE = "お客様相談室"
QUALITY_TEAM = "品質保証"

# Flags whose voices are grouped into incidents (one flag, issue and product within a window;
# see PRODUCT_HAZARD_FLAGS),
# each of which opens a case: an owner, a status, a due time, notes and a history.
CASE_FLAGS = ("safety", "sns_threat", "legal_threat")
# A hazard belongs to its product: the product is what is stopped, collected and reported, so
# the safety voices about one product are one incident whichever issues the clustering put them
# in (a burning smell and a hot plug). A threat is answered per grievance: flag, issue, product.
PRODUCT_HAZARD_FLAGS = ("safety",)
# Who owns a new case: the organisation answers a hazard or a threat, not the agent who took it.
CASE_OWNERS = {flag: SUPPORT_OFFICE for flag in CASE_FLAGS}
CASE_STATUSES = {"open": "未対応", "in_progress": "対応中", "done": "完了"}
# What happens to a case, in its history: "open" is the incident itself, the others are people's
# actions in the app, logged as case_<code> (warehouse/case_status.py).
CASE_EVENTS = {"open": "開設", "take": "担当", "note": "メモ", "complete": "完了"}
# Emerging alerts about the same subject on consecutive days form one episode; the rises of an
# issue in one window and the other, or of its product, are one kind of episode.
EPISODE_KINDS = {"rise": "急増", "new_issue": "新しい課題", "sentiment_drop": "感情の悪化"}
# The figures an issue's impact is measured on (insights/impact.py), each as the share of voices
# (or calls) that went badly: for 1次解決率 the calls not solved at first contact.
IMPACT_FIGURES = {
    "negative_share": "ネガティブ比率",
    "churn_share": "解約示唆の割合",
    "refund_share": "返金要求の割合",
    "repeat_contact_rate": "再問い合わせ率",
    "first_contact_miss_rate": "1次解決できなかった電話の割合",
}

ROOT_CAUSE_ATTRIBUTES = {
    "product": "製品",
    "lot": "ロット",
    "firmware": "ファームウェア",
    "app_version": "アプリバージョン",
    "channel": "チャネル",
    "region": "地域",
    "week": "期間（週）",
    "phrase": "表現",
}

UNKNOWN = "不明"
NO_PRODUCT = "製品不明"


@dataclass(frozen=True)
class Kpi:
    """A contact-centre KPI of marts.kpi_daily and its service level."""

    code: str  # the column of marts.kpi_daily
    name: str
    target: float
    direction: str  # ">=": higher is better; "<=": lower is better
    informational: bool = False  # shown for context, not one of the commitments
    unit: str = "share"  # "share" (shown in percent) or "seconds"


# Holds: the rule is "no hold over 45 s without an intermediate report"; as a daily service level
# we ask for at least 90 % of holds to end within 45 s (1.0 would flag nearly every day). Abandon
# rate and ASA are informational companions of the answer rate.
KPIS = (
    Kpi("answer_rate", "応答率", 0.90, ">="),
    Kpi("first_contact_resolution_rate", "1次解決率", 0.90, ">="),
    # The same customer about the same issue again within KOE_REPEAT_CONTACT_DAYS: the problem
    # was not solved the first time, whichever channel they came back through.
    Kpi("repeat_contact_rate", "再問い合わせ率", 0.10, "<="),
    Kpi("holds_within_45s_share", "保留45秒以内", 0.90, ">="),
    Kpi("written_responded_within_24h_share", "初回返信24時間以内", 0.90, ">="),
    Kpi("abandon_rate", "放棄呼率", 0.10, "<=", informational=True),
    Kpi("avg_speed_of_answer_s", "平均応答時間", 30.0, "<=", informational=True, unit="seconds"),
)


def name_of(names: dict[str, str], code: object) -> str:
    """The Japanese name of ``code`` in ``names``; an unknown code is shown as itself."""
    if not isinstance(code, str) or not code:
        return UNKNOWN
    return names.get(code, code)
