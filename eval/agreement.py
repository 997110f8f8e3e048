"""How far two independent annotators agree with the authors' flag labels (``python -m eval
agreement``).

A target such as flag precision ≥ 0.90 only means something if people agree on the flags that
often. Two annotators, each given only the flag section of the guidelines and the texts (brief:
``eval/briefs/agree_r01.md``), labelled a sample of dev texts (``eval/agreement/sample.jsonl``:
per flag 35 positives and 20 decoys, the rest drawn at random). This compares their labels with
the authors' and with each other's: precision and recall against the author, and Cohen's kappa.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from eval.dataset import EVAL_DIR, load_texts, split_files

AGREEMENT_DIR = EVAL_DIR / "agreement"
ANNOTATORS = ("r01", "r02")


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> float:
    """Cohen's kappa of two yes/no labellings; 1.0 when both say the same thing everywhere."""
    n = len(a)
    if n == 0 or n != len(b):
        raise ValueError("two labellings of the same, non-empty set of texts are needed")
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def agreement(root: Path = AGREEMENT_DIR) -> str:
    from koe.vocabulary import FLAGS

    sample = {row["id"]: row["text_id"] for row in _jsonl(root / "sample.jsonl")}
    authors = {t.id: set(t.flags) for t in load_texts(split_files("dev"))}
    labels = {}
    for name in ANNOTATORS:
        rows = {row["id"]: set(row["flags"]) for row in _jsonl(root / f"{name}.jsonl")}
        if set(rows) != set(sample):
            raise ValueError(f"{name}: labels for {len(rows)} texts, the sample has {len(sample)}")
        labels[name] = rows
    order = sorted(sample)
    lines = [
        f"{len(order)} dev texts, flags by their authors and by annotators {', '.join(ANNOTATORS)}",
        f"{'flag':20} "
        + " ".join(f"{n + ' P/R':>10} {'κ':>5}" for n in ANNOTATORS)
        + f" {'κ ' + '~'.join(ANNOTATORS):>10}",
    ]
    for flag in FLAGS:
        author = [flag in authors[sample[i]] for i in order]
        cells = []
        for name in ANNOTATORS:
            said = [flag in labels[name][i] for i in order]
            hits = sum(x and y for x, y in zip(said, author, strict=True))
            cells.append(
                f"{hits / max(1, sum(said)):.2f}/{hits / max(1, sum(author)):.2f}"
                f" {cohen_kappa(author, said):5.2f}"
            )
        pair = [[flag in labels[name][i] for i in order] for name in ANNOTATORS]
        lines.append(
            f"{flag:20} " + " ".join(f"{c:>16}" for c in cells) + f" {cohen_kappa(*pair):10.2f}"
        )
    return "\n".join(lines)
