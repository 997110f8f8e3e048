"""Japanese display names and number formats shared by the pages (UI text only)."""

from __future__ import annotations

import math
import re

import pandas as pd
import streamlit as st

from koe.formats import interval_text
from koe.vocabulary import (
    CHANNELS,
    FLAGS,
    IMPACT_FIGURES,
    KPIS,
    NO_PRODUCT,
    QA_CHECKS,
    ROOT_CAUSE_ATTRIBUTES,
    SENTIMENTS,
    name_of,
)

# KPIs whose value is a duration in seconds; every other KPI is a share shown in percent.
SECONDS_KPIS = {k.code for k in KPIS if k.unit == "seconds"}


def root_cause_attribute(value: str | None) -> str:
    return name_of(ROOT_CAUSE_ATTRIBUTES, value)


def channel(value: str | None) -> str:
    return name_of(CHANNELS, value)


def qa_check(value: str | None) -> str:
    return name_of(QA_CHECKS, value)


def product(value: str | None) -> str:
    return value if isinstance(value, str) and value else NO_PRODUCT


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
    """Customer or agent words safe inside st.markdown: Markdown's special characters escaped,
    and a zero-width space after "http", "ftp" or "www", because GitHub-flavoured Markdown turns
    a bare URL into a live link whatever is escaped."""
    escaped = re.sub(r"([\\`*_{}\[\]()#+\-.!|>~<:$])", r"\\\1", text or "")
    return _AUTOLINK.sub("\\1\u200b", escaped)


_AUTOLINK = re.compile(r"(https?|ftp|www)(?=\\[:.])", re.IGNORECASE)


def words(value: object) -> str:
    """A keyword list (list or array from DuckDB) as one Japanese-punctuated string."""
    if value is None or isinstance(value, float | str):
        return value if isinstance(value, str) else ""
    return "、".join(str(word) for word in value)


def flag_names(value: object) -> str:
    """Risk flags (list or array from DuckDB) in Japanese, comma-joined; "" when none."""
    if value is None or isinstance(value, float | str):
        return ""
    return "、".join(name_of(FLAGS, str(flag)) for flag in value)


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


def impact_table(ranked: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """`insights.impact.rank_issues` rows as the priority table, with Japanese headers (also the
    CSV's): rank, issue, voices, the combined impact and each figure's change in points, each
    with its 95 % interval."""
    table = pd.DataFrame(
        {
            "順位": range(1, len(ranked) + 1),
            "課題": [names.get(i, i) for i in ranked["issue_id"]],
            "件数": ranked["voices"].astype(int),
            "影響度（95%区間）": [
                interval_text(r.impact, r.impact_low, r.impact_high) for r in ranked.itertuples()
            ],
        }
    )
    for code, name in IMPACT_FIGURES.items():
        table[f"{name}の変化"] = [
            interval_text(v, lo, hi, unit="pt")
            for v, lo, hi in zip(
                ranked[code], ranked[f"{code}_low"], ranked[f"{code}_high"], strict=True
            )
        ]
    return table
