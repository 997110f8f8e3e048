-- Replace every root-cause candidate by root_causes_batch.
DELETE FROM insights.root_causes;
INSERT INTO insights.root_causes BY NAME
SELECT
    issue_id, rank, attribute, value, count, issue_docs, reference_count, reference_docs, lift,
    p_value, q_value, onset
FROM root_causes_batch;
