-- The algorithm's issue catalogue, as the next clustering run continues it: issues a person
-- split off are the decisions' to keep, and a pinned label is the person's, not the algorithm's.
SELECT
    issue_id,
    COALESCE(machine_label, label) AS label,
    keywords,
    representative_ids,
    product,
    centroid,
    join_threshold
FROM nlp.issues
WHERE COALESCE(origin, 'machine') = 'machine'
ORDER BY issue_id;
