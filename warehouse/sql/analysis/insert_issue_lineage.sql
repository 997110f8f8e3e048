-- The lineage events of the run just recorded by insert_clustering_run.
INSERT INTO nlp.issue_lineage BY NAME
SELECT
    (SELECT max(run_id) FROM nlp.clustering_runs) AS run_id,
    event, issue_id, source_issue_id, documents, actor, decision_id
FROM issue_lineage_batch
ORDER BY batch_position;
