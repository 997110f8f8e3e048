INSERT INTO nlp.issue_assignment BY NAME
SELECT DISTINCT ON (feedback_id) feedback_id, issue_id, machine_issue_id
FROM issue_assignment_batch
ORDER BY feedback_id, batch_position DESC;
