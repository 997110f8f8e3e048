-- marts.call_turns: every turn of every call transcript, masked, numbered as agent QA numbers
-- them (0-based), so a finding in marts.agent_qa_findings opens its call at the turn.
CREATE OR REPLACE TABLE marts.call_turns AS
WITH calls AS (
    SELECT call_id, CAST(turns_masked AS JSON[]) AS turns
    FROM staging.calls
    WHERE turns_masked IS NOT NULL
),
turns AS (
    SELECT call_id, unnest(range(len(turns))) AS turn, unnest(turns) AS item FROM calls
)
SELECT
    call_id,
    CAST(turn AS INTEGER) AS turn,
    item ->> 'speaker' AS speaker,
    TRY_CAST(item ->> 't' AS DOUBLE) AS t_s,
    item ->> 'text' AS text_masked
FROM turns
ORDER BY call_id, turn;

COMMENT ON TABLE marts.call_turns IS 'Masked call transcripts, one row per turn.';
COMMENT ON COLUMN marts.call_turns.turn IS 'Position in the transcript from 0, as in marts.agent_qa_findings.turn.';
COMMENT ON COLUMN marts.call_turns.speaker IS 'agent | customer.';
COMMENT ON COLUMN marts.call_turns.t_s IS 'Seconds from the start of the call.';
