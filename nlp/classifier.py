"""The text classifier: sentiment, the problem-report judgement and the six risk flags of one text.

All three heads read one feature matrix, built once per text:

- character n-grams of the normalized text: register, emoji, slang and spelling variants
  (「ｱﾌﾟﾘ」, 「草」, 「神対応」) that a dictionary does not know;
- Sudachi normalized-form uni- and bigrams: the same word in any script or inflection
  (「解約しました」「解約します」 share 解約, 為る);
- the unit sentence embedding: what a text means when it uses no telling word;
- the rules of ``nlp.flags`` (one column per flag) and the lexicon score of ``nlp.sentiment``:
  explicit phrases are precise by nature, so they stay, as features the model weighs.

Each head is a logistic regression. Sentiment has three classes; the problem-report judgement
(``complaint``) is separate, because a calm report is neutral and still a problem. A fourth head
learns the labelled ``kind`` (problem report, question, request, praise): a text that is no
problem report is an *inquiry* (a question or a request, what recurring questions are made of)
when P(question) + P(request) reaches its threshold, and is a question or a request by the larger
of the two. It is read only for texts the problem-report head turned down, so it changes nothing
of the other heads' answers.

A flag is usually stated in one sentence of a longer text (the legal threat at the end of a polite
mail), and the whole text's embedding dilutes it. So each flag has a second head that reads single
sentences: their embedding, character n-grams and rule verdicts. It learns as a multiple-instance
model: a first fit labels every sentence of a flagged text positive; a second keeps, per flagged
text, only the sentence the first fit found most likely. That pick is fragile: dropping four
training texts flipped picks and moved a flag's probability by more than 0.1 on 641 flag-text
pairs of 5,000 dev texts. So the two fits are repeated on ``sentence_bags`` subsamples of 80 % of
the training texts, and a text's sentence probability is the mean, over those fits, of its most
likely sentence's: 249 pairs moved, and dev average precision held or rose (churn 0.950 → 0.958,
safety 0.964 → 0.968). A text's flag probability is the mean of the text head's and that sentence
probability (``sentence_share``). A flag fires when that reaches its
threshold, tuned on the dev split for precision (``python -m eval tune`` writes
``nlp/data/thresholds.json``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from koe.vocabulary import FLAGS
from nlp.normalize import normalize
from nlp.sentiment import NEGATIVE, NEUTRAL, POSITIVE
from nlp.training import Example
from nlp.vectors import unit_rows

SENTIMENT_LABELS = (NEGATIVE, NEUTRAL, POSITIVE)
# The kinds of text a recurring question (よくある質問) is made of.
INQUIRY_KINDS = ("question", "request")


def sentence_units(text: str) -> list[str]:
    """The sentences a flag is looked for in: 。！？ and line breaks cut; the text itself if none."""
    from nlp.tokenize import sentences

    found = [x for x in sentences(text) if len(x) >= 2]
    return found or [text]


def sentence_vectors(texts: Sequence[str], embedder) -> list[np.ndarray]:
    """One matrix of sentence embeddings per text (rows in `sentence_units` order)."""
    import hashlib

    from nlp.embed import embed

    units = [sentence_units(t) for t in texts]
    distinct = list(dict.fromkeys(u for group in units for u in group))
    if not distinct:
        return [np.zeros((0, 0)) for _ in texts]
    matrix, _ = embed(
        distinct, [hashlib.sha256(u.encode("utf-8")).hexdigest() for u in distinct], embedder, {}
    )
    row = {u: i for i, u in enumerate(distinct)}
    return [matrix[[row[u] for u in group]] for group in units]


@dataclass(frozen=True)
class Judgement:
    """What the classifier says about one text."""

    sentiment: str
    sentiment_score: float  # P(positive) − P(negative); 0.0 when neutral
    complaint: bool
    flags: tuple[str, ...]  # in the vocabulary's order
    # "question" or "request" for a text that is no problem report and asks or wishes for
    # something; None otherwise (problem reports, praise, anything else).
    inquiry: str | None = None


def word_ngrams(text: str) -> list[str]:
    """Sudachi normalized forms of ``text`` and their bigrams (the analyzer of the word features)."""
    from nlp.tokenize import tokens

    words = [t.normalized for t in tokens(normalize(text)) if t.normalized.strip()]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def rule_features(text: str) -> list[float]:
    """The flag rules' verdicts (one 0/1 per flag) and the lexicon's squashed score."""
    from nlp.flags import detect_flags
    from nlp.sentiment import raw_score

    found = set(detect_flags(text))
    return [float(flag in found) for flag in FLAGS] + [math.tanh(raw_score(text) / 2)]


class VoiceClassifier:
    """Three heads over one feature matrix; see the module docstring.

    Parameters
    ----------
    C:
        Inverse regularisation strength of every head.
    embedding_weight, word_weight, char_weight, rule_weight:
        Scale of each feature block (each row block is unit length before scaling).
    sentence_share:
        Weight of the likeliest sentence in a flag's probability (the text head has the rest).
    sentence_bags:
        Number of sentence-head fits per flag, each on its own 80 % of the training texts, whose
        answers are averaged; 1 fits once on every text.
    n_jobs:
        Processes that fit the sentence heads (joblib's meaning: -1 is one per core).
    decoy_weight:
        Sample weight of a flag's decoys (texts that use its words without its intent) among its
        negatives: the cases a flag head must learn to refuse.
    thresholds:
        Probability at which each flag fires, ``"complaint"`` and ``"inquiry"``; missing entries
        use 0.5.
    """

    def __init__(
        self,
        C: float = 16.0,
        embedding_weight: float = 1.0,
        word_weight: float = 1.0,
        char_weight: float = 1.0,
        rule_weight: float = 1.0,
        sentence_share: float = 0.5,
        decoy_weight: float = 4.0,
        sentence_bags: int = 3,
        n_jobs: int = -1,
        thresholds: Mapping[str, float] | None = None,
    ) -> None:
        if sentence_bags < 1:
            raise ValueError(f"sentence_bags must be at least 1, not {sentence_bags}")
        self.C = C
        self.sentence_share = sentence_share
        self.sentence_bags = sentence_bags
        self.n_jobs = n_jobs
        self.decoy_weight = decoy_weight
        self.embedding_weight = embedding_weight
        self.word_weight = word_weight
        self.char_weight = char_weight
        self.rule_weight = rule_weight
        self.thresholds = dict(thresholds or {})

    # -- features ---------------------------------------------------------------------------
    def _features(self, texts: Sequence[str], embeddings: np.ndarray):
        from scipy.sparse import csr_matrix, hstack

        embeddings = np.asarray(embeddings, dtype=np.float64)
        if len(texts) != len(embeddings):
            raise ValueError(f"{len(texts)} texts but {len(embeddings)} embeddings")
        texts = list(texts)
        rules = np.array([rule_features(t) for t in texts]).reshape(len(texts), len(FLAGS) + 1)
        return hstack(
            [
                self.chars_.transform(texts) * self.char_weight,
                self.words_.transform(texts) * self.word_weight,
                csr_matrix(unit_rows(embeddings) * self.embedding_weight),
                csr_matrix(rules * self.rule_weight),
            ]
        ).tocsr()

    def _sentence_features(self, texts: Sequence[str], vectors: Sequence[np.ndarray]):
        """Rows for every sentence of every text, and the text each row belongs to."""
        from scipy.sparse import csr_matrix, hstack

        from nlp.flags import detect_flags

        units = [sentence_units(t) for t in texts]
        if len(vectors) != len(units):
            raise ValueError(f"{len(texts)} texts but {len(vectors)} sentence matrices")
        flat = [u for group in units for u in group]
        owner = np.repeat(np.arange(len(units)), [len(g) for g in units])
        matrix = np.vstack([np.asarray(v, dtype=np.float64) for v in vectors])
        if len(matrix) != len(flat):
            raise ValueError(f"{len(flat)} sentences but {len(matrix)} sentence embeddings")
        rules = np.array([[float(f in set(detect_flags(u))) for f in FLAGS] for u in flat])
        features = hstack(
            [
                self.sentence_chars_.transform(flat) * self.char_weight,
                csr_matrix(unit_rows(matrix) * self.embedding_weight),
                csr_matrix(rules.reshape(len(flat), len(FLAGS)) * self.rule_weight),
            ]
        ).tocsr()
        return features, owner

    # -- training ---------------------------------------------------------------------------
    def fit(
        self,
        examples: Sequence[Example],
        embeddings: np.ndarray,
        sentence_embeddings: Sequence[np.ndarray],
    ) -> VoiceClassifier:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        texts = [e.text for e in examples]
        self.chars_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(1, 3),
            min_df=2,
            sublinear_tf=True,
            preprocessor=normalize,
        ).fit(texts)
        self.words_ = TfidfVectorizer(analyzer=word_ngrams, min_df=2, sublinear_tf=True).fit(texts)
        X = self._features(texts, embeddings)

        rows = [i for i, e in enumerate(examples) if e.sentiment is not None]
        self.sentiment_ = LogisticRegression(C=self.C, max_iter=5000).fit(
            X[rows], [examples[i].sentiment for i in rows]
        )
        rows = [i for i, e in enumerate(examples) if e.complaint is not None]
        self.complaint_ = LogisticRegression(C=self.C, max_iter=5000).fit(
            X[rows], [examples[i].complaint for i in rows]
        )
        rows = [i for i, e in enumerate(examples) if e.kind is not None]
        missing = set(INQUIRY_KINDS) - {examples[i].kind for i in rows}
        if missing:
            raise ValueError(f"the kind head needs {sorted(missing)} training texts")
        self.kind_ = LogisticRegression(C=self.C, max_iter=5000).fit(
            X[rows], [examples[i].kind for i in rows]
        )
        rows = [i for i, e in enumerate(examples) if e.flags is not None]
        self.flags_ = {}
        for flag in FLAGS:
            y = [flag in examples[i].flags for i in rows]
            if all(y) or not any(y):
                raise ValueError(f"flag {flag!r} needs positive and negative training texts")
            weight = [self.decoy_weight if flag in examples[i].decoys else 1.0 for i in rows]
            self.flags_[flag] = LogisticRegression(
                C=self.C, max_iter=5000, class_weight="balanced"
            ).fit(X[rows], y, sample_weight=weight)
        self._fit_sentence_heads(examples, sentence_embeddings)
        return self

    def _fit_sentence_heads(self, examples, sentence_embeddings) -> None:
        from joblib import Parallel, delayed
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [e.text for e in examples]
        self.sentence_chars_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(1, 3),
            min_df=2,
            sublinear_tf=True,
            preprocessor=normalize,
        ).fit([u for t in texts for u in sentence_units(t)])
        S, owner = self._sentence_features(texts, sentence_embeddings)
        labelled = np.array([e.flags is not None for e in examples])
        if self.sentence_bags == 1:
            samples = [labelled]
        else:
            # Seeded per bag, so a rebuild on the same texts gives the same model.
            samples = [
                labelled & (np.random.default_rng(bag).random(len(examples)) < 0.8)
                for bag in range(self.sentence_bags)
            ]
        jobs = [
            (
                np.array([bool(e.flags) and flag in e.flags for e in examples]),
                np.array([flag in e.decoys for e in examples]),
                sample,
            )
            for flag in FLAGS
            for sample in samples
        ]
        heads = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit_sentence_head)(S, owner, flagged, decoy, sample, self.C, self.decoy_weight)
            for flagged, decoy, sample in jobs
        )
        n = len(samples)
        self.sentence_flags_ = {flag: heads[i * n : (i + 1) * n] for i, flag in enumerate(FLAGS)}

    # -- prediction -------------------------------------------------------------------------
    def probabilities(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        sentence_embeddings: Sequence[np.ndarray],
    ) -> dict[str, np.ndarray]:
        """P(label) per text: one column per sentiment, ``complaint``, each flag, ``question``,
        ``request`` and their sum ``inquiry``.

        ``sentence_embeddings[i]`` holds the embeddings of `sentence_units` of ``texts[i]``
        (`sentence_vectors` computes them)."""
        if not len(texts):
            return {}
        X = self._features(texts, embeddings)
        S, owner = self._sentence_features(texts, sentence_embeddings)
        out = {}
        proba = self.sentiment_.predict_proba(X)
        for j, label in enumerate(self.sentiment_.classes_):
            out[str(label)] = proba[:, j]
        out["complaint"] = self.complaint_.predict_proba(X)[
            :, list(self.complaint_.classes_).index(True)
        ]
        kinds = self.kind_.predict_proba(X)
        for kind in INQUIRY_KINDS:
            out[kind] = kinds[:, list(self.kind_.classes_).index(kind)]
        out["inquiry"] = out["question"] + out["request"]
        for flag, head in self.flags_.items():
            whole = head.predict_proba(X)[:, list(head.classes_).index(True)]
            likeliest = np.zeros(len(texts))
            for sentence_head in self.sentence_flags_[flag]:
                per_sentence = sentence_head.predict_proba(S)[
                    :, list(sentence_head.classes_).index(True)
                ]
                best = np.zeros(len(texts))
                np.maximum.at(best, owner, per_sentence)
                likeliest += best / len(self.sentence_flags_[flag])
            out[flag] = (1 - self.sentence_share) * whole + self.sentence_share * likeliest
        return out

    def predict(
        self,
        texts: Sequence[str],
        embeddings: np.ndarray,
        sentence_embeddings: Sequence[np.ndarray],
    ) -> list[Judgement]:
        """One Judgement per text (arguments as for `probabilities`)."""
        p = self.probabilities(texts, embeddings, sentence_embeddings)
        if not p:
            return []
        labels = np.array(SENTIMENT_LABELS)[
            np.argmax(np.column_stack([p[s] for s in SENTIMENT_LABELS]), axis=1)
        ]
        out = []
        for i, label in enumerate(labels):
            score = 0.0 if label == NEUTRAL else round(float(p[POSITIVE][i] - p[NEGATIVE][i]), 4)
            complaint = bool(p["complaint"][i] >= self.thresholds.get("complaint", 0.5))
            inquiry = None
            if not complaint and p["inquiry"][i] >= self.thresholds.get("inquiry", 0.5):
                inquiry = "question" if p["question"][i] >= p["request"][i] else "request"
            out.append(
                Judgement(
                    sentiment=str(label),
                    sentiment_score=score,
                    complaint=complaint,
                    flags=tuple(f for f in FLAGS if p[f][i] >= self.thresholds.get(f, 0.5)),
                    inquiry=inquiry,
                )
            )
        return out


def _fit_sentence_head(S, owner, flagged, decoy, sample, C, decoy_weight):
    """One flag's sentence head, fitted on the sentences of the texts in ``sample``.

    ``flagged``, ``decoy`` and ``sample`` hold one boolean per text; ``owner`` maps each row of
    ``S`` to its text."""
    from sklearn.linear_model import LogisticRegression

    rows_in = sample[owner]
    y = flagged[owner]
    if y[rows_in].all() or not y[rows_in].any():
        raise ValueError(
            "a sentence-head subsample lacks positive or negative texts; "
            "fit so few texts with sentence_bags=1"
        )
    first = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(
        S[rows_in], y[rows_in]
    )
    # Keep, per flagged text, only the sentence the first fit found most likely: the others of
    # that text are unlabelled, not negative.
    p = first.predict_proba(S)[:, list(first.classes_).index(True)]
    keep, positive = rows_in & ~y, np.zeros(len(y), dtype=bool)
    for text in np.flatnonzero(flagged & sample):
        rows = np.flatnonzero(owner == text)
        best = rows[np.argmax(p[rows])]
        keep[best] = positive[best] = True
    weight = np.where(decoy[owner], decoy_weight, 1.0)
    return LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(
        S[keep], positive[keep], sample_weight=weight[keep]
    )
