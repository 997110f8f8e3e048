-- Complaints per issue and product: each side's documents for the key-phrase tests.
SELECT issue_id, product, sum(documents)::BIGINT AS documents
FROM marts.feedback_daily
WHERE is_complaint
GROUP BY ALL
ORDER BY issue_id, product;
