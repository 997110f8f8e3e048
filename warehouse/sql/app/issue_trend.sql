-- Feedback per issue and JST day over $start..$end, restricted to $channels / $products when
-- those lists are not empty. avg_sentiment is weighted by the day's feedback count.
SELECT
    d.day,
    d.issue_id,
    COALESCE(i.label, '未分類') AS label,
    CAST(sum(d.feedback_count) AS BIGINT) AS feedback_count,
    CAST(sum(d.negative_count) AS BIGINT) AS negative_count,
    sum(d.avg_sentiment * d.feedback_count) / sum(d.feedback_count) AS avg_sentiment
FROM marts.issue_daily AS d
LEFT JOIN marts.issues AS i USING (issue_id)
WHERE d.day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
  AND (len(CAST($channels AS VARCHAR[])) = 0 OR list_contains(CAST($channels AS VARCHAR[]), d.channel))
  AND (len(CAST($products AS VARCHAR[])) = 0 OR list_contains(CAST($products AS VARCHAR[]), d.product))
GROUP BY d.day, d.issue_id, i.label
ORDER BY d.day, d.issue_id;
