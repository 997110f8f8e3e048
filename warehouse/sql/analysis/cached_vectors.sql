-- The cached $model vector of each text in `wanted_hashes` (content_hash) that has one.
SELECT w.content_hash, e.vector
FROM wanted_hashes AS w
JOIN nlp.embeddings AS e ON e.content_hash = w.content_hash AND e.model = $model;
