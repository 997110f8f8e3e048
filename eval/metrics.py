"""The measures `make eval` reports, as plain functions of labels and predictions.

Issue measures follow the issue (#3) definitions: unclassified documents (−1 / None) count as
one group, as BERTopic's −1 topic does, and non-complaints carry one true label of their own.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from sklearn.metrics import adjusted_rand_score, f1_score, normalized_mutual_info_score

UNCLASSIFIED = "(unclassified)"


@dataclass(frozen=True)
class IssueScores:
    nmi: float
    ari: float
    within_product_nmi: float
    unclassified: float  # share of documents in no issue
    purity: float  # size-weighted share of each found issue's dominant true label
    n_issues: int


def _group(label: Hashable | None) -> Hashable:
    return UNCLASSIFIED if label is None else label


def issue_scores(
    truth: Sequence[Hashable], found: Sequence[Hashable | None], products: Sequence[Hashable]
) -> IssueScores:
    """Compare found issues (None = unclassified) with the true issue labels.

    ``products`` is each document's true product, for the within-product NMI: the NMI inside
    each product's documents, weighted by their number. A document whose truth is None (no known
    true group) is left out of every measure.
    """
    if not (len(truth) == len(found) == len(products)):
        raise ValueError("truth, found and products must have the same length")
    known = [i for i, t in enumerate(truth) if t is not None]
    truth = [truth[i] for i in known]
    products = [products[i] for i in known]
    found = [_group(found[i]) for i in known]
    total = len(truth)
    by_product: dict[Hashable, list[int]] = defaultdict(list)
    for i, product in enumerate(products):
        by_product[product].append(i)
    weighted = 0.0
    for rows in by_product.values():
        t = [truth[i] for i in rows]
        f = [found[i] for i in rows]
        # One true label and one found group agree perfectly; sklearn returns 1.0 there too.
        weighted += len(rows) * normalized_mutual_info_score(t, f)
    return IssueScores(
        nmi=normalized_mutual_info_score(truth, found),
        ari=adjusted_rand_score(truth, found),
        within_product_nmi=weighted / total if total else 0.0,
        unclassified=sum(f == UNCLASSIFIED for f in found) / total if total else 0.0,
        purity=_purity(truth, found),
        n_issues=len({f for f in found if f != UNCLASSIFIED}),
    )


def _purity(truth: Sequence[Hashable], found: Sequence[Hashable]) -> float:
    members: dict[Hashable, Counter] = defaultdict(Counter)
    for t, f in zip(truth, found, strict=True):
        if f != UNCLASSIFIED:
            members[f][t] += 1
    classified = sum(sum(c.values()) for c in members.values())
    if not classified:
        return 0.0
    return sum(c.most_common(1)[0][1] for c in members.values()) / classified


@dataclass(frozen=True)
class IssueRow:
    """How one true issue came out: its dominant found issue, and that issue's purity."""

    issue: str
    size: int
    found: str  # the found issue holding most of its documents (UNCLASSIFIED possible)
    recall: float  # share of the true issue's documents in that found issue
    purity: float  # share of that found issue's documents that belong to this true issue


def per_issue(truth: Sequence[Hashable], found: Sequence[Hashable | None]) -> list[IssueRow]:
    """Per true issue: where most of its documents went, and how pure that found issue is.
    Documents whose truth is None are left out."""
    known = [i for i, t in enumerate(truth) if t is not None]
    truth, found = [truth[i] for i in known], [found[i] for i in known]
    found = [_group(f) for f in found]
    by_truth: dict[Hashable, Counter] = defaultdict(Counter)
    by_found: Counter = Counter(found)
    for t, f in zip(truth, found, strict=True):
        by_truth[t][f] += 1
    rows = []
    for t, counter in sorted(by_truth.items(), key=lambda kv: str(kv[0])):
        classified = Counter({f: n for f, n in counter.items() if f != UNCLASSIFIED})
        dominant, n = (classified or counter).most_common(1)[0]
        size = sum(counter.values())
        rows.append(
            IssueRow(
                issue=str(t),
                size=size,
                found=str(dominant),
                recall=n / size,
                purity=n / by_found[dominant],
            )
        )
    return rows


def macro_f1(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> float:
    return float(f1_score(truth, predicted, labels=list(labels), average="macro", zero_division=0))


@dataclass(frozen=True)
class Detection:
    """Precision/recall of one binary detector (a flag, a QA check) over items."""

    name: str
    support: int  # items that truly carry it
    predicted: int
    true_positive: int
    decoys: int  # items with a decoy for it
    decoys_flagged: int

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.support if self.support else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def precision_interval(self) -> tuple[float, float]:
        """95 % Wilson interval of the precision: a blind set has about 60 positives per flag,
        so one set's figure is an estimate, not the model's level."""
        return proportion_interval(self.true_positive, self.predicted)

    @property
    def recall_interval(self) -> tuple[float, float]:
        """95 % Wilson interval of the recall."""
        return proportion_interval(self.true_positive, self.support)


def proportion_interval(successes: int, trials: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of ``successes`` / ``trials`` ((0, 1) with no trials)."""
    from scipy.stats import binomtest

    if trials == 0:
        return 0.0, 1.0
    ci = binomtest(successes, trials).proportion_ci(confidence_level=0.95, method="wilson")
    return float(ci.low), float(ci.high)


def detections(
    names: Iterable[str],
    truth: Sequence[frozenset[str]],
    predicted: Sequence[Iterable[str]],
    decoys: Sequence[frozenset[str]],
) -> list[Detection]:
    predicted = [frozenset(p) for p in predicted]
    rows = []
    for name in names:
        rows.append(
            Detection(
                name=name,
                support=sum(name in t for t in truth),
                predicted=sum(name in p for p in predicted),
                true_positive=sum(
                    name in t and name in p for t, p in zip(truth, predicted, strict=True)
                ),
                decoys=sum(name in d for d in decoys),
                decoys_flagged=sum(
                    name in d and name in p for d, p in zip(decoys, predicted, strict=True)
                ),
            )
        )
    return rows


@dataclass(frozen=True)
class PiiScores:
    recall: dict[str, float]  # per type: labelled spans found with the right type
    support: dict[str, int]
    masked_recall: float  # labelled spans covered by any finding, whatever its type
    false_positive_texts: float  # share of texts with a finding that overlaps no labelled span
    false_positive_examples: list[tuple[str, str]]  # (text id, the wrongly masked string)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def pii_scores(
    ids: Sequence[str],
    texts: Sequence[str],
    labelled: Sequence[Sequence[tuple[str, int, int]]],
    found: Sequence[Sequence[tuple[str, int, int]]],
    types: Sequence[str],
) -> PiiScores:
    """A labelled span counts as found when a finding covers at least half of it.

    Spans are ``(type, start, end)``. A finding that touches no labelled span is a false
    positive; the rate is per text, as the issue's target is.
    """
    hits: Counter = Counter()
    support: Counter = Counter()
    covered = 0
    fp_texts = 0
    examples: list[tuple[str, str]] = []
    for text_id, text, gold, pred in zip(ids, texts, labelled, found, strict=True):
        for kind, start, end in gold:
            support[kind] += 1
            need = (end - start) / 2
            if any(_overlap((start, end), (s, e)) >= need for _, s, e in pred):
                covered += 1
            if any(k == kind and _overlap((start, end), (s, e)) >= need for k, s, e in pred):
                hits[kind] += 1
        wrong = [
            (s, e) for _, s, e in pred if not any(_overlap((s, e), (gs, ge)) for _, gs, ge in gold)
        ]
        if wrong:
            fp_texts += 1
            examples.extend((text_id, text[s:e]) for s, e in wrong)
    total = sum(support.values())
    return PiiScores(
        recall={t: hits[t] / support[t] if support[t] else 1.0 for t in types},
        support={t: support[t] for t in types},
        masked_recall=covered / total if total else 1.0,
        false_positive_texts=fp_texts / len(texts) if texts else 0.0,
        false_positive_examples=examples,
    )
