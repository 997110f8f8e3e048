-- Agent QA findings over $start..$end, restricted to $checks / $teams / $agents when those
-- lists are not empty; newest call first, then in turn order.
SELECT call_id, started_at, day, team, agent_id, check_name, turn, phrase, text_masked
FROM marts.agent_qa_findings
WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
  AND (len(CAST($checks AS VARCHAR[])) = 0 OR list_contains(CAST($checks AS VARCHAR[]), check_name))
  AND (len(CAST($teams AS VARCHAR[])) = 0 OR list_contains(CAST($teams AS VARCHAR[]), team))
  AND (len(CAST($agents AS VARCHAR[])) = 0 OR list_contains(CAST($agents AS VARCHAR[]), agent_id))
ORDER BY started_at DESC, call_id, turn;
