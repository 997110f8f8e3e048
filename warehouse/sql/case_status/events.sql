-- Every case event (case_take, case_note, case_complete) of the audit log, oldest first; only
-- those of $targets when it is not NULL.
SELECT seq, happened_at, actor, role, action, target AS incident_id, detail
FROM audit_log
WHERE action LIKE 'case\_%' ESCAPE '\'
  AND (CAST($targets AS VARCHAR[]) IS NULL OR list_contains(CAST($targets AS VARCHAR[]), target))
ORDER BY seq;
