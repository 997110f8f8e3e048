-- One weekly report's HTML and CSV text.
SELECT html, csv FROM insights.weekly_reports WHERE week_start = $week_start AND team = $team;
