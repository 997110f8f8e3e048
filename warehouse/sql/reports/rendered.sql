-- Reports already written: week, team and the last day of data each covered.
SELECT week_start, team, data_through FROM insights.weekly_reports;
