-- Analysts' decisions about the issue catalogue (issue_rename, issue_merge, …) and their undos,
-- oldest first: the order the pipeline applies them in.
SELECT seq, happened_at, actor, action, target, detail
FROM audit_log
WHERE action LIKE 'issue\_%' ESCAPE '\'
ORDER BY seq;
