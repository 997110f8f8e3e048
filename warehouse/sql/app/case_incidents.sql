-- Every incident of a flag in $flags (each is a case), whatever the period: a case stays due
-- until someone completes it. The one with the oldest first voice first.
SELECT
    n.incident_id, n.flag, n.issue_id, i.label AS issue_label, n.product, n.voices, n.first_at,
    n.latest_at, n.first_day, n.latest_day, n.channels, n.detected_at
FROM insights.incidents AS n
LEFT JOIN marts.issues AS i ON i.issue_id = n.issue_id
WHERE list_contains(CAST($flags AS VARCHAR[]), n.flag)
ORDER BY n.first_at, n.incident_id;
