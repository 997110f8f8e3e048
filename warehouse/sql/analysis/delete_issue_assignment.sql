DELETE FROM nlp.issue_assignment;
