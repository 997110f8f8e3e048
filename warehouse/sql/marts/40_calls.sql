-- marts.calls: one row per call with hold statistics and its QA result.
CREATE OR REPLACE TABLE marts.calls AS
SELECT
    c.call_id,
    c.started_at,
    c.day,
    c.product,
    c.team,
    c.agent_id,
    c.answered,
    c.abandoned,
    c.answered_after_s,
    c.resolved_first_contact,
    c.hold_count,
    c.max_hold_s,
    c.long_holds_without_report,
    q.findings AS qa_findings
FROM staging.calls AS c
LEFT JOIN nlp.call_qa AS q ON q.call_id = c.call_id AND q.qa_input_hash = c.qa_input_hash
ORDER BY c.started_at, c.call_id;

COMMENT ON TABLE marts.calls IS 'One row per call: answer, hold and QA facts.';
COMMENT ON COLUMN marts.calls.day IS 'Date of started_at in Asia/Tokyo.';
COMMENT ON COLUMN marts.calls.answered IS 'NOT abandoned.';
COMMENT ON COLUMN marts.calls.answered_after_s IS 'Seconds until answered; NULL when abandoned.';
COMMENT ON COLUMN marts.calls.max_hold_s IS 'Longest hold in seconds; 0 when the call had no hold.';
COMMENT ON COLUMN marts.calls.long_holds_without_report IS 'Holds longer than 45 s without an intermediate report (中間報告).';
COMMENT ON COLUMN marts.calls.qa_findings IS 'Number of agent-QA findings; NULL when the call is not reviewed yet.';
