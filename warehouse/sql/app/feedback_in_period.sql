-- Masked feedback created in $start..$end, restricted to $channels / $products / $issue_ids when
-- those lists are not empty (未分類 is '__unclassified__'); newest first, at most $limit rows.
SELECT
    f.feedback_id,
    f.created_date,
    f.channel,
    f.product,
    COALESCE(f.issue_id, '__unclassified__') AS issue_id,
    f.issue_label,
    f.sentiment,
    f.sentiment_score,
    f.flags,
    f.text_masked
FROM marts.feedback AS f
WHERE f.created_date BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
  AND (len(CAST($channels AS VARCHAR[])) = 0 OR list_contains(CAST($channels AS VARCHAR[]), f.channel))
  AND (len(CAST($products AS VARCHAR[])) = 0 OR list_contains(CAST($products AS VARCHAR[]), f.product))
  AND (len(CAST($issue_ids AS VARCHAR[])) = 0
       OR list_contains(CAST($issue_ids AS VARCHAR[]), COALESCE(f.issue_id, '__unclassified__')))
ORDER BY f.created_at DESC, f.feedback_id
LIMIT CAST($limit AS BIGINT);
