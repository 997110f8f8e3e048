-- Every product the feedback names (its own field, or its issue's), for the default
-- one-team-per-product mapping.
SELECT DISTINCT product
FROM marts.feedback_daily
WHERE product IS NOT NULL
ORDER BY product;
