"""koe's measured quality on the blind test does not regress.

Runs the real analysis (real Sudachi, the real embedding model, the trained classifier, real
BERTopic) on the blind test, scoring it as `make eval` does, and pins every figure a little under
the level reached when the floors were set (README, "Quality on voices nobody tuned it to").
The blind test is only scored here: nothing reads its items.
"""

from __future__ import annotations

import pytest

from eval.dataset import load_calls, load_questions, load_texts, split_files

# Blind-test figures of the thirty-first round (b124–b129, bc42–bc43: 1,320 texts, 100 calls)
# when set, minus about 0.03 (the noise of one rebuild is smaller: the classifier rebuilt on a fresh
# machine from the same data and code moved the blind flag figures by up to 0.01); the quality
# ratios to BERTopic, which move more from set to set, about 0.05 under (1.49 and 1.26 on this
# set). On the seventeenth round's set BERTopic's default left no text out and the ratio was 0,
# which is why the test below also compares NMI and ARI. The ceilings sit a little above this
# set's figures (decoys flagged 6, a miss the README reports; PII false positives 1.4 %;
# unclassified 2.0 % and 4.2 %). Where a set's figure is at or just over its target (churn
# precision 0.900) the floor is the same 0.03 under the level reached, not the target: the README
# reports the margin.
FLOORS = {
    "issues.with_product.nmi": 0.89,
    "issues.with_product.ari": 0.88,
    "issues.with_product.within_product_nmi": 0.77,
    "issues.text_only.nmi": 0.82,
    "issues.text_only_20_products.nmi": 0.83,
    "sentiment.macro_f1": 0.87,
    "sentiment.sns_polarity_accuracy": 0.90,
    "complaint.f1": 0.94,
    "flags.sns_threat.precision": 0.97,
    "flags.sns_threat.recall": 0.93,
    "flags.escalation_demand.precision": 0.97,
    "flags.escalation_demand.recall": 0.90,
    "flags.legal_threat.precision": 0.94,
    "flags.legal_threat.recall": 0.91,
    "flags.safety.precision": 0.88,
    "flags.safety.recall": 0.88,
    "flags.churn.precision": 0.87,
    "flags.churn.recall": 0.83,
    "flags.refund_request.precision": 0.95,
    "flags.refund_request.recall": 0.88,
    "pii.min_recall_structured": 0.97,
    "pii.recall.person": 0.94,
    "qa.internal_contact.f1": 0.95,
    "qa.escalation_request.f1": 0.92,
    "qa.min_f1": 0.92,
    "peer.min_quality_ratio": 1.43,
    # All voices with the blind topic corpus (q03), when set (issue #15 part 3): issues and
    # recurring questions together, and the question-or-request judgement.
    "voices.with_product.nmi": 0.88,
    "voices.with_product.ari": 0.82,
    "voices.text_only.nmi": 0.81,
    "voices.text_only.ari": 0.76,
    "voices.peer.min_quality_ratio": 1.21,
    "inquiry.precision": 0.93,
    "inquiry.recall": 0.92,
    "inquiry.topic_corpus_recall": 0.80,
}
CEILINGS = {
    "issues.with_product.unclassified": 0.05,
    "voices.with_product.unclassified": 0.08,
    "flags.decoys_flagged": 8,
    "pii.false_positive_texts": 0.02,
}


@pytest.mark.slow
def test_blind_test_figures_stay_above_their_floors_and_ahead_of_bertopic():
    from eval.run import evaluate

    report = evaluate(
        load_texts(split_files("blind")),
        load_calls(split_files("blind", "calls")),
        peer=True,
        questions=load_questions(split_files("blind", "questions")),
    )
    measures = report.measures()
    low = {k: round(measures[k], 3) for k, floor in FLOORS.items() if measures[k] < floor}
    high = {k: round(measures[k], 3) for k, cap in CEILINGS.items() if measures[k] > cap}
    assert not low and not high, f"below floor: {low}; above ceiling: {high}"
    koe = report.koe["with_product"].scores
    peer = report.peers["bertopic_default_per_product"].scores
    assert koe.nmi > peer.nmi and koe.ari > peer.ari and koe.unclassified < peer.unclassified
    koe, peer = report.koe["text_only"].scores, report.peers["bertopic_default"].scores
    assert koe.nmi > peer.nmi and koe.ari > peer.ari
    voices = report.voices
    for mine, theirs in (("with_product", "bertopic_default_per_product"),
                         ("text_only", "bertopic_default")):  # fmt: skip
        a, b = voices.koe[mine].scores, voices.peers[theirs].scores
        assert a.nmi > b.nmi and a.ari > b.ari
