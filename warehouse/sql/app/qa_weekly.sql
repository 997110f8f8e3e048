-- Per week (Monday), team and agent over $start..$end: answered calls and QA findings, for the
-- findings-per-100-calls trend. Weeks are cut at the period's edges.
WITH calls AS (
    SELECT CAST(date_trunc('week', day) AS DATE) AS week, team, agent_id, count(*) AS calls_answered
    FROM marts.calls
    WHERE answered AND agent_id IS NOT NULL
      AND day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY ALL
),
findings AS (
    SELECT CAST(date_trunc('week', day) AS DATE) AS week, team, agent_id, count(*) AS findings
    FROM marts.agent_qa_findings
    WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY ALL
)
SELECT
    week,
    team,
    agent_id,
    COALESCE(c.calls_answered, 0) AS calls_answered,
    COALESCE(f.findings, 0) AS findings
FROM calls AS c
FULL OUTER JOIN findings AS f USING (week, team, agent_id)
ORDER BY week, team, agent_id;
