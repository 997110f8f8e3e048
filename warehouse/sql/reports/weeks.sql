-- The Monday of every week (JST) that holds feedback, and the last day with data.
SELECT
    list(DISTINCT CAST(date_trunc('week', day) AS DATE)
        ORDER BY CAST(date_trunc('week', day) AS DATE)) AS weeks,
    max(day) AS last_day
FROM marts.feedback_daily;
