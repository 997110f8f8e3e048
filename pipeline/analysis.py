"""koe_analysis's steps: per-text analysis and embeddings, the issue catalogue, the recurring
questions, agent QA.

The per-text work runs over partitions (`pipeline.partitions`): `plan_analysis` writes them,
`analyze_partition` (one mapped task each) analyses one without opening the warehouse, and
`load_analysis` loads all results. Each step that writes the warehouse does so in one
transaction, so a rerun after a crash starts from a consistent state.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

# Clustering holds every embedding in Python (2 GB at 1 M documents); DuckDB only streams them
# out and writes the assignment back, so its cache is kept small (its default grew to 3.8 GB).
CLUSTERING_DUCKDB_MEMORY = "500MB"
# Planning streams the pending texts out in partitions: DuckDB's work only, kept in a bounded
# cache (its default, 80 % of RAM, let the plan of an incremental day at 1 M hold 3.5 GB).
PLAN_DUCKDB_MEMORY = "1GB"
# Calls reviewed per batch by agent QA.
QA_BATCH = 1000


def plan_analysis(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Write the originals whose current text has no analysis yet as Parquet partitions.

    Returns the partitions' paths, one per mapped `analyze_partition` task (none: nothing new).
    Each row carries its text's cached vector when there is one, so no task embeds it again.
    """
    from koe.settings import for_warehouse
    from nlp.analysis import analysis_version
    from nlp.embed import model_id
    from pipeline.partitions import batches_of, new_run, rows_per_partition, write_partitions
    from warehouse import analysis
    from warehouse.db import apply_schema, connect, transaction

    config = for_warehouse(path)
    model_key = model_id()
    version = analysis_version(model_key)
    run = new_run(config.staging_dir, "analysis")
    with connect(path, memory_limit=PLAN_DUCKDB_MEMORY) as con:
        apply_schema(con)
        with transaction(con):
            analysis.delete_orphans(con)
        pending = analysis.count_pending_feedback(con, version)
        if not pending:
            run.rmdir()
            return []
        rows = rows_per_partition(pending, config.partition_size)
        reader = analysis.pending_feedback_batches(con, model_key, version, rows)
        return write_partitions(run, batches_of(reader, rows))


def analyze_partition(partition: str | os.PathLike[str]) -> str:
    """Sentiment, flags, keywords, issue terms and the embedding of every text in one partition.

    Reads only the partition file and writes its results beside it (`pipeline.partitions`), so
    many of these run at once, on any worker. Returns the results' path.
    """
    import pyarrow.parquet as pq

    from nlp.analysis import analysis_version, analyze_texts, embed_texts
    from nlp.embed import load_embedder, model_id
    from nlp.models import load_classifier
    from pipeline.partitions import result_path, write_table
    from warehouse import analysis

    model_key = model_id()
    version = analysis_version(model_key)
    table = pq.read_table(partition)
    planned = set(table.column("analysis_version").unique().to_pylist())
    if planned - {version}:
        raise RuntimeError(
            f"{partition} was planned for analysis version {sorted(planned)} but this worker "
            f"runs {version}: every worker must run the same koe code, models and thresholds"
        )
    frame = table.drop_columns(["cached_vector", "analysis_version"]).to_pandas()
    items = analysis.feedback_texts(frame)
    cached = table.column("cached_vector").to_pylist()
    cache = {
        i.content_hash: np.asarray(v, dtype=np.float32)
        for i, v in zip(items, cached, strict=True)
        if v is not None
    }
    embedder = load_embedder()
    matrix, new_vectors = embed_texts(items, embedder, cache)
    results = analyze_texts(items, matrix, load_classifier(embedder, model_key), embedder)
    out = result_path(partition)
    write_table(
        analysis.analysis_result_batch(_analysis_frame(results, version), model_key, new_vectors),
        out,
    )
    return str(out)


def load_analysis(
    results: Sequence[str | os.PathLike[str]], path: str | os.PathLike[str] | None = None
) -> dict:
    """Load every partition's results into the warehouse in one transaction; then remove them."""
    import pyarrow.parquet as pq

    from pipeline.partitions import remove_run
    from warehouse import analysis
    from warehouse.db import apply_schema, connect

    files = [str(r) for r in results]
    analysed = embedded = 0
    for file in files:
        vectors = pq.read_table(file, columns=["vector"]).column("vector")
        analysed += len(vectors)
        embedded += len(vectors) - vectors.null_count
    with connect(path) as con:
        apply_schema(con)
        analysis.load_analysis_results(con, files)
    remove_run(files)
    return {"partitions": len(files), "analysed": analysed, "embedded": embedded}


def analyze_new_feedback(path: str | os.PathLike[str] | None = None) -> dict:
    """`plan_analysis`, every `analyze_partition` and `load_analysis`, in this process: what the
    koe_analysis DAG's mapped tasks do, for scripts, the benchmark and tests."""
    partitions = plan_analysis(path)
    return load_analysis([analyze_partition(p) for p in partitions], path)


def _analysis_frame(results, version: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "feedback_id": [r.feedback_id for r in results],
            "content_hash": [r.content_hash for r in results],
            "sentiment": [r.sentiment for r in results],
            "sentiment_score": [r.sentiment_score for r in results],
            "flags": [list(r.flags) for r in results],
            "keywords": [list(r.keywords) for r in results],
            "terms": [list(r.terms) for r in results],
            "is_complaint": [r.complaint for r in results],
            "inquiry": [r.inquiry for r in results],
            "analysis_version": version,
        }
    )


def update_issues(path: str | os.PathLike[str] | None = None, full: bool | None = None) -> dict:
    """Bring the issue catalogue up to date and store it with the run and its lineage.

    ``full`` forces (True) or forbids (False) a full re-clustering; by default the catalogue
    decides (`nlp.issues.catalogue.plan_run`). Analysts' standing decisions (the app's log,
    `warehouse.issue_decisions`) are then applied over what clustering found, in every run: a
    run with no new documents still applies decisions made since the last one.
    """

    from koe.settings import for_warehouse
    from nlp.issues.catalogue import (
        Clustering,
        IssueUpdate,
        input_digest,
        plan_run,
        texts_needed,
        update_catalogue,
    )
    from warehouse import analysis, issue_decisions, issues
    from warehouse.db import apply_schema, connect

    decisions, undos = issue_decisions.read(for_warehouse(path).alert_status)
    with connect(path, memory_limit=CLUSTERING_DUCKDB_MEMORY) as con:
        apply_schema(con)
        # Ids, products, channels and hashes of every document; texts only where a run cuts.
        items = analysis.feedback_texts(analysis.clustering_inputs(con))
        taken, history = issues.history(con)
        mode = plan_run(items, history, full)
        recorded = issues.recorded_decisions(con)
        news = {d.decision_id for d in [*decisions, *undos]} - recorded
        if mode == "unchanged" and not news:
            return {"mode": mode, "documents": len(items), "issues": len(history.known)}
        previous = issues.current_assignment(con)
        matrix = _texts_and_vectors(con, items, texts_needed(items, mode, previous, history.known))
        if mode == "unchanged":  # only decisions to apply: the algorithm's catalogue stands
            update = IssueUpdate(Clustering(list(history.known), previous), "decisions", [], 1.0)
        else:
            update = update_catalogue(
                items,
                matrix,
                known=history.known,
                previous=previous,
                full=mode == "full",
                taken_ids=taken,
            )
        clustering = update.clustering
        row_of = {item.feedback_id: i for i, item in enumerate(items)}
        curated = apply_decisions_to(clustering, decisions, undos, recorded, matrix, row_of)
        unclassified = sum(
            1 for i in items if i.complaint and curated.assignment.get(i.feedback_id) is None
        )
        summary = {
            "mode": update.mode,
            "documents": len(items),
            "issues": sum(status != "merged" for status in curated.status.values()),
            "unclassified": unclassified,
            "retained_share": update.retained,
            "decisions_applied": sum(e.decision_id is not None for e in curated.events),
        }
        issues.replace_issues(
            con,
            clustering.issues,
            clustering.assignment,
            run={
                **{k: v for k, v in summary.items() if k != "decisions_applied"},
                "complaints": sum(i.complaint for i in items),
                "input_digest": input_digest(items),
            },
            events=update.events,
            curated=curated,
            subgroups=split_proposals(con, curated, matrix, row_of),
        )
    return summary


def update_questions(path: str | os.PathLike[str] | None = None, full: bool | None = None) -> dict:
    """Bring the recurring questions (よくある質問) up to date and store them with the run and its
    lineage: the questions and requests the classifier found, clustered the way issues are
    (`nlp.issues.questions`), unchanged, incremental or full as `plan_question_run` decides.

    ``full`` forces (True) or forbids (False) a full re-clustering.
    """

    from nlp.issues.questions import (
        plan_question_run,
        question_digest,
        question_texts_needed,
    )
    from nlp.issues.questions import (
        update_questions as update,
    )
    from warehouse import analysis, questions
    from warehouse.db import apply_schema, connect

    with connect(path, memory_limit=CLUSTERING_DUCKDB_MEMORY) as con:
        apply_schema(con)
        items = analysis.feedback_texts(analysis.clustering_inputs(con))
        taken, history = questions.history(con)
        mode = plan_question_run(items, history, full)
        if mode == "unchanged":
            return {"mode": mode, "documents": len(items), "questions": len(history.known)}
        # Only the inquiries take part: their vectors are all a run holds.
        inquiries = [item for item in items if item.inquiry is not None]
        previous = questions.current_assignment(con)
        matrix = _texts_and_vectors(
            con, inquiries, question_texts_needed(inquiries, mode, previous, history.known)
        )
        result = update(
            inquiries,
            matrix,
            known=history.known,
            previous=previous,
            full=mode == "full",
            taken_ids=taken,
        )
        assignment = result.clustering.assignment
        summary = {
            "mode": result.mode,
            "documents": len(items),
            "inquiries": len(inquiries),
            "questions": len(result.clustering.issues),
            "unclassified": sum(assignment.get(i.feedback_id) is None for i in inquiries),
            "retained_share": result.retained,
        }
        questions.replace_questions(
            con,
            result.clustering.issues,
            assignment,
            run={**summary, "input_digest": question_digest(items)},
            events=result.events,
        )
    return summary


def _texts_and_vectors(con, items: list, needed: Sequence[int]) -> np.ndarray:
    """The cached embeddings of ``items`` as one matrix (rows in order); the texts and issue terms
    of the rows ``needed`` are read into ``items`` in place. A text without a cached vector
    (normally none: load_analysis stored every one) is read and embedded now."""
    from dataclasses import replace

    from nlp.analysis import embed_texts
    from nlp.embed import load_embedder, model_id
    from warehouse import analysis

    model_key = model_id()
    matrix, missing = analysis.embedding_matrix(con, model_key, [i.content_hash for i in items])
    rows = sorted({*needed, *missing})
    texts = analysis.clustering_texts(con, [items[i].feedback_id for i in rows])
    for i in rows:
        text, terms = texts[items[i].feedback_id]
        items[i] = replace(items[i], text=text, terms=terms)
    if missing:
        _, new_vectors = embed_texts([items[i] for i in missing], load_embedder(), {})
        analysis.save_embeddings(con, model_key, new_vectors)
        if not matrix.shape[1]:
            dim = next(iter(new_vectors.values())).shape[0]
            matrix = np.zeros((len(items), dim), dtype=np.float32)
        for i in missing:
            matrix[i] = new_vectors[items[i].content_hash]
    return matrix


def apply_decisions_to(clustering, decisions, undos, recorded, matrix, row_of):
    """The catalogue as people see it: ``clustering`` with the standing decisions applied."""
    from nlp.issues.decisions import apply_decisions, standing

    return apply_decisions(
        clustering.issues,
        clustering.assignment,
        standing(decisions, undos),
        lambda ids: matrix[[row_of[i] for i in ids]],
        undos,
        recorded,
    )


def split_proposals(con, curated, matrix, row_of) -> list:
    """koe's proposed sub-groups of every issue, for the app's split dialog: each computed on a
    fixed sample of the issue's members, whose terms are read from the warehouse at once."""
    from nlp.issues.decisions import ACTIVE
    from nlp.issues.subgroups import MIN_MEMBERS, propose_subgroups, sample_members
    from warehouse import analysis

    members: dict[str, list[str]] = {}
    for doc, issue_id in curated.assignment.items():
        if issue_id is not None and curated.status.get(issue_id) == ACTIVE:
            members.setdefault(issue_id, []).append(doc)
    samples = {
        issue_id: sample_members(docs)
        for issue_id, docs in sorted(members.items())
        if len(docs) >= MIN_MEMBERS
    }
    texts = analysis.clustering_texts(con, [doc for docs in samples.values() for doc in docs])
    proposals = []
    for issue_id, docs in samples.items():
        vectors = matrix[[row_of[d] for d in docs]]
        terms = [texts[d][1] or () for d in docs]
        proposals += propose_subgroups(issue_id, docs, vectors, terms)
    return proposals


def review_calls(path: str | os.PathLike[str] | None = None) -> dict:
    """Agent QA for calls not reviewed yet (or whose turns or holds changed)."""
    from nlp.call_review import review_calls_with_models
    from warehouse import analysis
    from warehouse.db import apply_schema, connect

    with connect(path) as con:
        apply_schema(con)
        pending = analysis.pending_calls(con)
        reviews = []
        # The classifier embeds every customer sentence of the calls it judges: a batch at a
        # time keeps that memory flat; the reviews themselves are small and saved together.
        for start in range(0, len(pending), QA_BATCH):
            calls = analysis.calls_to_records(pending.iloc[start : start + QA_BATCH])
            reviews += review_calls_with_models(calls)
        analysis.save_call_qa(con, reviews)
    return {"reviewed": len(pending), "findings": sum(len(r.findings) for r in reviews)}
