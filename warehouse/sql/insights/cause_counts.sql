-- Complaints per issue, product, attribute and value, with each value's first day
-- (marts.root_cause_counts): what the root-cause tests build their 2×2 tables from.
SELECT issue_id, product, attribute, value, documents, onset
FROM marts.root_cause_counts
ORDER BY issue_id, product, attribute, value;
