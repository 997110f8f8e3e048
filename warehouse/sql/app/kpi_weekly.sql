-- Each KPI per week (Monday) of $start..$end, each day's rate weighted by its own denominator as
-- in kpi_period.sql; weeks are cut at the period's edges. For the sparkline under each KPI.
WITH days AS (
    SELECT *, CAST(date_trunc('week', day) AS DATE) AS week
    FROM marts.kpi_daily
    WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
),
rates (week, kpi, value, weight) AS (
    SELECT week, 'answer_rate', answer_rate, calls_offered FROM days
    UNION ALL SELECT week, 'abandon_rate', abandon_rate, calls_offered FROM days
    UNION ALL SELECT week, 'avg_speed_of_answer_s', avg_speed_of_answer_s, calls_answered FROM days
    UNION ALL SELECT week, 'first_contact_resolution_rate', first_contact_resolution_rate, calls_answered FROM days
    UNION ALL SELECT week, 'holds_within_45s_share', holds_within_45s_share, holds FROM days
    UNION ALL SELECT week, 'written_responded_within_24h_share', written_responded_within_24h_share, written_received FROM days
    UNION ALL SELECT week, 'repeat_contact_rate', repeat_contact_rate, issue_contacts_linked FROM days
)
SELECT week, kpi, sum(value * weight) / NULLIF(sum(weight), 0) AS value
FROM rates
WHERE value IS NOT NULL
GROUP BY week, kpi
ORDER BY kpi, week;
