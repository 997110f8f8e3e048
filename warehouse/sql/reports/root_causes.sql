-- The best-ranked root-cause candidates and key phrases of the issues in $issue_ids.
SELECT issue_id, attribute, value, count, issue_docs, lift, q_value, onset
FROM insights.root_causes
WHERE list_contains($issue_ids, issue_id)
QUALIFY row_number() OVER (
    PARTITION BY issue_id, attribute = 'phrase' ORDER BY rank
) <= $per_issue
ORDER BY issue_id, attribute = 'phrase', rank;
