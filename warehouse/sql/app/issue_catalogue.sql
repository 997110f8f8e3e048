-- Every issue of marts.issues for the issue picker: largest first, 未分類 last.
SELECT issue_id, label, feedback_count, negative_share, issue_id = '__unclassified__' AS unclassified
FROM marts.issues
ORDER BY unclassified, feedback_count DESC, issue_id;
