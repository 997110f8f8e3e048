-- One issue of marts.issues by $issue_id (no row when the id is unknown).
SELECT *, issue_id = '__unclassified__' AS unclassified
FROM marts.issues
WHERE issue_id = $issue_id;
