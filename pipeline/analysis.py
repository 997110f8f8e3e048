"""koe_analysis's steps: per-text analysis and embeddings, the issue catalogue, agent QA.

Each step reads what it needs from the warehouse and writes in one transaction, so a rerun after
a crash starts from a consistent state.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd


def analyze_new_feedback(path: str | os.PathLike[str] | None = None) -> dict:
    """Sentiment, flags, keywords and embeddings for originals whose current text is new."""
    from nlp.analysis import analysis_version, analyze_texts, embed_texts
    from nlp.embed import load_embedder, model_id
    from nlp.models import load_classifier
    from warehouse import analysis
    from warehouse.db import apply_schema, connect, transaction

    model_key = model_id()
    version = analysis_version(model_key)
    with connect(path) as con:
        apply_schema(con)
        with transaction(con):
            analysis.delete_orphans(con)
        items = analysis.feedback_texts(analysis.pending_feedback(con, version))
        if not items:
            return {"analysed": 0, "embedded": 0}
        embedder = load_embedder()
        cache = analysis.cached_embeddings(con, model_key, [i.content_hash for i in items])
        matrix, new_vectors = embed_texts(items, embedder, cache)
        # Vectors first: a crash between the two writes leaves analysis to redo, never an
        # analysed text without its embedding.
        analysis.save_embeddings(con, model_key, new_vectors)
        results = analyze_texts(items, matrix, load_classifier(embedder, model_key), embedder)
        frame = pd.DataFrame(
            {
                "feedback_id": [r.feedback_id for r in results],
                "content_hash": [r.content_hash for r in results],
                "sentiment": [r.sentiment for r in results],
                "sentiment_score": [r.sentiment_score for r in results],
                "flags": [list(r.flags) for r in results],
                "keywords": [list(r.keywords) for r in results],
                "terms": [list(r.terms) for r in results],
                "is_complaint": [r.complaint for r in results],
                "analysis_version": version,
            }
        )
        analysis.save_feedback_analysis(con, frame)
    return {"analysed": len(results), "embedded": len(new_vectors)}


def update_issues(path: str | os.PathLike[str] | None = None, full: bool | None = None) -> dict:
    """Bring the issue catalogue up to date and store it with the run and its lineage.

    ``full`` forces (True) or forbids (False) a full re-clustering; by default the catalogue
    decides (`nlp.issues.catalogue.plan_run`).
    """
    from nlp.analysis import embed_texts
    from nlp.embed import load_embedder, model_id
    from nlp.issues.catalogue import input_digest, plan_run, update_catalogue
    from warehouse import analysis, issues
    from warehouse.db import apply_schema, connect

    with connect(path) as con:
        apply_schema(con)
        items = analysis.feedback_texts(analysis.all_feedback_for_clustering(con))
        model_key = model_id()
        cache = analysis.cached_embeddings(con, model_key, [i.content_hash for i in items])
        missing = [i for i in items if i.content_hash not in cache]
        if missing:  # normally none: analyze_new_feedback embedded them
            _, new_vectors = embed_texts(missing, load_embedder(), cache)
            analysis.save_embeddings(con, model_key, new_vectors)
            cache = {**cache, **new_vectors}
        taken, history = issues.history(con)
        mode = plan_run(items, history, full)
        if mode == "unchanged":
            return {"mode": mode, "documents": len(items), "issues": len(history.known)}
        dim = next(iter(cache.values())).shape[0] if cache else 0
        matrix = np.vstack([cache[i.content_hash] for i in items]) if items else np.zeros((0, dim))
        update = update_catalogue(
            items,
            matrix,
            known=history.known,
            previous=issues.current_assignment(con),
            full=mode == "full",
            taken_ids=taken,
        )
        clustering = update.clustering
        unclassified = sum(
            1 for i in items if i.complaint and clustering.assignment.get(i.feedback_id) is None
        )
        summary = {
            "mode": update.mode,
            "documents": len(items),
            "issues": len(clustering.issues),
            "unclassified": unclassified,
            "retained_share": update.retained,
        }
        issues.replace_issues(
            con,
            clustering.issues,
            clustering.assignment,
            run={
                **summary,
                "complaints": sum(i.complaint for i in items),
                "input_digest": input_digest(items),
            },
            events=update.events,
        )
    return summary


def review_calls(path: str | os.PathLike[str] | None = None) -> dict:
    """Agent QA for calls not reviewed yet (or whose turns or holds changed)."""
    from nlp.agent_qa import review_calls_with_classifier
    from warehouse import analysis
    from warehouse.db import apply_schema, connect

    with connect(path) as con:
        apply_schema(con)
        calls = analysis.calls_to_records(analysis.pending_calls(con))
        reviews = review_calls_with_classifier(calls)
        analysis.save_call_qa(con, reviews)
    return {"reviewed": len(calls), "findings": sum(len(r.findings) for r in reviews)}
