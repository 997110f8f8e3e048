-- The feedback about $products created in [$first_day, $last_day]: every row the report of one
-- product team needs (weekly counts, new issues, risk items, examples). A document's product is
-- its own field, or else its issue's.
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
ORDER BY f.created_at, f.feedback_id;
