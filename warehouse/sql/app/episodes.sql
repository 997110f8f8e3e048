-- Episodes of emerging alerts with a day in [$start, $end], the latest first, with the issue's
-- label when there is one.
SELECT
    e.episode_id, e.kind, e.issue_id, i.label AS issue_label, e.product, e.first_day, e.last_day,
    e.days, len(e.alert_ids) AS alerts, e.route, e.title, e.peak_ratio
FROM insights.episodes AS e
LEFT JOIN marts.issues AS i ON i.issue_id = e.issue_id
WHERE e.first_day <= $end AND e.last_day >= $start
ORDER BY e.last_day DESC, e.first_day DESC, e.episode_id;
