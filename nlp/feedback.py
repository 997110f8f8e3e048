"""One piece of customer voice as nlp/ sees it, and the rule that makes it a complaint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FeedbackText:
    """One piece of customer voice to analyse (masked text plus the fields clustering may use)."""

    feedback_id: str
    text: str
    content_hash: str
    product: str | None = None
    channel: str | None = None
    complaint: bool = True  # False: praise, a question or a request; never part of an issue
    terms: tuple[str, ...] | None = None  # issue terms from `analyze_texts`; None: tokenize again


def is_complaint(sentiment: str, flags: Sequence[str]) -> bool:
    """A complaint is negative feedback, or any feedback carrying a risk flag."""
    return sentiment == "negative" or bool(flags)
