-- Every original (not an exact duplicate) to cluster into issues, in a stable order, without its
-- text: whether its analysis found a complaint (NULL: not analysed yet, clustered as a complaint)
-- and whether a question or a request (recurring questions cluster those; NULL: neither).
-- The texts and issue terms of the few documents a run cuts anew are read apart
-- (clustering_texts), so a run over a million documents does not hold a million texts.
SELECT f.feedback_id, f.product, f.channel, f.content_hash, a.is_complaint, a.inquiry
FROM staging.feedback AS f
LEFT JOIN nlp.feedback_analysis AS a
    ON a.feedback_id = f.feedback_id AND a.content_hash = f.content_hash
WHERE f.duplicate_of IS NULL
ORDER BY f.created_at, f.feedback_id;
