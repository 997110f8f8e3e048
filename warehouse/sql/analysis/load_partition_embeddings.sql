-- The vectors the mapped analysis tasks computed (NULL where the text's vector was cached).
INSERT OR REPLACE INTO nlp.embeddings BY NAME
SELECT DISTINCT ON (content_hash) content_hash, model, vector
FROM feedback_analysis_batch
WHERE vector IS NOT NULL
ORDER BY content_hash, batch_position DESC;
