-- Emerging-issue alerts of [$first_day, $last_day] about $products (the alert's own product or
-- its issue's); the immediate safety and SNS items are counted from the feedback instead.
SELECT a.kind, a.day, a.title, a.issue_id, a.observed, a.expected, a.p_value
FROM insights.alerts AS a
LEFT JOIN nlp.issues AS i ON i.issue_id = a.issue_id
WHERE a.day BETWEEN $first_day AND $last_day
  AND a.kind NOT IN ('safety', 'sns_threat')
  AND list_contains($products, COALESCE(a.product, i.product))
ORDER BY a.day, a.kind, a.alert_id;
