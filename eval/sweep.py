"""Compare settings of the text classifier on author-grouped folds over train and dev.

``python -m eval sweep decoy_weight=1,2,4`` fits `VoiceClassifier` once per fold and setting,
every text scored by a model that never saw its author (train and dev authors alike, each dev
file its own author), and prints per setting:

- each flag's recall at the precision target (the lowest threshold that holds it on the pooled
  out-of-author probabilities, as ``python -m eval tune`` picks thresholds) and their mean;
- the share of each flag's decoys (texts that use its words without its intent) flagged at that
  threshold;
- the problem-report F1 at its best threshold.

A setting is a hyperparameter choice, not a threshold: the one with the best mean recall is the
candidate, and it ships only when its decoys do not rise. The blind test is never read.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import numpy as np

from eval.dataset import load_texts, split_files
from eval.tune import (
    f1_at,
    f1_threshold,
    flag_threshold,
    grouped_probabilities,
    training_by_author,
    vectors_of,
)


def parse_grid(items: Sequence[str]) -> list[dict[str, float]]:
    """``["decoy_weight=1,2", "C=8,16"]`` → every combination as keyword arguments."""
    axes: dict[str, list[float]] = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not values:
            raise ValueError(f"a setting reads name=v1,v2,…: {item!r}")
        axes[name.strip()] = [float(v) for v in values.split(",")]
    names = list(axes)
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes.values())]


def dev_examples() -> tuple[list, list[str]]:
    """The dev feedback as training examples (masked), each file its own author."""
    from nlp.pii import mask
    from nlp.training import Example

    examples, authors = [], []
    for path in split_files("dev"):
        for t in load_texts([path]):
            examples.append(
                Example(
                    text=mask(t.text).text,
                    sentiment=t.sentiment,
                    complaint=t.kind == "complaint",
                    flags=frozenset(t.flags),
                    decoys=frozenset(t.decoy_flags),
                    kind=t.kind,
                )
            )
            authors.append(f"dev:{path.stem}")
    return examples, authors


def score_setting(examples, rows: np.ndarray, p: dict[str, np.ndarray], precision: float) -> dict:
    """Recall at ``precision`` and decoys flagged, per flag, and the problem-report F1."""
    from koe.vocabulary import FLAGS

    out: dict = {"flags": {}}
    for flag in FLAGS:
        truth = np.array([flag in examples[i].flags for i in rows])
        decoy = np.array([flag in examples[i].decoys for i in rows])
        threshold = flag_threshold(p[flag], truth, precision)
        found = p[flag] >= threshold if threshold is not None else np.zeros(len(rows), bool)
        out["flags"][flag] = {
            "recall": float((found & truth).sum() / truth.sum()) if truth.sum() else 0.0,
            "decoys": float((found & decoy).sum() / decoy.sum()) if decoy.sum() else 0.0,
            "threshold": threshold,
        }
    out["mean_recall"] = float(np.mean([v["recall"] for v in out["flags"].values()]))
    out["mean_decoys"] = float(np.mean([v["decoys"] for v in out["flags"].values()]))
    complaint = np.array([bool(examples[i].complaint) for i in rows])
    out["complaint_f1"] = f1_at(p["complaint"], complaint, f1_threshold(p["complaint"], complaint))
    return out


def sweep(grid: list[dict[str, float]], folds: int = 5, precision: float = 0.90) -> Iterator[str]:
    """The report's lines, one setting at a time (each takes minutes: ``folds`` fits)."""
    from nlp.embed import load_embedder

    train, train_authors = training_by_author()
    dev, dev_authors = dev_examples()
    examples, authors = train + dev, train_authors + dev_authors
    matrix, sentences = vectors_of([e.text for e in examples], load_embedder())
    labelled = sum(e.flags is not None and e.complaint is not None for e in examples)
    yield (
        f"{labelled} flag-labelled texts of {len(set(authors))} authors in {folds} author "
        f"folds; recall at precision {precision} / decoys flagged, per flag:"
    )
    for params in grid:
        rows, p = grouped_probabilities(examples, authors, matrix, sentences, folds, **params)
        got = score_setting(examples, rows, p, precision)
        per_flag = "  ".join(
            f"{flag} {v['recall']:.3f}/{v['decoys']:.3f}" for flag, v in got["flags"].items()
        )
        setting = ", ".join(f"{k}={v:g}" for k, v in params.items()) or "shipped defaults"
        yield (
            f"{setting}: mean recall {got['mean_recall']:.3f}, mean decoys "
            f"{got['mean_decoys']:.3f}, problem-report F1 {got['complaint_f1']:.3f}\n  {per_flag}"
        )
