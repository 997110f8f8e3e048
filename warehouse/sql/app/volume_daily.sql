-- Feedback per JST day and channel over $start..$end (all issues, 未分類 included).
SELECT day, channel, CAST(sum(feedback_count) AS BIGINT) AS feedback_count
FROM marts.issue_daily
WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
GROUP BY day, channel
ORDER BY day, channel;
