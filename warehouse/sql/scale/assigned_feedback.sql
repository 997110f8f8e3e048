-- How many pieces of feedback have an issue assignment (for `eval.scale_issues`).
SELECT count(*) FROM nlp.issue_assignment;
