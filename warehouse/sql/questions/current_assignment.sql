-- feedback_id → question_id (NULL = no recurring question) as the last run left it.
SELECT feedback_id, question_id FROM nlp.question_assignment ORDER BY feedback_id;
