"""The labelled texts koe's text classifier learns from, and the digest that names a trained model.

Two kinds of files ship in ``nlp/data/``:

- ``labelled/*.jsonl``: feedback texts with every label of ``eval/GUIDELINES.md`` (sentiment,
  kind, flags and decoy flags), written by several independent authors. They are the *train*
  split; the dev and blind-test splits live in ``eval/`` and are never read here.
- ``sentiment_train*.jsonl``: texts labelled with sentiment only.

Texts are stored as written (with personal data); `examples` masks them the way ingest masks
customer text, so the classifier learns from what it will later read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from pathlib import Path

from koe.vocabulary import FLAGS, SENTIMENTS

DATA_DIR = Path(__file__).resolve().parent / "data"
KINDS = ("complaint", "question", "request", "praise")


@dataclass(frozen=True)
class Example:
    """One training text; a label is None when its file does not carry it."""

    text: str  # masked
    sentiment: str | None
    complaint: bool | None  # a problem report, whatever its tone
    flags: frozenset[str] | None  # None: flags not labelled
    decoys: frozenset[str] = frozenset()  # flags whose words appear without their intent
    kind: str | None = None  # one of KINDS; None when its file does not carry it


def training_files(root: Path = DATA_DIR) -> list[Path]:
    """Every training file, in a fixed order."""
    return sorted((root / "labelled").glob("*.jsonl")) + sorted(root.glob("sentiment_train*.jsonl"))


def training_digest(root: Path = DATA_DIR, extra: bytes = b"") -> str:
    """12 hex digits over the training files (and ``extra``, e.g. the tuned thresholds)."""
    digest = hashlib.sha256(extra)
    for path in training_files(root):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _example(row: dict, where: str) -> Example:
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{where}: needs a text")
    sentiment = row.get("sentiment")
    if sentiment not in SENTIMENTS:
        raise ValueError(f"{where}: sentiment must be one of {tuple(SENTIMENTS)}")
    kind = row.get("kind")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"{where}: kind must be one of {KINDS}")
    flags = row.get("flags")
    if flags is not None and not set(flags) <= set(FLAGS):
        raise ValueError(f"{where}: unknown flags {sorted(set(flags) - set(FLAGS))}")
    return Example(
        text=text,
        sentiment=sentiment,
        complaint=None if kind is None else kind == "complaint",
        flags=None if flags is None else frozenset(flags),
        decoys=frozenset(row.get("decoy_flags") or ()),
        kind=kind,
    )


def load_examples(paths: list[Path] | None = None) -> list[Example]:
    """The training examples, masked; a bad line fails with its file and line."""
    from nlp.pii import mask

    out = []
    for path in paths if paths is not None else training_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                example = _example(json.loads(line), f"{path.name}:{number}")
                out.append(replace(example, text=mask(example.text).text))
    return out
