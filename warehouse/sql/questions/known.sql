-- The recurring questions as the next run continues them.
SELECT question_id, label, keywords, representative_ids, product, centroid, join_threshold
FROM nlp.questions
ORDER BY question_id;
