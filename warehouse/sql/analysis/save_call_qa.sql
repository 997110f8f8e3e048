-- The reviewed input's hash comes from staging.calls, so a later change of turns/holds is seen.
INSERT OR REPLACE INTO nlp.call_qa BY NAME
SELECT DISTINCT ON (q.call_id)
    q.call_id, q.findings, c.qa_input_hash
FROM call_qa_batch AS q
LEFT JOIN staging.calls AS c ON c.call_id = q.call_id
ORDER BY q.call_id, q.batch_position DESC;
