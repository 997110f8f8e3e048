-- Alerts not yet sent to $channel / $target, oldest first.
SELECT a.alert_id, a.kind, a.day, a.issue_id, a.feedback_id, a.product, a.route, a.title, a.observed,
    a.expected, a.p_value, CAST(a.evidence AS VARCHAR) AS evidence
FROM insights.alerts AS a
WHERE NOT EXISTS (
    SELECT 1 FROM insights.alert_deliveries AS d
    WHERE d.alert_id = a.alert_id AND d.channel = $channel AND d.target = $target
)
ORDER BY a.day, a.kind, a.alert_id;
