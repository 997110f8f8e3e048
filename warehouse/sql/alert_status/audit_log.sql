-- The audit log, newest first.
SELECT seq, CAST(happened_at AS VARCHAR) AS happened_at, actor, role, action, target, detail
FROM audit_log
ORDER BY seq DESC
LIMIT $limit;
