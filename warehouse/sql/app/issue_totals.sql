-- Feedback per issue over $start..$end, restricted to $channels / $products when those lists
-- are not empty. The rows that are not issues (未分類, 苦情以外) sort last, so top-N lists show
-- real issues first.
SELECT
    d.issue_id,
    COALESCE(i.label, '未分類') AS label,
    i.keywords,
    CAST(sum(d.feedback_count) AS BIGINT) AS feedback_count,
    CAST(sum(d.negative_count) AS BIGINT) AS negative_count,
    sum(d.negative_count) / sum(d.feedback_count) AS negative_share,
    sum(d.avg_sentiment * d.feedback_count) / sum(d.feedback_count) AS avg_sentiment,
    COALESCE(i.kind, 'unclassified') AS kind,
    COALESCE(i.kind, 'unclassified') <> 'issue' AS not_an_issue
FROM marts.issue_daily AS d
LEFT JOIN marts.issues AS i USING (issue_id)
WHERE d.day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
  AND (len(CAST($channels AS VARCHAR[])) = 0 OR list_contains(CAST($channels AS VARCHAR[]), d.channel))
  AND (len(CAST($products AS VARCHAR[])) = 0 OR list_contains(CAST($products AS VARCHAR[]), d.product))
GROUP BY d.issue_id, i.label, i.keywords, i.kind
ORDER BY not_an_issue, kind, feedback_count DESC, d.issue_id;
