-- marts.agent_qa_findings: every agent-QA finding with the call's time, team and agent.
CREATE OR REPLACE TABLE marts.agent_qa_findings AS
SELECT
    f.call_id,
    c.started_at,
    c.day,
    c.team,
    c.agent_id,
    f.check_name,
    f.turn,
    f.phrase,
    f.text_masked
FROM nlp.call_qa_findings AS f
JOIN staging.calls AS c ON c.call_id = f.call_id
JOIN nlp.call_qa AS q ON q.call_id = f.call_id AND q.qa_input_hash = c.qa_input_hash
ORDER BY c.started_at, f.call_id, f.turn, f.check_name;

COMMENT ON TABLE marts.agent_qa_findings IS 'Agent-QA findings per call turn (only for calls whose current transcript was reviewed).';
COMMENT ON COLUMN marts.agent_qa_findings.check_name IS 'A code of koe.vocabulary.QA_CHECKS (forbidden_phrase, internal_contact, ...).';
COMMENT ON COLUMN marts.agent_qa_findings.turn IS 'Position of the turn in the transcript, as numbered by nlp.agent_qa.';
COMMENT ON COLUMN marts.agent_qa_findings.text_masked IS 'The masked text of that turn.';
