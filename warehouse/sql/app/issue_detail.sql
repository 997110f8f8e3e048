-- One issue of marts.issues by $issue_id (no row when the id is unknown).
SELECT *, kind <> 'issue' AS not_an_issue
FROM marts.issues
WHERE issue_id = $issue_id;
