"""koe's trained text classifier, built once per training-data digest and then loaded.

A build embeds the training texts, fits `nlp.classifier.VoiceClassifier` and saves it under the
model directory (``$KOE_MODEL_DIR``, default ``data/models/``) as
``voice-<embedding model>-<digest>.joblib``. Every later process, Airflow task or test loads that
file: training never happens on the hot path. The flag and problem-report thresholds
(``nlp/data/thresholds.json``, tuned on dev) are applied at load time, so retuning them needs no
rebuild.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from koe.files import replacing
from koe.settings import settings
from koe.vocabulary import FLAGS, SENTIMENTS
from nlp.classifier import VoiceClassifier, sentence_vectors
from nlp.training import DATA_DIR, load_examples, training_digest

# Bump when the classifier's features or heads change: a stored model of an older build is stale.
MODEL_VERSION = "2"
THRESHOLDS = DATA_DIR / "thresholds.json"

_LOADED: dict[Path, VoiceClassifier] = {}


def thresholds() -> dict[str, float]:
    """The tuned thresholds: flag, ``complaint`` or ``inquiry`` → probability at which it fires."""
    if not THRESHOLDS.exists():
        return {}
    return {k: float(v) for k, v in json.loads(THRESHOLDS.read_text(encoding="utf-8")).items()}


# The code that turns the training files into the classifier's inputs: masking, normalization,
# tokenization, the rule features and the classifier itself. A change to any of them changes
# the model even when the training files do not, so their source is part of the digest.
_INPUT_CODE = (
    "classifier.py", "training.py", "pii.py", "normalize.py", "tokenize.py", "stopwords.py",
    "flags.py", "sentiment.py", "vectors.py",
)  # fmt: skip


def _label_codes() -> bytes:
    # The label codes in the vocabulary's order (the flags' order is the columns' order); the
    # Japanese names and every other code of the vocabulary do not touch the model.
    return repr((list(FLAGS), list(SENTIMENTS))).encode("utf-8")


def model_digest(model_key: str) -> str:
    """What a stored model depends on: the training files, the code that reads them, the label
    codes, the build version and the embedder."""
    here = Path(__file__).resolve().parent
    code = b"".join((here / name).read_bytes() for name in _INPUT_CODE) + _label_codes()
    return training_digest(extra=f"{MODEL_VERSION}\0{model_key}\0".encode() + code)


def model_path(model_key: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", model_key)[:60]
    return settings().model_dir / f"voice-{safe}-{model_digest(model_key)}.joblib"


def build(embedder) -> VoiceClassifier:
    """Fit the classifier on the shipped training data with ``embedder``'s vectors."""
    import hashlib

    from nlp.embed import embed

    examples = load_examples()
    texts = [e.text for e in examples]
    hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    matrix, _ = embed(texts, hashes, embedder, {})
    return VoiceClassifier().fit(examples, matrix, sentence_vectors(texts, embedder))


def load_or_build(path: Path, build: Callable[[], object], current: Callable[[], Path]):
    """The model stored at ``path``, or ``build()`` stored there. ``current()`` names the model
    the inputs describe now: when that changed during the build, nothing is stored."""
    import joblib

    if path.exists():
        return joblib.load(path)
    model = build()
    # A training file edited while the model was fitting would leave a model that its digest
    # does not describe (found once: a stored model disagreed with a fresh build of the same
    # digest by 0.04 in a flag's precision). Check, and store nothing then.
    if current() != path:
        raise RuntimeError(
            "the training data or the code it is read with changed while a model was being "
            "built; build it again"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a process that dies mid-write leaves no half model, and two
    # processes building at once each leave a whole one.
    with replacing(path) as tmp:
        joblib.dump(model, tmp)
    return model


def load_classifier(embedder, model_key: str) -> VoiceClassifier:
    """The classifier for ``embedder`` (named ``model_key``): from memory, from the model
    directory, or built and stored there on first use."""
    path = model_path(model_key)
    classifier = _LOADED.get(path)
    if classifier is None:
        classifier = load_or_build(path, lambda: build(embedder), lambda: model_path(model_key))
        _LOADED[path] = classifier
    classifier.thresholds = thresholds()
    return classifier


def flag_judge(
    embedder, model_key: str, flag: str, threshold: str | None = None
) -> Callable[[Sequence[str]], list[bool]]:
    """Whether each of some texts states ``flag``, by the classifier at the tuned threshold named
    ``threshold`` (default: the flag's own).

    Agent QA asks it of a call's customer sentences (`nlp.agent_qa.review_calls`), at the
    threshold `python -m eval tune` sets for that check on dev calls."""
    import hashlib

    from nlp.embed import embed

    classifier = load_classifier(embedder, model_key)

    def judge(texts: Sequence[str]) -> list[bool]:
        if not texts:
            return []
        texts = list(texts)
        hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        matrix, _ = embed(texts, hashes, embedder, {})
        p = classifier.probabilities(texts, matrix, sentence_vectors(texts, embedder))[flag]
        cut = classifier.thresholds.get(threshold or flag, 0.5)
        return [bool(x >= cut) for x in p]

    return judge
