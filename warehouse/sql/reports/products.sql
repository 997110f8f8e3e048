-- Every product the feedback names (its own field, or its issue's), for the default
-- one-team-per-product mapping.
SELECT DISTINCT COALESCE(f.product, i.product) AS product
FROM marts.feedback AS f
LEFT JOIN nlp.issues AS i ON i.issue_id = f.issue_id
WHERE COALESCE(f.product, i.product) IS NOT NULL
ORDER BY product;
