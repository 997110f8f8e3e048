"""
### koe_analysis — masked feedback → sentiment, flags, embeddings, recurring issues, agent QA

Runs whenever `koe_ingest` has updated the raw tables (Asset `koe://warehouse/raw`).

1. **analyze_new_feedback** — sentiment, risk flags and keywords for every original whose current
   text has no analysis yet, and its sentence embedding (cached by content hash, so unchanged text
   is never embedded twice).
2. **update_issues** — brings the issue catalogue up to date (new feedback joins the known
   issues, or everything is re-clustered when the complaints have grown enough) and replaces the
   issue tables in one transaction; the same data gives the same issues and ids.
3. **review_calls** — agent QA (prohibited phrases, internal-contact disclosure, escalation
   demands, long holds without an intermediate report) for calls not reviewed yet.

Each task reads what it needs from DuckDB and writes in one transaction, so a rerun after a crash
starts from a consistent state.
"""

from airflow.sdk import dag, task

from pipeline.dag_defaults import ANALYSIS, DEFAULT_ARGS, RAW_FEEDBACK, START_DATE


@task
def analyze_new_feedback() -> dict:
    from pipeline.analysis import analyze_new_feedback as step

    counts = step()
    print(f"analyze_new_feedback: {counts}")
    return counts


@task
def update_issues() -> dict:
    from pipeline.analysis import update_issues as step

    counts = step()
    print(f"update_issues: {counts}")
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
    max_active_tasks=1,  # one DuckDB writer at a time
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["koe", "nlp"],
)
def koe_analysis():
    analyze_new_feedback() >> update_issues() >> review_calls()


koe_analysis()
