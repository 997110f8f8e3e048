"""Alerts: emerging issues (`insights.emerging`) and risk items that need the support office at once.

Feedback flagged ``safety`` or ``sns_threat`` alerts on its own, whatever the volume: a fire
hazard or a threat to go public is handled by the organisation (the お客様相談室), not left to
the agent who took it. Every alert has a stable id, so computing alerts again gives the same
rows, and a short Japanese title for the app, the mail and the webhook.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from insights.emerging import DailyCounts, DailyScores, EmergingAlert, scan
from koe.vocabulary import ALERT_KINDS, IMMEDIATE_FLAGS, NO_PRODUCT, QUALITY_TEAM, SUPPORT_OFFICE


@dataclass(frozen=True)
class Alert:
    alert_id: str
    kind: str
    day: date
    window_days: int
    issue_id: str | None
    feedback_id: str | None
    product: str | None
    route: str  # who must act
    title: str
    observed: float | None
    expected: float | None
    p_value: float | None
    evidence: dict = field(default_factory=dict)


def _id(*parts) -> str:
    return "alt_" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def _is_issue(issue_id) -> bool:
    return isinstance(issue_id, str) and not issue_id.startswith("__")


@dataclass(frozen=True)
class EmergingInputs:
    """What `insights.emerging.scan` reads, and each issue's product for the alerts it finds."""

    issues: DailyCounts  # every document in the day's total; each issue's documents
    first_seen: dict[str, date]
    scores: DailyScores | dict[str, list[tuple[date, float]]]
    products: DailyCounts  # each product's complaints
    product_of: dict[str, str]  # the product most of an issue's documents name


def emerging_inputs(feedback: pd.DataFrame) -> EmergingInputs:
    """`EmergingInputs` from one row per document (small frames; the pipeline reads daily counts
    with `emerging_inputs_from_counts`).

    ``feedback``: ``issue_id``, ``created_date`` (a date), ``sentiment_score``, ``is_complaint``
    and ``product`` (the document's, or its issue's), in the order the documents were created.
    Every row counts in the day's total, issue or not; each product's complaints form one more
    series.
    """
    totals: dict[date, int] = defaultdict(int)
    issues: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    products: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    scores: dict[str, list[tuple[date, float]]] = defaultdict(list)
    product_of: dict[str, Counter] = defaultdict(Counter)
    for issue_id, day, score, complaint, product in zip(
        feedback["issue_id"],
        feedback["created_date"],
        feedback["sentiment_score"],
        feedback["is_complaint"],
        feedback["product"],
        strict=True,
    ):
        totals[day] += 1
        named = isinstance(product, str)
        if complaint is True and named:
            products[product][day] += 1
        if _is_issue(issue_id):
            issues[issue_id][day] += 1
            if named:
                product_of[issue_id][product] += 1
            if score is not None and not pd.isna(score):
                scores[issue_id].append((day, float(score)))
    return EmergingInputs(
        DailyCounts(dict(totals), {i: dict(c) for i, c in issues.items()}),
        {i: min(days) for i, days in issues.items()},
        dict(scores),
        DailyCounts(dict(totals), {p: dict(c) for p, c in products.items()}),
        {i: c.most_common(1)[0][0] for i, c in product_of.items()},
    )


def emerging_inputs_from_counts(
    daily: pd.DataFrame, issue_products: pd.DataFrame, samples: Callable
) -> EmergingInputs:
    """`EmergingInputs` from daily counts, never from documents.

    ``daily`` (marts.feedback_daily): ``day``, ``issue_id``, ``product``, ``is_complaint``,
    ``documents``, ``scored`` and ``score_sum``. ``issue_products`` (marts.issue_products):
    ``issue_id``, ``product``, ``documents`` and the first document naming it (``first_at``,
    ``first_feedback_id``), which settles a tie as `Counter.most_common` does on documents in
    creation order. ``samples`` is `DailyScores.samples`: the exact scores of the few windows
    whose sums say they may have dropped.
    """
    totals: dict[date, int] = defaultdict(int)
    issues: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    products: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    sums: dict[str, dict[date, tuple[int, float]]] = defaultdict(dict)
    for issue_id, day, product, complaint, n, scored, score_sum in zip(
        daily["issue_id"],
        daily["day"],
        daily["product"],
        daily["is_complaint"],
        daily["documents"],
        daily["scored"],
        daily["score_sum"],
        strict=True,
    ):
        n = int(n)
        totals[day] += n
        if complaint is True and isinstance(product, str):
            products[product][day] += n
        if _is_issue(issue_id):
            issues[issue_id][day] += n
            if scored:
                count, total = sums[issue_id].get(day, (0, 0.0))
                sums[issue_id][day] = (count + int(scored), total + float(score_sum))
    named = issue_products[[_is_issue(i) for i in issue_products["issue_id"]]]
    ranked = named.sort_values(
        ["issue_id", "documents", "first_at", "first_feedback_id"],
        ascending=[True, False, True, True],
    ).drop_duplicates("issue_id")
    return EmergingInputs(
        DailyCounts(dict(totals), {i: dict(c) for i, c in issues.items()}),
        {i: min(days) for i, days in issues.items()},
        DailyScores(dict(sums), samples),
        DailyCounts(dict(totals), {p: dict(c) for p, c in products.items()}),
        dict(zip(ranked["issue_id"], ranked["product"], strict=True)),
    )


def _top_issues(data: DailyCounts, product_of, product, day, window, labels) -> list[dict]:
    """The product's issues with the most documents in the window: what a product rise is made of."""
    rows = [
        (data.window(counts, day, window), issue_id)
        for issue_id, counts in data.issues.items()
        if product_of.get(issue_id) == product
    ]
    return [
        {"issue_id": i, "label": labels.get(i, i), "documents": n}
        for n, i in sorted(rows, key=lambda r: (-r[0], r[1]))[:3]
        if n
    ]


def _emerging_title(alert: EmergingAlert, label: str) -> str:
    kind = ALERT_KINDS[alert.kind]
    span = "1日" if alert.window_days == 1 else f"{alert.window_days}日間"
    volume = f"直近{span} {alert.observed:.0f}件、通常なら約{alert.expected:.1f}件"
    if alert.kind == "volume_spike":
        return f"{kind}: {label}（{volume}）"
    if alert.kind == "product_spike":
        return f"{kind}: {alert.issue_id}（{volume}）"
    if alert.kind == "new_issue":
        return f"{kind}: {label}（{alert.window_days}日で{alert.observed:.0f}件）"
    return f"{kind}: {label}（直近7日の平均 {alert.observed:+.2f}、通常 {alert.expected:+.2f}）"


def build_alerts(feedback: pd.DataFrame, labels: Mapping[str, str]) -> list[Alert]:
    """Every alert over the feedback's whole period, oldest first, from one row per document
    (small frames; the pipeline calls `alerts_from`).

    ``feedback``: ``feedback_id``, ``issue_id``, ``created_date``, ``sentiment_score``,
    ``is_complaint``, ``flags`` (list), ``channel``, ``product`` (its own or its issue's) and
    ``text_masked``. ``labels`` names the issues.
    """
    flagged = [
        any(f in (flags if flags is not None else ()) for f in IMMEDIATE_FLAGS)
        for flags in feedback["flags"]
    ]
    return alerts_from(emerging_inputs(feedback), feedback[flagged], labels)


def alerts_from(
    inputs: EmergingInputs,
    flagged: pd.DataFrame,
    labels: Mapping[str, str],
    tested: Mapping[date, list[EmergingAlert]] | None = None,
) -> list[Alert]:
    """Every alert over the whole period, oldest first: the emerging issues found in ``inputs``,
    and one per document of ``flagged`` (the feedback carrying an immediate flag, with the
    columns `build_alerts` names) for each such flag. ``labels`` names the issues. ``tested``
    holds days already tested (`insights.emerging.scan_days`); the others are tested here.
    """
    data, product_of = inputs.issues, inputs.product_of
    alerts = []
    for found in scan(data, inputs.first_seen, inputs.scores, inputs.products, reuse=tested):
        label = labels.get(found.issue_id, found.issue_id)
        evidence = dict(found.evidence)
        if found.kind == "product_spike":
            product, issue_id = found.issue_id, None
            evidence["issues"] = _top_issues(
                data, product_of, product, found.day, found.window_days, labels
            )
        else:
            product, issue_id = product_of.get(found.issue_id), found.issue_id
        alerts.append(
            Alert(
                _id(found.kind, found.issue_id, found.day, found.window_days),
                found.kind,
                found.day,
                found.window_days,
                issue_id,
                None,
                product,
                QUALITY_TEAM,
                _emerging_title(found, label),
                float(found.observed),
                float(found.expected),
                found.p_value,
                evidence,
            )
        )
    for row in flagged.itertuples(index=False):
        flags = row.flags if row.flags is not None else ()
        for flag in IMMEDIATE_FLAGS:
            if flag not in flags:
                continue
            product = row.product if isinstance(row.product, str) else NO_PRODUCT
            alerts.append(
                Alert(
                    _id(flag, row.feedback_id),
                    flag,
                    row.created_date,
                    1,
                    row.issue_id if _is_issue(row.issue_id) else None,
                    row.feedback_id,
                    row.product if isinstance(row.product, str) else None,
                    SUPPORT_OFFICE,
                    f"{ALERT_KINDS[flag]}: {product}",
                    None,
                    None,
                    None,
                    {
                        "excerpt": (row.text_masked or "")[:200],
                        "flags": list(flags),
                        "channel": row.channel,
                    },
                )
            )
    alerts.sort(key=lambda a: (a.day, a.kind, a.alert_id))
    return alerts
