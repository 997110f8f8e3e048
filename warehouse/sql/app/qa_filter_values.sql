-- The checks, teams and agents that occur in marts.agent_qa_findings and marts.calls.
SELECT DISTINCT 'check' AS dimension, check_name AS value FROM marts.agent_qa_findings
UNION ALL
SELECT DISTINCT 'team', team FROM marts.calls WHERE team IS NOT NULL
UNION ALL
SELECT DISTINCT 'agent', agent_id FROM marts.calls WHERE agent_id IS NOT NULL
ORDER BY dimension, value;
