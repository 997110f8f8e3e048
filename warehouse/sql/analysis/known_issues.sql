-- The current issue catalogue, as the next clustering run needs it.
SELECT issue_id, label, keywords, representative_ids, product, centroid, join_threshold
FROM nlp.issues
ORDER BY issue_id;
