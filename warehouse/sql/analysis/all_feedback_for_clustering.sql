-- Every original (not an exact duplicate) to cluster into issues, in a stable order.
SELECT feedback_id, text_masked, product, content_hash
FROM staging.feedback
WHERE duplicate_of IS NULL
ORDER BY created_at, feedback_id;
