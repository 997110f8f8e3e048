-- The weekly product-team reports, newest week first, without their text.
SELECT
    week_start, team, products, data_through, data_through >= week_start + 6 AS complete,
    complaints, previous, new_issues, alerts, file_stem
FROM insights.weekly_reports
ORDER BY week_start DESC, team;
