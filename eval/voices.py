"""The clustering of all voices: problem reports into issues and questions and requests into
recurring questions (よくある質問), scored together against their true issues and topics, beside
BERTopic on the same texts and the same embeddings.

The corpus is a split's feedback texts (problem reports with their labelled issues, praise, and
the split's own questions) plus its topic corpus (questions and requests labelled with their
recurring topic, ``eval/{dev,blind}/questions/``). Truth: an issue, a topic, or one group for
praise; a problem report or a question with no catalogue group is left out of every measure,
as the issue measures leave out unlabelled documents. koe's answer per text: the issue of a
problem report, the recurring question of a question or a request, one group for everything
else, and unclassified (None) for a report or a question in no group. The metric code is the
issues' own (`eval.metrics.issue_scores`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from eval.dataset import LabelledText
from eval.metrics import Detection, IssueScores, detections, issue_scores

PRAISE = "(praise)"  # the true group of every text that neither reports a problem nor asks
NEITHER = "(neither)"  # koe's answer for a text it puts in neither catalogue
INQUIRY_KINDS = ("question", "request")
# (koe run, BERTopic run) pairs whose quality ratios the target compares.
PEER_PAIRS = (("text_only", "bertopic_default"), ("with_product", "bertopic_default_per_product"))


def true_group(item: LabelledText) -> str | None:
    """A text's true group among all voices (None: no catalogue group, left out)."""
    if item.topic:
        return f"topic:{item.topic}"
    if item.issue:
        return f"issue:{item.issue}"
    return PRAISE if item.kind == "praise" else None


@dataclass
class VoicesRun:
    name: str
    scores: IssueScores
    seconds: float
    groups: int = 0  # issues plus recurring questions found (koe)


@dataclass
class VoicesReport:
    n_voices: int
    n_topic_texts: int
    koe: dict[str, VoicesRun]  # "with_product", "text_only"
    peers: dict[str, VoicesRun] = field(default_factory=dict)
    inquiry: Detection | None = None  # question or request, on the split's feedback texts
    topic_corpus_recall: float = 0.0  # topic-corpus texts koe judged a question or a request

    def measures(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for key, run in self.koe.items():
            for name in ("nmi", "ari", "within_product_nmi", "unclassified"):
                out[f"voices.{key}.{name}"] = float(getattr(run.scores, name))
        if self.inquiry is not None:
            out["inquiry.precision"] = self.inquiry.precision
            out["inquiry.recall"] = self.inquiry.recall
        out["inquiry.topic_corpus_recall"] = self.topic_corpus_recall
        if self.peers:
            quality = []
            for mine, theirs in PEER_PAIRS:
                a, b = self.koe[mine].scores, self.peers[theirs].scores
                for name in ("nmi", "ari"):
                    out[f"voices.{theirs}.{name}"] = float(getattr(b, name))
                quality += [_quotient(a.nmi, b.nmi), _quotient(a.ari, b.ari)]
            out["voices.peer.min_quality_ratio"] = min(quality)
        return out


def _quotient(a: float, b: float) -> float:
    if b <= 0:
        return float("inf") if a > max(b, 0.0) else 1.0
    return a / b


def inquiry_detection(texts: Sequence[LabelledText], inquiries: Sequence[str | None]) -> Detection:
    """Precision and recall of the inquiry judgement (a question or a request) on labelled texts."""
    return detections(
        ["inquiry"],
        [frozenset({"inquiry"} if t.kind in INQUIRY_KINDS else ()) for t in texts],
        [["inquiry"] if i else [] for i in inquiries],
        [frozenset() for _ in texts],
    )[0]


def cluster_all_voices(
    texts: Sequence[LabelledText],
    masked: Sequence[str],
    matrix: np.ndarray,
    judged: Sequence,
    terms: Sequence[tuple[str, ...]],
    products: Sequence[str],
    n_topic_texts: int,
    peer: bool = True,
) -> VoicesReport:
    """koe's issues and recurring questions over all of ``texts`` (feedback, then the topic
    corpus's last ``n_topic_texts``), and BERTopic on the same rows; ``judged`` are the text
    classifier's judgements and ``products`` each text's true product."""
    from nlp.feedback import FeedbackText
    from nlp.issues.catalogue import find_issues
    from nlp.issues.questions import find_questions

    truth = [true_group(t) for t in texts]
    runs = {}
    for key, with_product in (("with_product", True), ("text_only", False)):
        items = [
            FeedbackText(
                feedback_id=t.id,
                text=m,
                content_hash=t.id,
                product=t.product if with_product else None,
                channel=t.channel,
                complaint=j.complaint,
                terms=term,
                inquiry=j.inquiry,
            )
            for t, m, j, term in zip(texts, masked, judged, terms, strict=True)
        ]
        started = time.perf_counter()
        issues = find_issues(items, matrix)
        questions = find_questions(items, matrix)
        seconds = time.perf_counter() - started
        found = [
            issues.assignment[i.feedback_id]
            if i.complaint
            else questions.assignment[i.feedback_id]
            if i.inquiry
            else NEITHER
            for i in items
        ]
        runs[key] = VoicesRun(
            f"koe {key}",
            issue_scores(truth, found, products),
            seconds,
            len(issues.issues) + len(questions.issues),
        )
    report = VoicesReport(
        n_voices=len(texts),
        n_topic_texts=n_topic_texts,
        koe=runs,
        topic_corpus_recall=_share([j.inquiry is not None for j in judged[-n_topic_texts:]]),
    )
    if peer:
        from eval.peer import run_bertopic

        fields = [t.product for t in texts]
        for key, kwargs in (
            ("bertopic_default", {}),
            ("bertopic_default_per_product", {"groups": fields}),
        ):
            found = run_bertopic(key, list(masked), matrix, **kwargs)
            report.peers[key] = VoicesRun(
                key, issue_scores(truth, found.topics, products), found.seconds
            )
    return report


def _share(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def format_voices(reports: dict[str, VoicesReport]) -> str:
    """The all-voices figures, one column per split."""
    names = list(reports)
    measures = {k: r.measures() for k, r in reports.items()}
    lines = [
        "== All voices: issues and recurring questions together ("
        + ", ".join(
            f"{k}: {r.n_voices} voices, {r.n_topic_texts} of the topic corpus"
            for k, r in reports.items()
        )
        + ")",
        f"{'measure':44} " + " ".join(f"{n:>8}" for n in names),
    ]
    keys = [k for k in measures[names[-1]] if not k.startswith("voices.bertopic")]
    keys += [k for k in measures[names[-1]] if k.startswith("voices.bertopic")]
    for key in keys:
        values = [measures[n].get(key, float("nan")) for n in names]
        lines.append(f"{key:44} " + " ".join(f"{v:8.3f}" for v in values))
    lines.append(
        "(truth: true issue, true topic, or one group for praise; koe: issue, recurring question, "
        "one group for neither, unclassified as one group; BERTopic on the same texts and "
        "embeddings, HDBSCAN defaults, over all texts or per product field)"
    )
    return "\n".join(lines)
