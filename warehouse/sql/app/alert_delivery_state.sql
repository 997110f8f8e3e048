-- Notices (an incident at its count, an episode: insights.notices) with where they were sent, or
-- why they were not: delivered (first delivery per target)
-- or failing (the latest failure, when the alert was never delivered to that target). What needs
-- a look first (failed, then pending), then newest first; at most $limit rows.
WITH delivered AS (
    SELECT alert_id, channel, target, min(delivered_at) AS delivered_at
    FROM insights.alert_deliveries
    GROUP BY ALL
), failed AS (
    SELECT alert_id, channel, target, max(failed_at) AS failed_at, count(*) AS attempts,
        arg_max(reason, failed_at) AS reason, arg_max(transient, failed_at) AS transient
    FROM insights.alert_delivery_failures
    GROUP BY ALL
)
SELECT a.notice_id AS alert_id, a.day, a.kind, a.title, coalesce(d.channel, f.channel) AS channel,
    coalesce(d.target, f.target) AS target,
    CASE WHEN d.alert_id IS NOT NULL THEN 'delivered'
         WHEN f.alert_id IS NOT NULL THEN 'failed' ELSE 'pending' END AS state,
    d.delivered_at, f.failed_at, f.attempts, f.reason, f.transient
FROM insights.notices AS a
LEFT JOIN delivered AS d ON d.alert_id = a.notice_id
LEFT JOIN failed AS f ON f.alert_id = a.notice_id AND d.alert_id IS NULL
ORDER BY CASE state WHEN 'failed' THEN 0 WHEN 'pending' THEN 1 ELSE 2 END, a.day DESC, a.notice_id
LIMIT CAST($limit AS BIGINT);
