-- One issue's root-cause candidates and key phrases, best first.
SELECT attribute, value, rank, count, issue_docs, reference_count, reference_docs, lift,
    p_value, q_value, onset
FROM insights.root_causes
WHERE issue_id = $issue_id
ORDER BY attribute = 'phrase', rank;
