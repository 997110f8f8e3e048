-- How many originals await analysis by $analysis_version (see pending_feedback).
SELECT count(*)
FROM staging.feedback AS f
LEFT JOIN nlp.feedback_analysis AS a
    ON a.feedback_id = f.feedback_id AND a.content_hash = f.content_hash
WHERE f.duplicate_of IS NULL
    AND (a.feedback_id IS NULL OR a.analysis_version IS DISTINCT FROM $analysis_version);
