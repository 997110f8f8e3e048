-- One clustering run; its id is the next number.
INSERT INTO nlp.clustering_runs BY NAME
SELECT
    (SELECT COALESCE(max(run_id), 0) + 1 FROM nlp.clustering_runs) AS run_id,
    run_at, mode, documents, complaints, issues, unclassified, retained_share, input_digest
FROM clustering_run_batch;
