-- One audit event per target in $targets (an action on nothing records nothing).
INSERT INTO audit_log (happened_at, actor, role, action, target, detail)
SELECT now(), $actor, $role, $action, unnest(CAST($targets AS VARCHAR[])), $detail;
