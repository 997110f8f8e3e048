-- Feedback of issue $issue_id per channel and product (product NULL when not identified).
SELECT
    channel,
    product,
    CAST(sum(feedback_count) AS BIGINT) AS feedback_count,
    CAST(sum(negative_count) AS BIGINT) AS negative_count
FROM marts.issue_daily
WHERE issue_id = $issue_id
GROUP BY channel, product
ORDER BY feedback_count DESC, channel, product NULLS LAST;
