"""
### koe_analysis — masked feedback → sentiment, flags, embeddings, recurring issues and questions, agent QA

Runs whenever `koe_ingest` has updated the raw tables (Asset `koe://warehouse/raw`).

1. **plan_analysis** — writes every original whose current text has no analysis yet as Parquet
   partitions in the staging folder (`KOE_STAGING_DIR`, `KOE_PARTITION_SIZE` documents each), with
   its text's cached embedding when there is one.
2. **analyze_partition** (mapped, one task per partition, several at once) — sentiment, the
   problem-report judgement, risk flags, keywords, issue terms and the sentence embedding of each
   text; reads its partition and writes its results beside it, never the warehouse.
3. **load_analysis** — loads every partition's results (and new embeddings) into the warehouse in
   one transaction.
4. **update_issues** — brings the issue catalogue up to date (new feedback joins the known
   issues, or everything is re-clustered when the complaints have grown enough) and replaces the
   issue tables in one transaction; the same data gives the same issues and ids.
5. **update_questions** — brings the recurring questions (よくある質問: the questions and
   requests the classifier found, clustered the way issues are) up to date in their own tables.
6. **review_calls** — agent QA (prohibited phrases, internal-contact disclosure, escalation
   demands, long holds without an intermediate report) for calls not reviewed yet.

Only one task at a time writes the warehouse (DuckDB allows one writer per file): the planner,
the loader, the catalogues and QA run one after another; only the mapped tasks run side by side.
"""

from airflow.sdk import dag, task

from pipeline.dag_defaults import (
    ANALYSIS,
    DEFAULT_ARGS,
    PARTITION_POOL,
    RAW_FEEDBACK,
    START_DATE,
)


@task
def plan_analysis() -> list[str]:
    from pipeline.analysis import plan_analysis as step

    partitions = step()
    print(f"plan_analysis: {len(partitions)} partitions")
    return partitions


# Not in the one-slot warehouse pool: it never opens the warehouse, so partitions run side by side.
@task(pool=PARTITION_POOL)
def analyze_partition(partition: str) -> str:
    from pipeline.analysis import analyze_partition as step

    return step(partition)


# Runs when no partition was planned too (the mapped task is then skipped, not failed).
@task(trigger_rule="none_failed")
def load_analysis(results: list[str] | None = None) -> dict:
    from pipeline.analysis import load_analysis as step

    counts = step(list(results or []))
    print(f"load_analysis: {counts}")
    return counts


@task
def update_issues() -> dict:
    from pipeline.analysis import update_issues as step

    counts = step()
    print(f"update_issues: {counts}")
    return counts


@task
def update_questions() -> dict:
    from pipeline.analysis import update_questions as step

    counts = step()
    print(f"update_questions: {counts}")
    return counts


@task(outlets=[ANALYSIS])
def review_calls() -> dict:
    from pipeline.analysis import review_calls as step

    counts = step()
    print(f"review_calls: {counts}")
    return counts


@dag(
    dag_id="koe_analysis",
    schedule=[RAW_FEEDBACK],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    max_active_tasks=4,  # the mapped partitions; the warehouse's writers run one after another
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["koe", "nlp"],
)
def koe_analysis():
    results = analyze_partition.expand(partition=plan_analysis())
    load_analysis(results) >> update_issues() >> update_questions() >> review_calls()


koe_analysis()
