-- Feedback per issue over $start..$end, restricted to $channels / $products when those lists
-- are not empty. 未分類 ('__unclassified__') sorts last, so top-N lists show real issues first.
SELECT
    d.issue_id,
    COALESCE(i.label, '未分類') AS label,
    i.keywords,
    CAST(sum(d.feedback_count) AS BIGINT) AS feedback_count,
    CAST(sum(d.negative_count) AS BIGINT) AS negative_count,
    sum(d.negative_count) / sum(d.feedback_count) AS negative_share,
    sum(d.avg_sentiment * d.feedback_count) / sum(d.feedback_count) AS avg_sentiment,
    d.issue_id = '__unclassified__' AS unclassified
FROM marts.issue_daily AS d
LEFT JOIN marts.issues AS i USING (issue_id)
WHERE d.day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
  AND (len(CAST($channels AS VARCHAR[])) = 0 OR list_contains(CAST($channels AS VARCHAR[]), d.channel))
  AND (len(CAST($products AS VARCHAR[])) = 0 OR list_contains(CAST($products AS VARCHAR[]), d.product))
GROUP BY d.issue_id, i.label, i.keywords
ORDER BY unclassified, feedback_count DESC, d.issue_id;
