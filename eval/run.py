"""Run koe's real analysis on the labelled evaluation set and measure it against the targets.

Every text goes the production way: PII masking first, then sentiment, flags, embeddings and
issue clustering on the masked text. PII is measured on the raw text, agent QA on calls read by
koe's own call reader and masked as ingest masks them.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eval.dataset import Catalog, LabelledCall, LabelledText, load_catalog
from eval.metrics import (
    Detection,
    IssueRow,
    IssueScores,
    PiiScores,
    detections,
    issue_scores,
    macro_f1,
    per_issue,
    pii_scores,
)
from eval.voices import VoicesReport

NON_COMPLAINT = "(non-complaint)"  # the true label of praise, questions and requests
NOT_A_COMPLAINT = "(not a complaint)"  # koe's answer for texts it does not count as complaints

# (measure, target, direction): the issue's targets, in the order the table prints them.
TARGETS: dict[str, tuple[float, str]] = {
    "issues.with_product.nmi": (0.80, ">="),
    "issues.with_product.ari": (0.65, ">="),
    "issues.with_product.within_product_nmi": (0.60, ">="),
    "issues.text_only.nmi": (0.65, ">="),
    "issues.with_product.unclassified": (0.10, "<="),
    "sentiment.macro_f1": (0.85, ">="),
    "sentiment.sns_polarity_accuracy": (0.85, ">="),
    "complaint.f1": (0.90, ">="),
    "flags.min_precision": (0.90, ">="),
    "flags.min_recall": (0.85, ">="),
    "flags.decoys_flagged": (0, "<="),
    "pii.min_recall_structured": (0.98, ">="),
    "pii.recall.person": (0.85, ">="),
    "pii.false_positive_texts": (0.02, "<="),
    "qa.min_f1": (0.90, ">="),
    # Against BERTopic with its defaults, text only and per product (measured with the peer only):
    # koe's lowest ratio over NMI, ARI, within-product NMI and fewer unclassified, and its speed.
    "peer.min_quality_ratio": (1.0, ">"),
    "peer.min_speed_ratio": (3.0, ">="),
    # All voices (issues and recurring questions together) against BERTopic on the same texts:
    # koe's lowest NMI or ARI ratio (eval/voices.py).
    "voices.peer.min_quality_ratio": (1.0, ">"),
}
# Text-only issues on sets of this many products, as many as a blind set has (`_sampled_run`).
SAMPLED = "text_only_20_products"
SAMPLE_PRODUCTS = 20
PRODUCT_SAMPLES = 5
# (koe run, BERTopic run) pairs the peer targets compare.
PEER_PAIRS = (("text_only", "bertopic_default"), ("with_product", "bertopic_default_per_product"))
STRUCTURED_PII = ("phone", "email", "card", "postal_code", "order_id")


@dataclass
class ClusterRun:
    name: str
    scores: IssueScores
    seconds: float
    rows: list[IssueRow] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # found issue id → its label


@dataclass
class Report:
    n_texts: int
    n_calls: int
    embed_seconds: float
    terms_seconds: float  # koe's issue-term extraction (Sudachi), part of its per-text analysis
    koe: dict[str, ClusterRun]  # "with_product", "text_only"
    peers: dict[str, ClusterRun]
    sentiment_macro_f1: float
    sns_polarity_accuracy: float  # short SNS posts of known polarity called with that polarity
    complaint: Detection  # the problem-report judgement
    flags: list[Detection]
    pii: PiiScores
    qa: list[Detection]
    voices: VoicesReport | None = None  # issues and recurring questions over all voices

    def measures(self) -> dict[str, float]:
        """The flat measure → value map the targets and the tests read."""
        out: dict[str, float] = {}
        for key, run in self.koe.items():
            for name, value in asdict(run.scores).items():
                out[f"issues.{key}.{name}"] = float(value)
            out[f"issues.{key}.seconds"] = run.seconds
        out["sentiment.macro_f1"] = self.sentiment_macro_f1
        out["sentiment.sns_polarity_accuracy"] = self.sns_polarity_accuracy
        out["complaint.f1"] = self.complaint.f1
        out["complaint.precision"] = self.complaint.precision
        out["complaint.recall"] = self.complaint.recall
        flagged = [d for d in self.flags if d.support]
        out["flags.min_precision"] = min((d.precision for d in flagged), default=1.0)
        out["flags.min_recall"] = min((d.recall for d in flagged), default=1.0)
        out["flags.decoys_flagged"] = float(sum(d.decoys_flagged for d in self.flags))
        for d in self.flags:
            out[f"flags.{d.name}.precision"] = d.precision
            out[f"flags.{d.name}.recall"] = d.recall
        for kind, value in self.pii.recall.items():
            out[f"pii.recall.{kind}"] = value
        out["pii.min_recall_structured"] = min(self.pii.recall[k] for k in STRUCTURED_PII)
        out["pii.false_positive_texts"] = self.pii.false_positive_texts
        out["qa.min_f1"] = min((d.f1 for d in self.qa), default=1.0)
        for d in self.qa:
            out[f"qa.{d.name}.f1"] = d.f1
        if self.peers:
            quality, speed = [], []
            for mine, theirs in PEER_PAIRS:
                a, b = self.koe[mine], self.peers[theirs]
                quality += [
                    _quotient(a.scores.nmi, b.scores.nmi),
                    _quotient(a.scores.ari, b.scores.ari),
                    _quotient(a.scores.within_product_nmi, b.scores.within_product_nmi),
                    _quotient(b.scores.unclassified, a.scores.unclassified),
                ]
                speed.append(_quotient(b.seconds, a.seconds))
            out["peer.min_quality_ratio"] = min(quality)
            out["peer.min_speed_ratio"] = min(speed)
        if self.voices is not None:
            out.update(self.voices.measures())
        return out


def _quotient(a: float, b: float) -> float:
    """a ÷ b for "how many times better"; a peer at or below zero (ARI can be negative) is
    beaten by any positive score."""
    if b <= 0:
        return float("inf") if a > max(b, 0.0) else 1.0
    return a / b


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def true_issue(item: LabelledText) -> str | None:
    """A text's true group: its issue, or one group for every text that reports no problem.

    A problem report about something the catalogue does not list has no known group (None): it
    goes through koe like every text, but issue measures leave it out, as a clustering benchmark
    leaves out unlabelled documents."""
    if item.issue:
        return item.issue
    return None if item.kind == "complaint" else NON_COMPLAINT


def _koe_run(feedback, matrix, truth, products) -> ClusterRun:
    from nlp.issues.catalogue import find_issues

    started = time.perf_counter()
    clustering = find_issues(feedback, matrix)
    seconds = time.perf_counter() - started
    # koe's answer per document: an issue, "not a complaint", or unclassified (None).
    found = [
        clustering.assignment[f.feedback_id] if f.complaint else NOT_A_COMPLAINT for f in feedback
    ]
    return ClusterRun(
        "koe",
        issue_scores(truth, found, products),
        seconds,
        per_issue(truth, found),
        {i.issue_id: i.label for i in clustering.issues},
    )


@dataclass
class KoeAnalysis:
    """koe's per-text answers and its two clustering runs on one embedding of the texts."""

    sentiments: list[str]
    complaints: list[bool]
    flags: list[list[str]]
    runs: dict[str, ClusterRun]  # "with_product", "text_only"
    terms_seconds: float  # extracting the issue terms of every text (Sudachi), before clustering
    judged: list = field(default_factory=list)  # the classifier's Judgements, in text order


def analyse(texts, masked, matrix, embedder, model_key, catalog, judged=None) -> KoeAnalysis:
    """Run koe's analysis the way the pipeline does: the text classifier, then issues of the
    problem reports. ``judged`` reuses the classifier's judgements from an earlier run."""
    from nlp.classifier import sentence_vectors
    from nlp.feedback import FeedbackText
    from nlp.issues.model import issue_terms
    from nlp.models import load_classifier

    if judged is None:
        judged = load_classifier(embedder, model_key).predict(
            masked, matrix, sentence_vectors(masked, embedder)
        )
    sentiments = [j.sentiment for j in judged]
    complaints = [j.complaint for j in judged]
    flags = [list(j.flags) for j in judged]
    # Issue terms come from the per-text analysis, as in the pipeline (`analyze_texts` stores
    # them); the time is reported beside the clustering's.
    started = time.perf_counter()
    terms = [tuple(issue_terms(m)) for m in masked]
    terms_seconds = time.perf_counter() - started
    truth = [true_issue(t) for t in texts]
    products = [catalog.true_product(t) for t in texts]
    runs, built = {}, {}
    for key, with_product in (("with_product", True), ("text_only", False)):
        feedback = [
            FeedbackText(
                feedback_id=t.id,
                text=m,
                content_hash=_hash(m),
                product=t.product if with_product else None,
                channel=t.channel,
                complaint=c,
                terms=term,
            )
            for t, m, c, term in zip(texts, masked, complaints, terms, strict=True)
        ]
        runs[key] = _koe_run(feedback, matrix, truth, products)
        built[key] = feedback
    runs[SAMPLED] = _sampled_run(built["text_only"], matrix, truth, products)
    return KoeAnalysis(sentiments, complaints, flags, runs, terms_seconds, judged)


def _sampled_run(feedback, matrix, truth, products) -> ClusterRun:
    """koe text only on sets of `SAMPLE_PRODUCTS` products drawn from the split, each clustered
    alone, scores averaged: a blind set's size. Text-only NMI falls as products are added (more
    look-alike issues of other products to confuse), so dev (hundreds of products) against a
    blind set (twenty) says little until both are measured on sets of one size. A split with no
    more products than that is one set: its texts with a known product."""
    import numpy as np

    from eval.dataset import UNKNOWN_PRODUCT

    known = sorted({p for p in products if p != UNKNOWN_PRODUCT})
    rng = np.random.default_rng(0)
    draws = (
        [set(rng.choice(known, SAMPLE_PRODUCTS, replace=False)) for _ in range(PRODUCT_SAMPLES)]
        if len(known) > SAMPLE_PRODUCTS
        else [set(known)]
    )
    runs = []
    for chosen in draws:
        rows = [i for i, p in enumerate(products) if p in chosen]
        runs.append(
            _koe_run(
                [feedback[i] for i in rows],
                matrix[rows],
                [truth[i] for i in rows],
                [products[i] for i in rows],
            )
        )
    mean = {
        name: float(np.mean([asdict(r.scores)[name] for r in runs]))
        for name in asdict(runs[0].scores)
    }
    mean["n_issues"] = round(mean["n_issues"])
    return ClusterRun("koe", IssueScores(**mean), sum(r.seconds for r in runs) / len(runs))


def evaluate(
    texts: Sequence[LabelledText],
    calls: Sequence[LabelledCall],
    *,
    model: str | None = None,
    peer: bool = True,
    catalog: Catalog | None = None,
    questions: Sequence[LabelledText] = (),
) -> Report:
    """Measure koe on ``texts`` and ``calls``; ``model`` names the embedder (default: koe's).
    With ``questions`` (a topic corpus), also the clustering of all voices (`eval.voices`)."""
    from koe.vocabulary import FLAGS
    from nlp.embed import embed, load_embedder, model_id
    from nlp.pii import PII_TYPES, find_pii, mask

    catalog = catalog or load_catalog()
    masked = [mask(t.text).text for t in texts]
    truth = [true_issue(t) for t in texts]
    products = [catalog.true_product(t) for t in texts]

    embedder = load_embedder(model)
    embedder.encode(["準備"])  # weights load lazily; keep that out of the timing
    started = time.perf_counter()
    matrix, _ = embed(masked, [_hash(m) for m in masked], embedder, {})
    embed_seconds = time.perf_counter() - started
    koe = analyse(texts, masked, matrix, embedder, model_id(model), catalog)
    peers = _peer_runs(masked, matrix, texts, truth, products) if peer else {}
    voices = (
        _all_voices(texts, masked, matrix, koe, questions, embedder, model_id(model), catalog, peer)
        if questions
        else None
    )
    found_pii = [[(s.type, s.start, s.end) for s in find_pii(t.text)] for t in texts]
    return Report(
        n_texts=len(texts),
        n_calls=len(calls),
        embed_seconds=embed_seconds,
        terms_seconds=koe.terms_seconds,
        koe=koe.runs,
        peers=peers,
        sentiment_macro_f1=macro_f1(
            [t.sentiment for t in texts], koe.sentiments, catalog.sentiments
        ),
        sns_polarity_accuracy=sns_polarity_accuracy(texts, koe.sentiments),
        complaint=detections(
            ["complaint"],
            [frozenset({"complaint"} if t.kind == "complaint" else ()) for t in texts],
            [["complaint"] if c else [] for c in koe.complaints],
            [frozenset() for _ in texts],
        )[0],
        flags=detections(
            tuple(FLAGS), [t.flags for t in texts], koe.flags, [t.decoy_flags for t in texts]
        ),
        pii=pii_scores(
            [t.id for t in texts],
            [t.text for t in texts],
            [[(p.type, p.start, p.end) for p in t.pii] for t in texts],
            found_pii,
            PII_TYPES,
        ),
        qa=_qa(calls, catalog),
        voices=voices,
    )


def _all_voices(texts, masked, matrix, koe, questions, embedder, model_key, catalog, peer):
    """The split's feedback and its topic corpus clustered together (`eval.voices`)."""
    import numpy as np

    from eval.dataset import load_topics
    from eval.voices import cluster_all_voices, inquiry_detection
    from nlp.classifier import sentence_vectors
    from nlp.embed import embed
    from nlp.issues.model import issue_terms
    from nlp.models import load_classifier
    from nlp.pii import mask

    topics = load_topics()
    asked = [mask(q.text).text for q in questions]
    asked_matrix, _ = embed(asked, [_hash(m) for m in asked], embedder, {})
    judged = load_classifier(embedder, model_key).predict(
        asked, asked_matrix, sentence_vectors(asked, embedder)
    )
    everything = [*masked, *asked]
    report = cluster_all_voices(
        [*texts, *questions],
        everything,
        np.vstack([matrix, asked_matrix]),
        [*koe.judged, *judged],
        [tuple(issue_terms(m)) for m in everything],
        [catalog.true_product(t) for t in texts] + [topics.true_product(q) for q in questions],
        len(questions),
        peer=peer,
    )
    report.inquiry = inquiry_detection(texts, [j.inquiry for j in koe.judged])
    return report


SHORT_SNS = 40  # characters: a short post, where one word or emoji carries the polarity


def sns_polarity_accuracy(texts: Sequence[LabelledText], sentiments: Sequence[str]) -> float:
    """Share of short SNS posts labelled positive or negative that koe gives that polarity."""
    pairs = [
        (t.sentiment, s)
        for t, s in zip(texts, sentiments, strict=True)
        if t.channel == "sns" and len(t.text) <= SHORT_SNS and t.sentiment != "neutral"
    ]
    return sum(a == b for a, b in pairs) / len(pairs) if pairs else 1.0


def _peer_runs(masked, matrix, texts, truth, products) -> dict[str, ClusterRun]:
    from eval.peer import run_bertopic

    runs = {}
    true_k = len({t for t in truth if t is not None})
    fields = [t.product for t in texts]
    for key, kwargs in (
        ("bertopic_default", {}),
        ("bertopic_default_per_product", {"groups": fields}),
        ("bertopic_kmeans_true_k", {"n_topics": true_k}),
    ):
        peer = run_bertopic(key, masked, matrix, **kwargs)
        runs[key] = ClusterRun(
            key,
            issue_scores(truth, peer.topics, products),
            peer.seconds,
            per_issue(truth, peer.topics),
        )
    return runs


def _qa(calls: Sequence[LabelledCall], catalog: Catalog) -> list[Detection]:
    from ingest.calls import read_calls
    from nlp.call_review import review_calls_with_models
    from nlp.masking import mask_read_result

    if not calls:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "calls.jsonl"
        path.write_text(
            "".join(json.dumps(c.record, ensure_ascii=False) + "\n" for c in calls),
            encoding="utf-8",
        )
        result = mask_read_result(read_calls(path, "calls.jsonl"))
    if result.quarantine:
        raise ValueError(f"koe's reader quarantined eval calls: {result.quarantine[0].reason}")
    found = {
        review.call_id: review.checks_failed for review in review_calls_with_models(result.calls)
    }
    return detections(
        catalog.qa_checks,
        [c.checks for c in calls],
        [found[c.call_id] for c in calls],
        [c.decoys for c in calls],
    )


@dataclass(frozen=True)
class ModelRow:
    """One embedding model on the evaluation texts: speed and koe's issue measures with it."""

    model: str
    docs_per_second: float
    with_product: IssueScores
    text_only: IssueScores


def compare_models(texts: Sequence[LabelledText], names: Sequence[str]) -> list[ModelRow]:
    """Embed the masked texts with each model and cluster the problem reports on each embedding.

    Which texts are problem reports comes from koe's classifier with its default embedder, for
    every model: the comparison isolates what the embedding does to issues (building the
    classifier in a slower model's space would embed some 25,000 training sentences again)."""
    from nlp.embed import embed, load_embedder, model_id
    from nlp.pii import mask

    catalog = load_catalog()
    masked = [mask(t.text).text for t in texts]
    default = load_embedder()
    base, _ = embed(masked, [_hash(m) for m in masked], default, {})
    judged = analyse(texts, masked, base, default, model_id(), catalog).judged
    rows = []
    for name in names:
        embedder = load_embedder(name)
        embedder.encode(["準備"])  # weights load lazily; keep that out of the timing
        started = time.perf_counter()
        matrix, _ = embed(masked, [_hash(m) for m in masked], embedder, {})
        seconds = time.perf_counter() - started
        koe = analyse(texts, masked, matrix, embedder, model_id(name), catalog, judged=judged)
        rows.append(
            ModelRow(
                name,
                len(texts) / seconds,
                koe.runs["with_product"].scores,
                koe.runs["text_only"].scores,
            )
        )
    return rows


def format_models(rows: Sequence[ModelRow]) -> str:
    lines = [
        "== Embedding models (koe's clustering on each, dev; docs/s = embedding only, this machine;",
        "   problem reports judged by the default classifier for every model)",
        f"{'model':10} {'docs/s':>7} {'NMI wp':>7} {'ARI wp':>7} {'NMIwp':>7} {'NMI to':>7} "
        f"{'uncl':>6}",
    ]
    for r in rows:
        lines.append(
            f"{r.model:10} {r.docs_per_second:7.1f} {r.with_product.nmi:7.3f} {r.with_product.ari:7.3f} "
            f"{r.with_product.within_product_nmi:7.3f} {r.text_only.nmi:7.3f} "
            f"{r.with_product.unclassified:6.3f}"
        )
    lines.append("(wp = with product; NMIwp = within product; to = text only)")
    return "\n".join(lines)


def verdicts(measures: dict[str, float]) -> list[tuple[str, float, float, str, bool]]:
    rows = []
    for name, (target, direction) in TARGETS.items():
        if name not in measures:  # the peer's measures, when run without the peer
            continue
        value = measures[name]
        ok = {">=": value >= target, ">": value > target, "<=": value <= target}[direction]
        rows.append((name, value, target, direction, ok))
    return rows


def format_targets(reports: dict[str, Report]) -> str:
    """The targets table, one value column per split; "met" judges the last split (the blind
    test when there is one) and "gap" is its distance from dev."""
    names = list(reports)
    judged = names[-1]
    measures = {split: r.measures() for split, r in reports.items()}
    lines = [
        "== Targets ("
        + ", ".join(f"{k}: {r.n_texts} texts, {r.n_calls} calls" for k, r in reports.items())
        + ")",
        f"{'measure':42} "
        + " ".join(f"{n:>8}" for n in names)
        + f" {'gap':>7} {'target':>10}  met ({judged})",
    ]
    for name, _, target, direction, ok in verdicts(measures[judged]):
        values = [measures[n].get(name, float("nan")) for n in names]
        gap = f"{values[-1] - values[0]:+7.3f}" if len(values) > 1 else f"{'':7}"
        lines.append(
            f"{name:42} "
            + " ".join(f"{v:8.3f}" for v in values)
            + f" {gap} {direction + format(target, '.2f'):>10}  {'yes' if ok else 'NO'}"
        )
    # Not a target: the text-only NMI again on sets of one size, so that its gap compares like
    # with like (`_sampled_run`).
    name = f"issues.{SAMPLED}.nmi"
    values = [measures[n].get(name, float("nan")) for n in names]
    gap = f"{values[-1] - values[0]:+7.3f}" if len(values) > 1 else f"{'':7}"
    lines.append(
        f"{name:42} " + " ".join(f"{v:8.3f}" for v in values) + f" {gap} {'—':>10}  (like size)"
    )
    lines.append(
        f"(text only on sets of {SAMPLE_PRODUCTS} products, a blind set's size: the mean of "
        f"{PRODUCT_SAMPLES} draws where a split has more)"
    )
    return "\n".join(lines)


def format_report(report: Report, items: bool = True) -> str:
    """The detailed tables of one split. ``items=False`` leaves out what names single texts or
    single true issues (the per-issue table, PII false positives): the blind test is scored,
    never read item by item."""
    lines = [
        f"{report.n_texts} labelled texts, {report.n_calls} labelled calls; "
        f"embedding the texts: {report.embed_seconds:.1f} s",
    ]
    lines += ["", "== Issues (unclassified = one group; non-complaints = one true label)"]
    header = f"{'run':34} {'NMI':>6} {'ARI':>6} {'NMIwp':>6} {'uncl':>6} {'purity':>6} {'#':>4} {'sec':>7}"
    lines.append(header)
    runs = [(f"koe {k}", r) for k, r in report.koe.items()] + list(report.peers.items())
    for name, run in runs:
        s = run.scores
        lines.append(
            f"{name:34} {s.nmi:6.3f} {s.ari:6.3f} {s.within_product_nmi:6.3f} "
            f"{s.unclassified:6.3f} {s.purity:6.3f} {s.n_issues:4d} {run.seconds:7.2f}"
        )
    if report.peers:
        lines += ["", "== koe ÷ BERTopic (same texts, same embeddings; speed = BERTopic s ÷ koe s)"]
        lines.append(
            f"{'pair':58} {'NMI':>6} {'ARI':>6} {'NMIwp':>6} {'uncl':>6} {'speed':>6} {'+terms':>6}"
        )
        pairs = [*PEER_PAIRS, ("text_only", "bertopic_kmeans_true_k")]
        for mine, theirs in pairs:
            a, b = report.koe[mine], report.peers[theirs]
            lines.append(
                f"{'koe ' + mine + ' vs ' + theirs:58} {_ratio(a.scores.nmi, b.scores.nmi):>6} "
                f"{_ratio(a.scores.ari, b.scores.ari):>6} "
                f"{_ratio(a.scores.within_product_nmi, b.scores.within_product_nmi):>6} "
                f"{_ratio(b.scores.unclassified, a.scores.unclassified):>6} "
                f"{_ratio(b.seconds, a.seconds):>6} "
                f"{_ratio(b.seconds, a.seconds + report.terms_seconds):>6}"
            )
        lines.append(
            "(uncl column: BERTopic's unclassified share ÷ koe's; above 1 means koe leaves fewer out)"
        )
        lines.append(
            f"(koe clusters the issue terms its per-text analysis stored, {report.terms_seconds:.2f} s "
            "to extract for all texts; BERTopic tokenizes inside its topic representation. "
            "+terms charges that extraction to koe's time too.)"
        )

    if items:
        lines += ["", "== Per true issue (koe, with product)"]
        lines.append(f"{'true issue':24} {'n':>4}  {'recall':>6} {'purity':>6}  found issue")
        for row in report.koe["with_product"].rows:
            label = report.koe["with_product"].labels.get(row.found, row.found)
            lines.append(
                f"{row.issue:24} {row.size:4d}  {row.recall:6.2f} {row.purity:6.2f}  {label}"
            )

    lines += [
        "",
        "== Flags",
        f"{'flag':20} {'n':>4} {'P':>6} {'R':>6} {'decoys':>7} {'flagged':>8}"
        f"  {'P 95% interval':>15} {'R 95% interval':>15}",
    ]
    inquiry = [report.voices.inquiry] if report.voices and report.voices.inquiry else []
    for d in [report.complaint, *inquiry, *report.flags]:
        lines.append(
            f"{d.name:20} {d.support:4d} {d.precision:6.2f} {d.recall:6.2f} {d.decoys:7d} {d.decoys_flagged:8d}"
            f"  {_interval(d.precision_interval):>15} {_interval(d.recall_interval):>15}"
        )
    lines += ["", "== PII", f"{'type':14} {'n':>4} {'recall':>7}"]
    for kind, value in report.pii.recall.items():
        lines.append(f"{kind:14} {report.pii.support[kind]:4d} {value:7.3f}")
    lines.append(f"masked whatever the type: {report.pii.masked_recall:.3f}")
    lines.append(f"texts with a false positive: {report.pii.false_positive_texts:.3f}")
    if items:
        for text_id, value in report.pii.false_positive_examples[:10]:
            lines.append(f"  false positive in {text_id}: {value!r}")
    lines += [
        "",
        "== Agent QA",
        f"{'check':28} {'n':>4} {'P':>6} {'R':>6} {'F1':>6} {'decoys':>7} {'flagged':>8}",
    ]
    for d in report.qa:
        lines.append(
            f"{d.name:28} {d.support:4d} {d.precision:6.2f} {d.recall:6.2f} {d.f1:6.2f} {d.decoys:7d} {d.decoys_flagged:8d}"
        )
    return "\n".join(lines)


def _interval(bounds: tuple[float, float]) -> str:
    return f"{bounds[0]:.2f}–{bounds[1]:.2f}"


def _ratio(a: float, b: float) -> str:
    if b <= 0:  # ARI can be negative: any positive score beats it
        return "inf" if a > max(b, 0.0) else "-"
    return f"{a / b:.2f}"


def as_json(report: Report) -> dict:
    return {
        "measures": report.measures(),
        "peers": {k: {**asdict(r.scores), "seconds": r.seconds} for k, r in report.peers.items()},
        "embed_seconds": report.embed_seconds,
        "terms_seconds": report.terms_seconds,
        "n_texts": report.n_texts,
        "n_calls": report.n_calls,
    }
