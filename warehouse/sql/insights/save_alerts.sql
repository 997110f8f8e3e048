-- Replace the alerts by alerts_batch; an alert found before keeps its detected_at. The alerts of
-- flagged feedback (those with a feedback_id) on the days of kept_days_batch stay as they are:
-- their feedback has not changed since they were made.
DELETE FROM insights.alerts
WHERE alert_id NOT IN (SELECT alert_id FROM alerts_batch)
  AND NOT (feedback_id IS NOT NULL AND day IN (SELECT day FROM kept_days_batch));
INSERT INTO insights.alerts BY NAME
SELECT
    alert_id, kind, day, window_days, issue_id, feedback_id, product, route, title, observed, expected,
    p_value, CAST(evidence AS JSON) AS evidence, now() AS detected_at
FROM alerts_batch
ON CONFLICT (alert_id) DO UPDATE SET
    kind = excluded.kind,
    day = excluded.day,
    window_days = excluded.window_days,
    issue_id = excluded.issue_id,
    feedback_id = excluded.feedback_id,
    product = excluded.product,
    route = excluded.route,
    title = excluded.title,
    observed = excluded.observed,
    expected = excluded.expected,
    p_value = excluded.p_value,
    evidence = excluded.evidence;
