-- feedback_id → issue_id (NULL = unclassified) as the last clustering run's algorithm left it,
-- before analysts' decisions (those are applied again on top every run).
SELECT feedback_id, machine_issue_id FROM nlp.issue_assignment ORDER BY feedback_id;
