-- Every issue id ever used (never reused), the complaints seen by the last full run, and the
-- input digest of the last run.
SELECT
    (SELECT list(DISTINCT issue_id) FROM (
        SELECT issue_id FROM nlp.issue_lineage UNION SELECT issue_id FROM nlp.issues
    )) AS taken_ids,
    (SELECT complaints FROM nlp.clustering_runs WHERE mode = 'full'
     ORDER BY run_id DESC LIMIT 1) AS last_full_complaints,
    (SELECT input_digest FROM nlp.clustering_runs ORDER BY run_id DESC LIMIT 1) AS last_digest;
