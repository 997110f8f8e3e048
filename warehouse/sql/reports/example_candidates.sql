-- The complaints about $products from $first_day to $last_day that a report may quote: for each
-- issue and channel the two most negative (then oldest). A report quotes at most two per issue,
-- a different channel first, so these always hold its choice.
SELECT
    f.feedback_id,
    f.created_date,
    CAST(date_trunc('week', f.created_date) AS DATE) AS week_start,
    f.channel,
    COALESCE(f.product, i.product) AS product,
    f.issue_id,
    COALESCE(mi.label, f.issue_label) AS label,
    mi.first_seen AS issue_first_seen,
    f.is_complaint,
    f.sentiment,
    f.sentiment_score,
    f.flags,
    f.text_masked
FROM marts.feedback AS f
LEFT JOIN nlp.issues AS i ON i.issue_id = f.issue_id
LEFT JOIN marts.issues AS mi ON mi.issue_id = f.issue_id
WHERE f.created_date BETWEEN $first_day AND $last_day
  AND list_contains($products, COALESCE(f.product, i.product))
  AND f.is_complaint
  AND f.issue_id IS NOT NULL
QUALIFY row_number() OVER (
    PARTITION BY f.issue_id, f.channel
    ORDER BY f.sentiment_score NULLS LAST, f.created_date, f.feedback_id
) <= 2
ORDER BY f.created_at, f.feedback_id;
