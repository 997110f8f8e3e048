-- The originals awaiting analysis (as in pending_feedback), with the analysis version they were
-- planned for: the input of the mapped analysis tasks, which never open the warehouse. Their
-- cached vectors are looked up a batch at a time (analysis/cached_vectors): joined here to every
-- cached vector, DuckDB hashed the whole cache (an 8 GB peak at 1 M texts).
SELECT
    f.feedback_id, f.channel, f.product, f.text_masked, f.content_hash,
    $analysis_version AS analysis_version
FROM staging.feedback AS f
LEFT JOIN nlp.feedback_analysis AS a
    ON a.feedback_id = f.feedback_id AND a.content_hash = f.content_hash
WHERE f.duplicate_of IS NULL
    AND (a.feedback_id IS NULL OR a.analysis_version IS DISTINCT FROM $analysis_version)
ORDER BY f.created_at, f.feedback_id;
