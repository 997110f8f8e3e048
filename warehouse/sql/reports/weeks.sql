-- The Monday of every week (JST) that holds feedback, and the last day with data.
SELECT
    list(DISTINCT CAST(date_trunc('week', created_date) AS DATE) ORDER BY 1) AS weeks,
    max(created_date) AS last_day
FROM marts.feedback;
