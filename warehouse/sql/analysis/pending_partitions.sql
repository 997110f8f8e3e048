-- The originals awaiting analysis (as in pending_feedback) with the cached vector of their text
-- for $model, if any, and the analysis version it was planned for: the input of the mapped analysis tasks, which never open the warehouse.
SELECT
    f.feedback_id, f.channel, f.product, f.text_masked, f.content_hash,
    e.vector AS cached_vector, $analysis_version AS analysis_version
FROM staging.feedback AS f
LEFT JOIN nlp.feedback_analysis AS a
    ON a.feedback_id = f.feedback_id AND a.content_hash = f.content_hash
LEFT JOIN nlp.embeddings AS e
    ON e.content_hash = f.content_hash AND e.model = $model
WHERE f.duplicate_of IS NULL
    AND (a.feedback_id IS NULL OR a.analysis_version IS DISTINCT FROM $analysis_version)
ORDER BY f.created_at, f.feedback_id;
