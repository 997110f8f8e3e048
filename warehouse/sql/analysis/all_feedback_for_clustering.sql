-- Every original (not an exact duplicate) to cluster into issues, in a stable order, with whether
-- its analysis found a complaint (NULL: not analysed yet, clustered as a complaint) and the issue
-- terms it found (NULL: clustering tokenizes the text itself).
SELECT f.feedback_id, f.text_masked, f.product, f.channel, f.content_hash, a.is_complaint, a.terms
FROM staging.feedback AS f
LEFT JOIN nlp.feedback_analysis AS a
    ON a.feedback_id = f.feedback_id AND a.content_hash = f.content_hash
WHERE f.duplicate_of IS NULL
ORDER BY f.created_at, f.feedback_id;
