-- Alerts about days in [$start, $end], newest first, with the issue's label when there is one.
SELECT
    a.alert_id,
    a.kind,
    a.day,
    a.window_days,
    a.route,
    a.title,
    a.issue_id,
    i.label AS issue_label,
    a.product,
    a.feedback_id,
    a.observed,
    a.expected,
    a.p_value,
    CAST(a.evidence AS VARCHAR) AS evidence,
    a.detected_at
FROM insights.alerts AS a
LEFT JOIN marts.issues AS i ON i.issue_id = a.issue_id
WHERE a.day BETWEEN $start AND $end
ORDER BY a.day DESC, a.kind, a.alert_id;
