-- Every closed alert (its latest close or reopen is a close), most recently closed first.
SELECT target AS alert_id, CAST(happened_at AS VARCHAR) AS closed_at, actor AS closed_by, detail AS note
FROM audit_log
WHERE action IN ('alert_close', 'alert_reopen')
QUALIFY row_number() OVER (PARTITION BY target ORDER BY seq DESC) = 1 AND action = 'alert_close'
ORDER BY closed_at DESC, alert_id;
