INSERT INTO nlp.issues BY NAME
SELECT DISTINCT ON (issue_id)
    issue_id, label, keywords, size, representative_ids, product, centroid, join_threshold,
    origin, status, machine_label
FROM issues_batch
ORDER BY issue_id, batch_position DESC;
