-- Feedback of issue $issue_id per channel and product (product NULL when not identified), on the
-- days $start..$end.
SELECT
    channel,
    product,
    CAST(sum(feedback_count) AS BIGINT) AS feedback_count,
    CAST(sum(negative_count) AS BIGINT) AS negative_count
FROM marts.issue_daily
WHERE issue_id = $issue_id AND day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
GROUP BY channel, product
ORDER BY feedback_count DESC, channel, product NULLS LAST;
