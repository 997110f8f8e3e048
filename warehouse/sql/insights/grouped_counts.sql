-- What the insights step stored, counted: alerts, flagged voices alerted one by one, incidents
-- (all, and per flag) and episodes; the figures the pipeline prints for the demo.
SELECT 'alerts' AS what, count(*) AS n FROM insights.alerts
UNION ALL
SELECT 'alerts_per_voice', count(*) FROM insights.alerts WHERE feedback_id IS NOT NULL
UNION ALL
SELECT 'emerging_alerts', count(*) FROM insights.alerts WHERE feedback_id IS NULL
UNION ALL
SELECT 'incidents', count(*) FROM insights.incidents
UNION ALL
SELECT 'incident_voices', COALESCE(sum(voices), 0) FROM insights.incidents
UNION ALL
SELECT 'episodes', count(*) FROM insights.episodes
UNION ALL
SELECT 'incidents_' || flag, count(*) FROM insights.incidents GROUP BY flag
ORDER BY what;
