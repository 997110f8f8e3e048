-- How many notices (insights.notices) are delivered (to some target), failing (never delivered, an attempt failed) or
-- pending, over every notice (the states of alert_delivery_state.sql): the operations page's
-- counts, whatever number of rows its table shows.
SELECT
    CASE
        WHEN EXISTS (SELECT 1 FROM insights.alert_deliveries AS d WHERE d.alert_id = a.notice_id)
            THEN 'delivered'
        WHEN EXISTS (SELECT 1 FROM insights.alert_delivery_failures AS f WHERE f.alert_id = a.notice_id)
            THEN 'failed'
        ELSE 'pending'
    END AS state,
    count(*) AS alerts
FROM insights.notices AS a
GROUP BY state
ORDER BY state;
