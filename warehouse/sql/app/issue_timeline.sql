-- Feedback of issue $issue_id per JST day, all channels and products together.
SELECT
    day,
    CAST(sum(feedback_count) AS BIGINT) AS feedback_count,
    CAST(sum(negative_count) AS BIGINT) AS negative_count,
    sum(avg_sentiment * feedback_count) / sum(feedback_count) AS avg_sentiment
FROM marts.issue_daily
WHERE issue_id = $issue_id
GROUP BY day
ORDER BY day;
