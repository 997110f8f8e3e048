-- How many alerts are delivered, failing or pending (as in alert_delivery_state.sql), over all
-- alerts: the operations page's counts, whatever number of rows its table shows.
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
SELECT
    CASE WHEN d.alert_id IS NOT NULL THEN 'delivered'
         WHEN f.alert_id IS NOT NULL THEN 'failed' ELSE 'pending' END AS state,
    count(DISTINCT a.alert_id) AS alerts
FROM insights.alerts AS a
LEFT JOIN delivered AS d USING (alert_id)
LEFT JOIN failed AS f ON f.alert_id = a.alert_id AND d.alert_id IS NULL
GROUP BY state
ORDER BY state;
