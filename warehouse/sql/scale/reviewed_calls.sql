-- Calls with their agent-QA result (NULL findings: not reviewed) for `eval.scale.grow`.
SELECT
    c.* REPLACE (c.hold_segments::VARCHAR AS hold_segments, c.turns_masked::VARCHAR AS turns_masked),
    q.findings
FROM raw.calls AS c
LEFT JOIN nlp.call_qa AS q ON q.call_id = c.call_id
ORDER BY c.source_file, c.call_id;
