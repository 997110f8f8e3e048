"""Japanese display names and number formats shared by the pages (UI text only)."""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd
import streamlit as st

from nlp.root_cause import ATTRIBUTE_NAMES_JA

CHANNELS = {"call": "電話", "email": "メール", "form": "Webフォーム", "sns": "SNS"}

QA_CHECKS = {
    "forbidden_phrase": "禁止表現",
    "internal_contact": "内線・直通番号の案内",
    "escalation_request": "上席対応の要求",
    "long_hold_without_report": "長時間保留（途中報告なし）",
}

SENTIMENTS = {"negative": "ネガティブ", "neutral": "中立", "positive": "ポジティブ"}

FLAGS = {
    "sns_threat": "SNS拡散の示唆",
    "escalation_demand": "上席対応の要求",
    "legal_threat": "法的措置の示唆",
    "safety": "安全上の懸念",
    "churn": "解約・離反の示唆",
    "refund_request": "返金要求",
}

# KPIs whose value is a duration in seconds; every other KPI is a share shown in percent.
SECONDS_KPIS = {"avg_speed_of_answer_s"}


ROOT_CAUSE_ATTRIBUTES = ATTRIBUTE_NAMES_JA


def root_cause_attribute(value: str | None) -> str:
    return ROOT_CAUSE_ATTRIBUTES.get(value, value or "不明")


def channel(value: str | None) -> str:
    return CHANNELS.get(value, value or "不明")


def qa_check(value: str | None) -> str:
    return QA_CHECKS.get(value, value or "不明")


def product(value: str | None) -> str:
    return value if isinstance(value, str) and value else "製品不明"


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def kpi_value(kpi: str, value: float | None) -> str:
    if is_missing(value):
        return "—"
    if kpi in SECONDS_KPIS:
        return f"{value:.1f}秒"
    return f"{value:.1%}"


def kpi_gap(kpi: str, value: float | None, target: float) -> str | None:
    """Value minus target: percentage points for shares, seconds for durations."""
    if is_missing(value):
        return None
    if kpi in SECONDS_KPIS:
        return f"{value - target:+.1f}秒"
    return f"{(value - target) * 100:+.1f}pt"


def kpi_target(kpi: str, target: float, direction: str) -> str:
    bound = "以下" if direction == "<=" else "以上"
    return f"目標 {kpi_value(kpi, target)} {bound}"


def markdown_text(text: str | None) -> str:
    """Customer or agent words safe inside st.markdown: Markdown's special characters escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|>~<:$])", r"\\\1", text or "")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for download; the BOM makes Excel read the Japanese text as UTF-8."""
    return frame.to_csv(index=False).encode("utf-8-sig")


def words(value: object) -> str:
    """A keyword list (list or array from DuckDB) as one Japanese-punctuated string."""
    if value is None or isinstance(value, float | str):
        return value if isinstance(value, str) else ""
    return "、".join(str(word) for word in value)


def csv_name(stem: str, period: tuple[date, date] | None = None) -> str:
    if period is None:
        return f"koe_{stem}.csv"
    return f"koe_{stem}_{period[0]:%Y%m%d}-{period[1]:%Y%m%d}.csv"


def flag_names(value: object) -> str:
    """Risk flags (list or array from DuckDB) in Japanese, comma-joined; "" when none."""
    if value is None or isinstance(value, float | str):
        return ""
    return "、".join(FLAGS.get(str(flag), str(flag)) for flag in value)


def sentiment(value: object) -> str:
    return SENTIMENTS.get(value, "—") if isinstance(value, str) else "—"


def day(value: object) -> str:
    """A date as 2026/08/03; "—" when missing (an issue without feedback has no first day)."""
    return "—" if is_missing(value) or pd.isna(value) else f"{value:%Y/%m/%d}"


def issue_count_columns() -> dict:
    """`st.dataframe` column settings for the issue tables: label, counts and negative share."""
    return {
        "label": "課題",
        "feedback_count": st.column_config.NumberColumn("件数"),
        "negative_count": st.column_config.NumberColumn("ネガティブ件数"),
        "negative_share": st.column_config.ProgressColumn(
            "ネガティブ比率", format="percent", min_value=0, max_value=1
        ),
    }
