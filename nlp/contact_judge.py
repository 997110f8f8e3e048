"""Whether an agent's turn gives the customer an internal contact: a model learned from agent turns.

The rules of `nlp.agent_qa` know the shapes of a disclosure (私の直通, 内線 1234, 田中の携帯) but
not every wording: a colleague's extension read out as 「さん、いち、ぜろ、はち」, a direct line
the agent is careful *not* to give (「直通はございませんので」), the support centre's public
address. So a logistic regression judges each agent turn, over

- character n-grams of the masked, normalized turn (直通, 内線, [電話番号], ございません…);
- the turn's unit sentence embedding (what is offered, in any words);
- the rules' cues (`nlp.agent_qa.contact_cues`): explicit shapes are precise by nature, so they
  stay, as features the model weighs.

It learns from ``nlp/data/agent_lines/*.jsonl``: agent turns, each labelled disclosure or not, by
independent authors who saw only a brief and the guidelines (``eval/briefs/m01.md``). The model is
built once per digest of those files and of the code that reads them, stored beside the text
classifier (``contact-<embedder>-<digest>.joblib``) and loaded after. The turn threshold is tuned
on dev calls (``python -m eval tune``, key ``internal_contact``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from koe.settings import settings
from nlp.training import DATA_DIR

LINES_DIR = DATA_DIR / "agent_lines"
THRESHOLD_KEY = "internal_contact"
# The code that turns an agent line into features: its digest is part of the model's name.
_INPUT_CODE = ("contact_judge.py", "agent_qa.py", "normalize.py", "pii.py")

_LOADED: dict[Path, ContactJudge] = {}


def agent_turn_text(text: str) -> str:
    """An agent turn the way the judge reads it: masked (the pipeline masks before QA; masking
    twice changes nothing), normalized, quotes blanked as the QA rules do."""
    from nlp.agent_qa import blank_quotes
    from nlp.normalize import normalize
    from nlp.pii import mask

    return blank_quotes(normalize(mask(text).text))


def load_lines(paths: Sequence[Path] | None = None) -> tuple[list[str], list[bool]]:
    """The training turns (as `agent_turn_text` reads them) and their labels; a bad line fails
    with its file and line."""
    texts, labels = [], []
    for path in paths if paths is not None else sorted(LINES_DIR.glob("*.jsonl")):
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not raw.strip():
                continue
            row = json.loads(raw)
            if not isinstance(row.get("line"), str) or not isinstance(row.get("label"), bool):
                raise ValueError(f"{path.name}:{number}: needs a line and a true/false label")
            texts.append(agent_turn_text(row["line"]))
            labels.append(row["label"])
    return texts, labels


class ContactJudge:
    """P(the turn discloses an internal contact) from character n-grams, the embedding and the
    rules' cues, each block scaled to unit length."""

    def __init__(self, C: float = 8.0) -> None:
        self.C = C

    def _features(self, texts: Sequence[str], embeddings: np.ndarray):
        from scipy.sparse import csr_matrix, hstack

        from nlp.agent_qa import contact_cues
        from nlp.vectors import unit_rows

        cues = np.array([contact_cues(t) for t in texts], dtype=np.float64)
        return hstack(
            [
                self.chars_.transform(texts),
                csr_matrix(unit_rows(np.asarray(embeddings, dtype=np.float64))),
                csr_matrix(cues.reshape(len(texts), -1)),
            ]
        ).tocsr()

    def fit(self, texts: Sequence[str], labels: Sequence[bool], embeddings) -> ContactJudge:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.chars_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(1, 3), min_df=2, sublinear_tf=True
        ).fit(texts)
        self.model_ = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)
        self.model_.fit(self._features(texts, embeddings), np.asarray(labels, dtype=bool))
        return self

    def probabilities(self, texts: Sequence[str], embeddings) -> np.ndarray:
        if not len(texts):
            return np.zeros(0)
        return self.model_.predict_proba(self._features(texts, embeddings))[:, 1]


def _embed(texts: Sequence[str], embedder) -> np.ndarray:
    from nlp.embed import embed

    hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    matrix, _ = embed(list(texts), hashes, embedder, {})
    return matrix


def model_path(model_key: str) -> Path:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(model_key.encode("utf-8"))
    for name in _INPUT_CODE:
        digest.update((here / name).read_bytes())
    for path in sorted(LINES_DIR.glob("*.jsonl")):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", model_key)[:60]
    return settings().model_dir / f"contact-{safe}-{digest.hexdigest()[:12]}.joblib"


def load_contact_judge(embedder, model_key: str) -> ContactJudge:
    """The judge for ``embedder``: from memory, from the model directory, or built there once."""
    from nlp.models import load_or_build

    def build() -> ContactJudge:
        texts, labels = load_lines()
        return ContactJudge().fit(texts, labels, _embed(texts, embedder))

    path = model_path(model_key)
    if path not in _LOADED:
        _LOADED[path] = load_or_build(path, build, lambda: model_path(model_key))
    return _LOADED[path]


def turn_probabilities(embedder, model_key: str) -> Callable[[Sequence[str]], list[float]]:
    """P(disclosure) of each of some agent turns (already masked and normalized)."""
    judge = load_contact_judge(embedder, model_key)

    def probability(turns: Sequence[str]) -> list[float]:
        turns = list(turns)
        return judge.probabilities(turns, _embed(turns, embedder)).tolist() if turns else []

    return probability


def contact_judge(embedder, model_key: str) -> Callable[[Sequence[str]], list[bool]]:
    """Whether each agent turn discloses an internal contact, at the threshold tuned on dev calls
    (0.5 before any tuning)."""
    from nlp.models import thresholds

    probability = turn_probabilities(embedder, model_key)
    cut = thresholds().get(THRESHOLD_KEY, 0.5)
    return lambda turns: [p >= cut for p in probability(turns)]
