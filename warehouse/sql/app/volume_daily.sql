-- Feedback per JST day and channel over $start..$end (all issues, 未分類 included), with how many
-- were complaints (everything but 苦情以外) and how many were negative.
SELECT
    day,
    channel,
    CAST(sum(feedback_count) AS BIGINT) AS feedback_count,
    CAST(sum(feedback_count) FILTER (WHERE issue_id <> '__not_complaint__') AS BIGINT)
        AS complaint_count,
    CAST(sum(negative_count) AS BIGINT) AS negative_count
FROM marts.issue_daily
WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
GROUP BY day, channel
ORDER BY day, channel;
