-- feedback_id → issue_id (NULL = unclassified) as the last clustering run left it.
SELECT feedback_id, issue_id FROM nlp.issue_assignment ORDER BY feedback_id;
