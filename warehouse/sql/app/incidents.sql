-- Incidents with a voice in [$start, $end] (their first to latest day overlaps it), the one with
-- the newest voice first, with the issue's label when there is one.
SELECT
    n.incident_id, n.flag, n.issue_id, i.label AS issue_label, n.product, n.voices, n.first_at,
    n.latest_at, n.first_day, n.latest_day, n.channels, n.detected_at
FROM insights.incidents AS n
LEFT JOIN marts.issues AS i ON i.issue_id = n.issue_id
WHERE n.first_day <= $end AND n.latest_day >= $start
ORDER BY n.latest_at DESC, n.incident_id;
