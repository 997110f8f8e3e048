-- The first and last JST day with any calls or feedback: the dashboard's default period.
SELECT min(day) AS first_day, max(day) AS last_day
FROM (
    SELECT day FROM marts.kpi_daily
    UNION ALL
    SELECT day FROM marts.issue_daily
);
