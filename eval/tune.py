"""Set the classifier's thresholds on the dev split and write ``nlp/data/thresholds.json``.

Each flag gets the lowest probability threshold at which its precision on dev holds
``min_precision`` (the 0.90 target): the most recall that precision allows. A flag that never
reaches it keeps 0.5. The problem-report judgement gets
the threshold with the best F1. Thresholds change what the classifier outputs, not the model, so
tuning needs no rebuild.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

import numpy as np

from eval.dataset import LabelledText

MIN_SUPPORT = 5  # a flag with fewer dev positives keeps its default threshold


def flag_threshold(p: np.ndarray, truth: np.ndarray, min_precision: float) -> float | None:
    """The lowest threshold at which precision holds ``min_precision`` (the most recall the bar
    allows), or None when no threshold does."""
    order = np.argsort(-p, kind="stable")
    precision = np.cumsum(truth[order]) / np.arange(1, len(p) + 1)
    best = None
    for k in range(len(p)):
        # A cut between equal probabilities is not a threshold: only cut where p drops.
        if (k + 1 == len(p) or p[order[k]] > p[order[k + 1]]) and precision[k] >= min_precision:
            best = float(p[order[k]])
    return best


def f1_threshold(p: np.ndarray, truth: np.ndarray) -> float:
    best, best_f1 = 0.5, -1.0
    for t in np.unique(np.round(p, 3)):
        found = p >= t
        tp = float(np.sum(found & truth))
        f1 = 2 * tp / (found.sum() + truth.sum()) if found.sum() + truth.sum() else 0.0
        if f1 > best_f1:
            best, best_f1 = float(t), f1
    return best


def tune(texts: Sequence[LabelledText], min_precision: float = 0.90) -> str:
    from koe.vocabulary import FLAGS
    from nlp.classifier import sentence_vectors
    from nlp.embed import embed, load_embedder, model_id
    from nlp.models import THRESHOLDS, load_classifier
    from nlp.pii import mask

    masked = [mask(t.text).text for t in texts]
    embedder = load_embedder()
    matrix, _ = embed(
        masked, [hashlib.sha256(m.encode()).hexdigest() for m in masked], embedder, {}
    )
    p = load_classifier(embedder, model_id()).probabilities(
        masked, matrix, sentence_vectors(masked, embedder)
    )
    chosen: dict[str, float] = {}
    lines = [f"thresholds on dev ({len(texts)} texts), flag precision ≥ {min_precision}:"]
    for flag in FLAGS:
        truth = np.array([flag in t.flags for t in texts])
        t = flag_threshold(p[flag], truth, min_precision) if truth.sum() >= MIN_SUPPORT else None
        chosen[flag] = round(t if t is not None else 0.5, 4)
        found = p[flag] >= chosen[flag]
        recall = float((found & truth).sum() / truth.sum()) if truth.sum() else 0.0
        lines.append(f"  {flag:20} {chosen[flag]:.4f}  dev recall {recall:.3f}")
    truth = np.array([t.kind == "complaint" for t in texts])
    chosen["complaint"] = round(f1_threshold(p["complaint"], truth), 4)
    lines.append(f"  {'complaint':20} {chosen['complaint']:.4f}  (best F1)")
    THRESHOLDS.write_text(json.dumps(chosen, indent=1) + "\n", encoding="utf-8")
    lines.append(f"written to {THRESHOLDS}")
    return "\n".join(lines)
