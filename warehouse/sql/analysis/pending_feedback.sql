-- Originals (not exact duplicates) with no analysis for their current text: never analysed, the
-- text changed since (a reloaded file with an edited record), or analysed by another version of
-- the analysis ($analysis_version).
SELECT
    f.feedback_id, f.channel, f.created_at, f.product, f.subject_masked, f.text_masked,
    f.content_hash
FROM staging.feedback AS f
LEFT JOIN nlp.feedback_analysis AS a
    ON a.feedback_id = f.feedback_id AND a.content_hash = f.content_hash
WHERE f.duplicate_of IS NULL
    AND (a.feedback_id IS NULL OR a.analysis_version IS DISTINCT FROM $analysis_version)
ORDER BY f.created_at, f.feedback_id;
