-- Cached vectors of one model for the hashes in the registered `wanted_hashes` batch.
SELECT e.content_hash, e.vector
FROM nlp.embeddings AS e
SEMI JOIN wanted_hashes AS w ON w.content_hash = e.content_hash
WHERE e.model = $model;
