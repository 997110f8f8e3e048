-- Calls with their masked turns and holds that agent QA has not reviewed yet, or reviewed before
-- their turns/holds changed (qa_input_hash differs).
SELECT
    c.call_id, c.source_file, c.source_line, c.started_at, c.product, c.answered_after_s,
    c.abandoned, c.resolved_first_contact, c.customer_id, c.agent_id, c.team,
    c.hold_segments::VARCHAR AS hold_segments, c.turns_masked::VARCHAR AS turns_masked,
    c.qa_input_hash
FROM staging.calls AS c
LEFT JOIN nlp.call_qa AS q
    ON q.call_id = c.call_id AND q.qa_input_hash = c.qa_input_hash
WHERE q.call_id IS NULL
ORDER BY c.started_at, c.call_id;
