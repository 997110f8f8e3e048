"""One piece of customer voice as nlp/ sees it."""

from __future__ import annotations

from dataclasses import dataclass


# slots: clustering holds one per document, a million at 1 M documents.
@dataclass(frozen=True, slots=True)
class FeedbackText:
    """One piece of customer voice to analyse (masked text plus the fields clustering may use)."""

    feedback_id: str
    text: str
    content_hash: str
    product: str | None = None
    channel: str | None = None
    # A problem report (`nlp.classifier`), whatever its tone; False for praise, questions and
    # requests, which are never part of an issue.
    complaint: bool = True
    terms: tuple[str, ...] | None = None  # issue terms from `analyze_texts`; None: tokenize again
    # "question" or "request" when the classifier found an inquiry (no problem report): these
    # form the recurring questions (`nlp.issues.questions`); None for everything else.
    inquiry: str | None = None
