-- Per team and agent over $start..$end: answered calls, QA findings in total and per check,
-- and findings per 100 answered calls, so a busy agent is compared fairly with a quiet one.
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
        count(*) FILTER (WHERE check_name = 'forbidden_phrase') AS forbidden_phrase,
        count(*) FILTER (WHERE check_name = 'internal_contact') AS internal_contact,
        count(*) FILTER (WHERE check_name = 'escalation_request') AS escalation_request,
        count(*) FILTER (WHERE check_name = 'long_hold_without_report') AS long_hold_without_report
    FROM marts.agent_qa_findings
    WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
    GROUP BY team, agent_id
)
SELECT
    team,
    agent_id,
    COALESCE(c.calls_answered, 0) AS calls_answered,
    COALESCE(f.findings, 0) AS findings,
    COALESCE(f.forbidden_phrase, 0) AS forbidden_phrase,
    COALESCE(f.internal_contact, 0) AS internal_contact,
    COALESCE(f.escalation_request, 0) AS escalation_request,
    COALESCE(f.long_hold_without_report, 0) AS long_hold_without_report,
    100.0 * COALESCE(f.findings, 0) / NULLIF(c.calls_answered, 0) AS findings_per_100_calls
FROM calls AS c
FULL OUTER JOIN findings AS f USING (team, agent_id)
ORDER BY findings DESC, team, agent_id;
