"""Root-cause candidates: which attribute values are over-represented in an issue.

For each issue and each attribute value seen in it (product, lot, firmware, app version, channel,
region, week), the issue's documents are compared with the rest of the feedback in a 2×2 table:

                     has the value   lacks it
    in the issue           a            b
    rest of feedback       c            d

The reference is the other complaints about the issue's own product: a lot or firmware number
only exists for that product, and complaints are what an issue competes with (praise and questions
come in through other channels in other proportions). Only documents where the attribute is known
count. A document's product is its own field, or else its issue's. The lift is
a/(a+b) ÷ c/(c+d); the one-sided Fisher exact test says how surprising ``a`` is, and the p-values
of one issue's candidates are corrected together (Benjamini–Hochberg). Candidates are ranked by
corrected p, then lift. The onset is the date of the issue's first document with the value.

Key phrases are ranked the same way: aspect pairs such as ``電源|入らない`` found in more of the
issue's documents than the rest of its product's complaints would suggest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from koe.vocabulary import ROOT_CAUSE_ATTRIBUTES

# The attributes tested, as marts.feedback names them (week is derived from the date); the
# vocabulary's "phrase" marks a key phrase instead.
ATTRIBUTES = tuple(a for a in ROOT_CAUSE_ATTRIBUTES if a != "phrase")
Q_MAX = 0.05  # candidates with a corrected p above this are not reported
MIN_COUNT = 3


@dataclass(frozen=True)
class Candidate:
    """One over-represented attribute value (or key phrase) of an issue."""

    issue_id: str
    attribute: str
    value: str
    count: int  # the issue's documents with the value
    issue_docs: int  # the issue's documents where the attribute is known
    reference_count: int  # the rest's documents with the value
    reference_docs: int  # the rest's documents where the attribute is known
    lift: float
    p_value: float
    q_value: float  # Benjamini–Hochberg over the issue's candidates
    onset: date | None
    rank: int = 0


def _week(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


def _tests(issue_id, attribute, issue_values, reference_values, n_issue, n_ref, days) -> list[dict]:
    """Rows (before correction) for every value seen at least MIN_COUNT times in the issue.

    ``issue_values``/``reference_values`` hold one value per document (or several, for phrases:
    their index says which document); ``n_issue``/``n_ref`` count the documents on each side.
    """
    from scipy.stats import fisher_exact

    if n_issue == 0 or n_ref == 0:
        return []
    ref_counts = reference_values.value_counts()
    rows = []
    for value, a in issue_values.value_counts().items():
        if a < MIN_COUNT:
            continue
        c = int(ref_counts.get(value, 0))
        _, p = fisher_exact([[a, n_issue - a], [c, n_ref - c]], alternative="greater")
        ref_share = c / n_ref
        rows.append(
            dict(
                issue_id=issue_id,
                attribute=attribute,
                value=str(value),
                count=int(a),
                issue_docs=n_issue,
                reference_count=c,
                reference_docs=n_ref,
                lift=float((a / n_issue) / ref_share) if ref_share > 0 else float("inf"),
                p_value=float(p),
                onset=min(days[issue_values.index[issue_values == value]], default=None),
            )
        )
    return rows


def _about(frame: pd.DataFrame, products) -> pd.Series:
    """Rows about ``products``; every row when there is none (an issue of no product)."""
    if not len(products):
        return pd.Series(True, frame.index)
    return frame["product"].isin(products)


def _ranked(rows: list[dict]) -> list[Candidate]:
    from scipy.stats import false_discovery_control

    if not rows:
        return []
    q = false_discovery_control([r["p_value"] for r in rows], method="bh")
    kept = [Candidate(**r, q_value=float(qv)) for r, qv in zip(rows, q, strict=True) if qv <= Q_MAX]
    kept.sort(key=lambda c: (c.q_value, -c.lift, c.attribute, c.value))
    return [Candidate(**{**c.__dict__, "rank": i}) for i, c in enumerate(kept, start=1)]


def root_causes(feedback: pd.DataFrame, attributes: Sequence[str] = ATTRIBUTES) -> list[Candidate]:
    """Ranked candidates for every issue.

    ``feedback``: one row per document with ``issue_id`` (None or a name starting with ``__`` for
    no issue), ``is_complaint``, ``created_date`` and the attribute columns (``product`` being the
    document's product or its issue's; ``week`` is derived from the date).
    """
    frame = feedback[feedback["is_complaint"].fillna(False).astype(bool)].copy()
    frame["week"] = frame["created_date"].map(_week)
    issues = sorted(i for i in frame["issue_id"].dropna().unique() if not str(i).startswith("__"))
    out: list[Candidate] = []
    for issue_id in issues:
        mine = frame["issue_id"] == issue_id
        products = frame.loc[mine, "product"].dropna().unique()
        scope = _about(frame, products)
        rows = []
        for attribute in attributes:
            if attribute == "product" and len(products) <= 1:
                continue  # an issue of one product: its product is its definition, not a cause
            known = frame[attribute].notna() & (frame[attribute].astype(str) != "")
            reference = scope if attribute != "product" else pd.Series(True, frame.index)
            issue_values = frame.loc[mine & known, attribute]
            reference_values = frame.loc[~mine & reference & known, attribute]
            rows += _tests(
                issue_id,
                attribute,
                issue_values,
                reference_values,
                len(issue_values),
                len(reference_values),
                frame["created_date"],
            )
        out += _ranked(rows)
    return out


def key_phrases(feedback: pd.DataFrame, top: int = 10) -> list[Candidate]:
    """Aspect pairs over-represented in each issue against its product's other complaints.

    ``feedback``: ``issue_id``, ``product``, ``created_date``, ``is_complaint`` and ``terms`` (the
    stored issue terms; aspect pairs contain ``|``). At most ``top`` phrases per issue.
    """
    complaints = feedback[feedback["is_complaint"].fillna(False).astype(bool)]
    pairs = complaints["terms"].map(
        lambda ts: sorted({t for t in (ts if ts is not None else ()) if "|" in t})
    )
    issues = sorted(
        i for i in complaints["issue_id"].dropna().unique() if not str(i).startswith("__")
    )
    out: list[Candidate] = []
    for issue_id in issues:
        mine = complaints["issue_id"] == issue_id
        scope = _about(complaints, complaints.loc[mine, "product"].dropna().unique())
        rows = _tests(
            issue_id,
            "phrase",
            pairs[mine].explode().dropna(),
            pairs[~mine & scope].explode().dropna(),
            int(mine.sum()),
            int((~mine & scope).sum()),
            complaints["created_date"],
        )
        out += _ranked(rows)[:top]
    return out
