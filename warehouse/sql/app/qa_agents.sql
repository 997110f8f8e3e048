-- Per team and agent over $start..$end: answered calls, QA findings in total and the check of
-- each (warehouse.queries.qa_agents counts them per check of koe.vocabulary.QA_CHECKS), and
-- findings per 100 answered calls, so a busy agent is compared fairly with a quiet one.
WITH calls AS (
    SELECT team, agent_id, count(*) AS calls_answered
    FROM marts.calls
    WHERE answered AND agent_id IS NOT NULL
      AND day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY team, agent_id
),
findings AS (
    SELECT
        team,
        agent_id,
        count(*) AS findings,
        list(check_name) AS checks
    FROM marts.agent_qa_findings
    WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY team, agent_id
)
SELECT
    team,
    agent_id,
    COALESCE(c.calls_answered, 0) AS calls_answered,
    COALESCE(f.findings, 0) AS findings,
    COALESCE(f.checks, []) AS checks,
    100.0 * COALESCE(f.findings, 0) / NULLIF(c.calls_answered, 0) AS findings_per_100_calls
FROM calls AS c
FULL OUTER JOIN findings AS f USING (team, agent_id)
ORDER BY findings DESC, team, agent_id;
