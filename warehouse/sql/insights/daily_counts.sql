-- Feedback per JST day, issue, product and complaint, with its sentiment sums: what the
-- emerging-issue scan counts (marts.feedback_daily without the sentiment split).
SELECT
    day,
    issue_id,
    product,
    is_complaint,
    sum(documents)::BIGINT AS documents,
    sum(scored)::BIGINT AS scored,
    sum(score_sum) AS score_sum
FROM marts.feedback_daily
GROUP BY ALL
ORDER BY day, issue_id, product, is_complaint;
