-- Notices (an incident at its current count, or an episode) not yet sent to $channel / $target,
-- oldest first, in the columns of an alert.
SELECT n.notice_id AS alert_id, n.kind, n.day, n.issue_id, NULL AS feedback_id, n.product, n.route,
    n.title, n.observed, NULL AS expected, NULL AS p_value, CAST(n.evidence AS VARCHAR) AS evidence
FROM insights.notices AS n
WHERE NOT EXISTS (
    SELECT 1 FROM insights.alert_deliveries AS d
    WHERE d.alert_id = n.notice_id AND d.channel = $channel AND d.target = $target
)
ORDER BY n.day, n.kind, n.notice_id;
