-- The feedback about $products from $first_day to $last_day, counted per day, issue, complaint
-- and sentiment (marts.feedback_daily): the weekly counts, trends and issue table of one product
-- team's report. A document's product is its own field, or else its issue's.
SELECT
    d.day AS created_date,
    CAST(date_trunc('week', d.day) AS DATE) AS week_start,
    d.issue_id,
    COALESCE(mi.label, d.issue_label) AS label,
    mi.first_seen AS issue_first_seen,
    d.is_complaint,
    d.sentiment,
    sum(d.documents)::BIGINT AS documents
FROM marts.feedback_daily AS d
LEFT JOIN marts.issues AS mi ON mi.issue_id = d.issue_id
WHERE d.day BETWEEN $first_day AND $last_day
  AND list_contains($products, d.product)
GROUP BY ALL
ORDER BY created_date, d.issue_id, d.is_complaint, d.sentiment;
