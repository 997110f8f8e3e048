"""Agent QA with koe's shipped models: `nlp.agent_qa.review_calls` with the text classifier judging
every customer turn (a request for someone higher up) and the contact judge every agent turn (an
internal contact given). What the pipeline, ``python -m nlp qa`` and ``make eval`` run."""

from __future__ import annotations

from collections.abc import Sequence

from ingest.records import Call
from nlp.agent_qa import CallReview, review_calls


def review_calls_with_models(calls: Sequence[Call]) -> list[CallReview]:
    """Review ``calls`` with the shipped models at their tuned thresholds (loaded only when there
    are calls)."""
    if not calls:
        return []
    from nlp.contact_judge import contact_judge
    from nlp.embed import load_embedder, model_id
    from nlp.models import flag_judge

    embedder = load_embedder()
    asks = flag_judge(embedder, model_id(), "escalation_demand", "escalation_request")
    return review_calls(calls, asks, contact_judge(embedder, model_id()))
