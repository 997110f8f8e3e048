"""The steps koe's DAGs run, one module per DAG (`ingest`, `analysis`, `marts`, `reports`).

Each step reads from the warehouse, calls the domain packages (ingest, nlp, insights, reports)
and writes back in one transaction, so it is idempotent for its partition. The DAG files in
`dags/` import nothing else; scripts and tests call the same functions (`pipeline.local`).
"""
