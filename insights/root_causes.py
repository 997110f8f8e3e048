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

from collections import Counter, defaultdict
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


def _tests(issue_id, attribute, issue_side, reference_side, n_issue, n_ref) -> list[dict]:
    """Rows (before correction) for every value seen at least MIN_COUNT times in the issue.

    ``issue_side`` maps each value to the issue's documents with it and the first day it was
    seen; ``reference_side`` each value to the rest's documents; ``n_issue``/``n_ref`` count the
    documents on each side.
    """
    from scipy.stats import fisher_exact

    if n_issue == 0 or n_ref == 0:
        return []
    rows = []
    for value, (a, onset) in issue_side.items():
        if a < MIN_COUNT:
            continue
        c = int(reference_side.get(value, 0))
        _, p = fisher_exact([[a, n_issue - a], [c, n_ref - c]], alternative="greater")
        ref_share = c / n_ref
        rows.append(
            dict(
                issue_id=issue_id,
                attribute=attribute,
                value=str(value),
                count=a,
                issue_docs=n_issue,
                reference_count=c,
                reference_docs=n_ref,
                lift=float((a / n_issue) / ref_share) if ref_share > 0 else float("inf"),
                p_value=float(p),
                onset=_as_date(onset),
            )
        )
    return rows


def _as_date(value) -> date | None:
    if value is None or pd.isna(value):
        return None
    return value if type(value) is date else pd.Timestamp(value).date()


def _ranked(rows: list[dict]) -> list[Candidate]:
    from scipy.stats import false_discovery_control

    if not rows:
        return []
    q = false_discovery_control([r["p_value"] for r in rows], method="bh")
    kept = [Candidate(**r, q_value=float(qv)) for r, qv in zip(rows, q, strict=True) if qv <= Q_MAX]
    kept.sort(key=lambda c: (c.q_value, -c.lift, c.attribute, c.value))
    return [Candidate(**{**c.__dict__, "rank": i}) for i, c in enumerate(kept, start=1)]


def cause_counts(feedback: pd.DataFrame, attributes: Sequence[str] = ROOT_CAUSE_ATTRIBUTES):
    """marts.root_cause_counts and the complaints per issue and product, from one row per document
    (small frames; the pipeline reads both from the warehouse).

    ``feedback``: ``issue_id``, ``is_complaint``, ``created_date``, ``product`` (the document's or
    its issue's), the attribute columns and, for phrases, ``terms``. Returns (``counts``: issue_id,
    product, attribute, value, documents, onset; ``sizes``: issue_id, product, documents).
    """
    frame = feedback[feedback["is_complaint"].fillna(False).astype(bool)].copy()
    keys = ["issue_id", "product"]
    parts = []
    for attribute in attributes:
        if attribute == "phrase":
            if "terms" not in frame:
                continue
            pairs = frame["terms"].map(
                lambda ts: sorted({t for t in (ts if ts is not None else ()) if "|" in t})
            )
            values = frame[keys + ["created_date"]].assign(value=pairs).explode("value")
            values = values[values["value"].notna()]
        else:
            column = frame["created_date"].map(_week) if attribute == "week" else frame[attribute]
            known = column.notna() & (column.astype(str) != "")
            values = frame.loc[known, keys + ["created_date"]].assign(value=column[known])
        grouped = values.groupby(keys + ["value"], dropna=False, sort=False)["created_date"]
        parts.append(
            pd.DataFrame({"documents": grouped.size(), "onset": grouped.min()})
            .reset_index()
            .assign(attribute=attribute)
        )
    columns = ["issue_id", "product", "attribute", "value", "documents", "onset"]
    counts = (
        pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)
    )
    sizes = frame.groupby(keys, dropna=False).size().rename("documents").reset_index()
    return counts, sizes


class _Issues:
    """The complaints' counts indexed for the per-issue tests: each issue's products, its own
    documents per value and the reference's, summed from per-product counts (plain dictionaries:
    an issue's tables take a few look-ups, however many documents they count)."""

    def __init__(self, counts: pd.DataFrame, sizes: pd.DataFrame):
        # attribute → issue → product → value → [documents, onset]; None is no issue / product.
        self.own: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
        # attribute → product → value → documents, over every issue (and none)
        self.total: dict = defaultdict(lambda: defaultdict(Counter))
        for issue_id, product, attribute, value, n, onset in zip(
            counts["issue_id"],
            counts["product"],
            counts["attribute"],
            counts["value"],
            counts["documents"],
            counts["onset"],
            strict=True,
        ):
            issue_id, product, n = _key(issue_id), _key(product), int(n)
            values = self.own[attribute][issue_id][product]
            first = values.get(value)
            values[value] = [n, onset] if first is None else [first[0] + n, min(first[1], onset)]
            self.total[attribute][product][value] += n
        self.sizes: dict = defaultdict(Counter)  # issue → product → complaints
        for issue_id, product, n in zip(
            sizes["issue_id"], sizes["product"], sizes["documents"], strict=True
        ):
            self.sizes[_key(issue_id)][_key(product)] += int(n)
        self.ids = sorted(i for i in self.sizes if i is not None and not str(i).startswith("__"))

    def products(self, issue_id) -> set:
        return {p for p in self.sizes[issue_id] if p is not None}

    def sides(self, issue_id, attribute, products, whole: bool):
        """The issue's documents and onset per value, and the reference's documents per value:
        the other complaints about ``products`` (all of them when ``whole`` or none)."""
        mine: dict = {}
        for values in self.own[attribute][issue_id].values():
            for value, (n, onset) in values.items():
                first = mine.get(value)
                mine[value] = [n, onset] if first is None else [first[0] + n, min(first[1], onset)]
        scope = self.total[attribute].keys() if whole or not products else products
        reference: Counter = Counter()
        for product in scope:
            reference.update(self.total[attribute][product])
            for value, (n, _) in self.own[attribute][issue_id].get(product, {}).items():
                reference[value] -= n
        return mine, reference

    def documents(self, issue_id, products) -> tuple[int, int]:
        """The issue's complaints, and the other complaints about ``products`` (all when none)."""
        scope = products if products else {p for sizes in self.sizes.values() for p in sizes}
        rest = sum(
            n
            for i, sizes in self.sizes.items()
            if i != issue_id
            for p, n in sizes.items()
            if p in scope
        )
        return sum(self.sizes[issue_id].values()), rest


def _key(value):
    """None for a missing issue or product, however the frame spells it."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def root_causes(feedback: pd.DataFrame, attributes: Sequence[str] = ATTRIBUTES) -> list[Candidate]:
    """Ranked candidates for every issue, from one row per document (see `cause_counts`)."""
    return causes_from_counts(*cause_counts(feedback, attributes), attributes)


def causes_from_counts(
    counts: pd.DataFrame, sizes: pd.DataFrame, attributes: Sequence[str] = ATTRIBUTES
) -> list[Candidate]:
    """Ranked candidates for every issue, from the complaints' counts per issue, product,
    attribute and value (``counts``, with each value's ``onset``) and per issue and product
    (``sizes``); see `cause_counts`. An issue is any id but None and those starting with ``__``.
    """
    issues = _Issues(counts, sizes)
    out: list[Candidate] = []
    for issue_id in issues.ids:
        products = issues.products(issue_id)
        rows = []
        for attribute in attributes:
            if attribute == "product" and len(products) <= 1:
                continue  # an issue of one product: its product is its definition, not a cause
            issue_side, reference_side = issues.sides(
                issue_id, attribute, products, whole=attribute == "product"
            )
            rows += _tests(
                issue_id,
                attribute,
                issue_side,
                reference_side,
                sum(n for n, _ in issue_side.values()),
                sum(reference_side.values()),
            )
        out += _ranked(rows)
    return out


def key_phrases(feedback: pd.DataFrame, top: int = 10) -> list[Candidate]:
    """Aspect pairs over-represented in each issue against its product's other complaints, from
    one row per document with ``terms`` (the stored issue terms; aspect pairs contain ``|``)."""
    return phrases_from_counts(*cause_counts(feedback, ("phrase",)), top)


def phrases_from_counts(
    counts: pd.DataFrame, sizes: pd.DataFrame, top: int = 10
) -> list[Candidate]:
    """At most ``top`` key phrases per issue from the complaints' counts (see `causes_from_counts`):
    each side's documents are all its complaints, with a phrase or not."""
    issues = _Issues(counts, sizes)
    out: list[Candidate] = []
    for issue_id in issues.ids:
        products = issues.products(issue_id)
        issue_side, reference_side = issues.sides(issue_id, "phrase", products, whole=False)
        n_issue, n_ref = issues.documents(issue_id, products)
        out += _ranked(_tests(issue_id, "phrase", issue_side, reference_side, n_issue, n_ref))[:top]
    return out
