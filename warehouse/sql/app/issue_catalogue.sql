-- Every issue of marts.issues for the issue picker: largest first, 未分類 and 苦情以外 last.
SELECT issue_id, label, feedback_count, negative_share, kind, kind <> 'issue' AS not_an_issue
FROM marts.issues
ORDER BY not_an_issue, kind, feedback_count DESC, issue_id;
