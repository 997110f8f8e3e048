-- The daily KPI rows of marts.kpi_daily between $start and $end, oldest first.
SELECT *
FROM marts.kpi_daily
WHERE day BETWEEN CAST($start AS DATE) AND CAST($end AS DATE)
ORDER BY day;
