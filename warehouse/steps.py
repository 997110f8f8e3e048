"""The pipeline's steps, one function per Airflow task: read from DuckDB, call ingest/ or nlp/,
write back in one transaction.

The DAG files only wire these together; tests and scripts can call them directly. Each step is
idempotent for its partition (a source file, a content hash, the whole issue catalogue, a call),
so running it again after a success or a crash leaves the same rows.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from warehouse import analysis
from warehouse.db import apply_schema, connect, sql

QA_CHECKS = (
    "forbidden_phrase",
    "internal_contact",
    "escalation_request",
    "long_hold_without_report",
)


def ingest_channel(channel: str, inbox: Path, path: str | os.PathLike[str] | None = None) -> dict:
    """Load every new or changed file of one channel, masked, in transactions of whole files."""
    from ingest.inbox import list_sources, read_source
    from nlp.masking import mask_read_result
    from warehouse.load import SourceLoad, load_in_batches, loaded_versions

    counts = {"files": 0, "skipped": 0, "feedback": 0, "calls": 0, "quarantined": 0}
    with connect(path) as con:
        apply_schema(con)
        loaded = loaded_versions(con)

        def changed_files():
            for source in list_sources(inbox):
                if source.channel != channel:
                    continue
                result = read_source(source, inbox) if channel == "email" else None
                version = email_version(source.sha256, result) if result else source.sha256
                if loaded.get(source.rel) == version:
                    counts["skipped"] += 1
                    continue
                result = mask_read_result(result or read_source(source, inbox))
                counts["files"] += 1
                counts["feedback"] += len(result.feedback)
                counts["calls"] += len(result.calls)
                counts["quarantined"] += len(result.quarantine)
                yield SourceLoad(source.rel, source.channel, version, source.size_bytes, result)

        load_in_batches(con, changed_files())
    return counts


def email_version(sha256: str, result) -> str:
    """The manifest version of a mail file: its hash, plus the support replies found for it.

    A support reply often arrives in a later file than the customer's message. Its first-response
    time belongs to the earlier file's rows, so that file must load again when a reply appears,
    although its bytes did not change. Reading mail headers is cheap; masking is what we skip.
    """
    replies = sorted(
        (f.source_key, f.first_response_at.isoformat())
        for f in result.feedback
        if f.first_response_at is not None
    )
    if not replies:
        return sha256
    digest = hashlib.sha256(json.dumps(replies).encode("utf-8")).hexdigest()[:16]
    return f"{sha256}+replies:{digest}"


def analyze_new_feedback(path: str | os.PathLike[str] | None = None) -> dict:
    """Sentiment, flags, keywords and embeddings for originals whose current text is new."""
    from nlp.embed import load_embedder, model_id
    from nlp.pipeline import analysis_version, analyze_texts, embed_texts, is_complaint

    model_key = model_id()
    version = analysis_version(model_key)
    with connect(path) as con:
        apply_schema(con)
        items = _feedback_texts(analysis.pending_feedback(con, version))
        if not items:
            return {"analysed": 0, "embedded": 0}
        embedder = load_embedder()
        cache = analysis.cached_embeddings(con, model_key, [i.content_hash for i in items])
        matrix, new_vectors = embed_texts(items, embedder, cache)
        # Vectors first: a crash between the two writes leaves analysis to redo, never an
        # analysed text without its embedding.
        analysis.save_embeddings(con, model_key, new_vectors)
        results = analyze_texts(items, matrix, _sentiment_classifier(con, embedder, model_key))
        frame = pd.DataFrame(
            {
                "feedback_id": [r.feedback_id for r in results],
                "content_hash": [r.content_hash for r in results],
                "sentiment": [r.sentiment for r in results],
                "sentiment_score": [r.sentiment_score for r in results],
                "flags": [list(r.flags) for r in results],
                "keywords": [list(r.keywords) for r in results],
                "terms": [list(r.terms) for r in results],
                "is_complaint": [is_complaint(r.sentiment, r.flags) for r in results],
                "analysis_version": version,
            }
        )
        analysis.save_feedback_analysis(con, frame)
    return {"analysed": len(results), "embedded": len(new_vectors)}


# A full re-clustering runs when the complaints grew by this share since the last one; in
# between, new feedback joins the known issues (or forms new ones) incrementally.
FULL_RECLUSTER_GROWTH = 0.25


def _sentiment_classifier(con, embedder, model_key: str):
    """The sentiment classifier, its training texts embedded once per model through the cache."""
    from nlp.sentiment_model import load_training, trained_classifier, training_hashes

    texts, _ = load_training()
    cache = analysis.cached_embeddings(con, model_key, training_hashes(texts))
    known = set(cache)
    classifier = trained_classifier(embedder, model_key, cache)
    analysis.save_embeddings(con, model_key, {k: v for k, v in cache.items() if k not in known})
    return classifier


def cluster_issues(path: str | os.PathLike[str] | None = None, full: bool | None = None) -> dict:
    """Bring the issue catalogue up to date and store it with the run and its lineage.

    ``full`` forces (True) or forbids (False) a full re-clustering; by default it runs on the
    first run and whenever complaints grew by FULL_RECLUSTER_GROWTH since the last full run.
    """
    from nlp.embed import load_embedder, model_id
    from nlp.pipeline import embed_texts, update_issues

    with connect(path) as con:
        apply_schema(con)
        corpus = analysis.all_feedback_for_clustering(con)
        items = _feedback_texts(corpus)
        model_key = model_id()
        cache = analysis.cached_embeddings(con, model_key, [i.content_hash for i in items])
        missing = [i for i in items if i.content_hash not in cache]
        if missing:  # normally none: analyze_new_feedback embedded them
            _, new_vectors = embed_texts(missing, load_embedder(), cache)
            analysis.save_embeddings(con, model_key, new_vectors)
            cache = {**cache, **new_vectors}
        known = _known_issues(analysis.known_issues(con))
        taken, last_full, last_digest = analysis.issue_history(con)
        complaints = sum(i.complaint for i in items)
        digest = hashlib.sha256(
            "\n".join(f"{i.feedback_id}\t{i.content_hash}\t{i.complaint}" for i in items).encode()
        ).hexdigest()
        if digest == last_digest and not full and known:
            # Nothing changed since the last run: running again must not move anything.
            return {"mode": "unchanged", "documents": len(items), "issues": len(known)}
        if full is None:
            full = last_full is None or complaints >= (1 + FULL_RECLUSTER_GROWTH) * last_full
        dim = next(iter(cache.values())).shape[0] if cache else 0
        matrix = np.vstack([cache[i.content_hash] for i in items]) if items else np.zeros((0, dim))
        update = update_issues(
            items,
            matrix,
            known=known,
            previous=analysis.current_assignment(con),
            full=full or not known,
            taken_ids=taken,
        )
        clustering = update.clustering
        unclassified = sum(
            1 for i in items if i.complaint and clustering.assignment.get(i.feedback_id) is None
        )
        analysis.replace_issues(
            con,
            _issues_frame(clustering.issues),
            _assignment_frame(clustering.assignment),
            run={
                "mode": update.mode,
                "documents": len(items),
                "complaints": complaints,
                "issues": len(clustering.issues),
                "unclassified": unclassified,
                "retained_share": update.retained,
                "input_digest": digest,
            },
            lineage_frame=pd.DataFrame(
                [
                    {
                        "event": e.event,
                        "issue_id": e.issue_id,
                        "source_issue_id": e.source_issue_id,
                        "documents": e.documents,
                    }
                    for e in update.events
                ]
            ),
        )
    return {
        "mode": update.mode,
        "documents": len(items),
        "issues": len(clustering.issues),
        "unclassified": unclassified,
        "retained_share": update.retained,
    }


def _known_issues(frame: pd.DataFrame):
    from nlp.issue_identity import KnownIssue

    known = []
    for row in frame.itertuples(index=False):
        if row.centroid is None or (isinstance(row.centroid, float) and pd.isna(row.centroid)):
            continue  # stored before identities were kept: the next run starts afresh
        known.append(
            KnownIssue(
                issue_id=row.issue_id,
                label=row.label,
                keywords=tuple(row.keywords if row.keywords is not None else ()),
                representative_ids=tuple(
                    row.representative_ids if row.representative_ids is not None else ()
                ),
                product=None if pd.isna(row.product) else row.product,
                centroid=np.asarray(row.centroid, dtype=np.float64),
                threshold=float(row.join_threshold),
            )
        )
    return known


def review_calls(path: str | os.PathLike[str] | None = None) -> dict:
    """Agent QA for calls not reviewed yet (or whose turns or holds changed)."""
    from nlp.agent_qa import review_call

    with connect(path) as con:
        apply_schema(con)
        calls = analysis.calls_to_records(analysis.pending_calls(con))
        reviews = [review_call(call) for call in calls]
        qa = pd.DataFrame(
            {
                "call_id": [c.call_id for c in calls],
                "internal_contact_disclosed": [r.internal_contact_disclosed for r in reviews],
                "escalation_requested": [r.escalation_requested for r in reviews],
                "long_hold_without_report": [r.long_hold_without_report for r in reviews],
                "findings": [len(r.findings_rows()) for r in reviews],
            }
        )
        rows = [
            {"call_id": call.call_id, **row}
            for call, review in zip(calls, reviews, strict=True)
            for row in review.findings_rows()
        ]
        findings = pd.DataFrame(
            rows, columns=["call_id", "check_name", "turn", "phrase", "text_masked"]
        )
        analysis.save_call_qa(con, qa, findings)
    return {"reviewed": len(calls), "findings": len(findings)}


def _feedback_texts(frame: pd.DataFrame):
    from nlp.pipeline import FeedbackText

    return [
        FeedbackText(
            feedback_id=row.feedback_id,
            text=row.text_masked or "",
            content_hash=row.content_hash,
            product=None if pd.isna(row.product) else row.product,
            channel=getattr(row, "channel", None),
            complaint=_complaint(getattr(row, "is_complaint", None)),
            terms=_terms(getattr(row, "terms", None)),
        )
        for row in frame.itertuples(index=False)
    ]


def _terms(value) -> tuple[str, ...] | None:
    # Not analysed yet (NULL): clustering tokenizes the text itself.
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else tuple(value)


def _complaint(value) -> bool:
    # Not analysed yet (NULL): cluster it as a complaint rather than hide it from every issue.
    return True if value is None or pd.isna(value) else bool(value)


def _issues_frame(issues) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "issue_id": [i.issue_id for i in issues],
            "label": [i.label for i in issues],
            "keywords": [list(i.keywords) for i in issues],
            "size": [i.size for i in issues],
            "representative_ids": [list(i.representative_ids) for i in issues],
            "product": [i.product for i in issues],
            "centroid": [None if i.centroid is None else list(i.centroid) for i in issues],
            "join_threshold": [i.threshold for i in issues],
        }
    )


def _assignment_frame(assignment: dict[str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {"feedback_id": list(assignment), "issue_id": list(assignment.values())},
        columns=["feedback_id", "issue_id"],
    )


def find_insights(path: str | os.PathLike[str] | None = None) -> dict:
    """Alerts and root-cause candidates from the marts, stored in insights.* in one transaction."""
    from nlp.alerts import build_alerts
    from nlp.root_cause import key_phrases, root_causes
    from warehouse import insights

    with connect(path) as con:
        apply_schema(con)
        frame = insights.feedback(con)
        alerts = build_alerts(frame, insights.issue_labels(con))
        candidates = root_causes(frame) + key_phrases(frame)
        insights.save(con, alerts, candidates)
    kinds: dict[str, int] = {}
    for alert in alerts:
        kinds[alert.kind] = kinds.get(alert.kind, 0) + 1
    return {"alerts": kinds, "root_causes": len(candidates)}


def deliver_alerts(
    path: str | os.PathLike[str] | None = None, alerts_dir: str | os.PathLike[str] | None = None
) -> dict:
    """Send the recent alerts not sent yet (webhook, SMTP or files; see warehouse.delivery)."""
    from warehouse.delivery import deliver
    from warehouse.paths import alerts_path

    with connect(path) as con:
        apply_schema(con)
        [(latest,)] = con.execute(sql("insights/latest_day")).fetchall()
        return deliver(con, Path(alerts_dir) if alerts_dir else alerts_path(), latest)


def write_weekly_reports(
    path: str | os.PathLike[str] | None = None,
    reports_dir: str | os.PathLike[str] | None = None,
    mapping: str | os.PathLike[str] | None = None,
) -> dict:
    """Render the pending weekly product-team reports (see warehouse.reports)."""
    from warehouse import reports
    from warehouse.paths import reports_path

    with connect(path) as con:
        apply_schema(con)
        return reports.write_weekly_reports(con, reports_dir or reports_path(path), mapping)


def run_all(inbox: Path, path: str | os.PathLike[str] | None = None) -> dict:
    """Every step of the three data-driven DAGs in their order, in this process, without sending
    alerts or writing the weekly reports.

    For scripts, the benchmark and tests; the DAGs call the steps one task each.
    """
    from warehouse.marts import build_marts

    done = {
        channel: ingest_channel(channel, inbox, path)
        for channel in ("call", "email", "form", "sns")
    }
    done["analysis"] = analyze_new_feedback(path)
    done["issues"] = cluster_issues(path)
    done["calls"] = review_calls(path)
    with connect(path) as con:
        done["marts"] = build_marts(con)
    done["insights"] = find_insights(path)
    return done
