-- Every closed alert, most recently closed first.
SELECT alert_id, CAST(closed_at AS VARCHAR) AS closed_at, closed_by, note
FROM closed_alerts
ORDER BY closed_at DESC, alert_id;
