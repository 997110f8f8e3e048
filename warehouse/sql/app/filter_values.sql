-- The channels and products that occur in marts.issue_daily, for the filter widgets.
-- Feedback without a product has no product value to pick; it shows when no product is chosen.
SELECT DISTINCT 'channel' AS dimension, channel AS value
FROM marts.issue_daily
WHERE channel IS NOT NULL
UNION ALL
SELECT DISTINCT 'product', product
FROM marts.issue_daily
WHERE product IS NOT NULL
ORDER BY dimension, value;
