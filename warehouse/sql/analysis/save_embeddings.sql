INSERT OR REPLACE INTO nlp.embeddings BY NAME
SELECT DISTINCT ON (content_hash) content_hash, model, vector
FROM embeddings_batch
ORDER BY content_hash, batch_position DESC;
