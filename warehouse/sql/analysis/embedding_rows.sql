-- The cached vector of $model for each row of `wanted_rows` (row number, content_hash) that has one.
SELECT w.row_number, e.vector
FROM wanted_rows AS w
JOIN nlp.embeddings AS e ON e.content_hash = w.content_hash AND e.model = $model;
