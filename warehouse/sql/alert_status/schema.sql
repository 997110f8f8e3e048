-- The app's own record, in its own file beside the snapshot (see warehouse/alert_status.py):
-- an append-only audit log of what people did. Whether an alert is closed is read from it (the
-- latest close or reopen of the alert wins); nothing is ever updated or deleted.
CREATE SEQUENCE IF NOT EXISTS audit_seq;
CREATE TABLE IF NOT EXISTS audit_log (
    seq    BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
    happened_at TIMESTAMPTZ NOT NULL,
    actor  VARCHAR NOT NULL,  -- the logged-in identity (e-mail or subject), or the dev user
    role   VARCHAR,           -- the roles the actor had, comma-separated
    action VARCHAR NOT NULL,  -- alert_close, alert_reopen, csv_export, …
    target VARCHAR,           -- the alert id, the exported table, …
    detail VARCHAR            -- a note, the period exported, …
);
-- Files written before the audit log held only the closed alerts; they become close events.
CREATE TABLE IF NOT EXISTS closed_alerts (
    alert_id  VARCHAR PRIMARY KEY,
    closed_at TIMESTAMPTZ NOT NULL,
    closed_by VARCHAR NOT NULL,
    note      VARCHAR
);
INSERT INTO audit_log (happened_at, actor, action, target, detail)
SELECT c.closed_at, c.closed_by, 'alert_close', c.alert_id, c.note
FROM closed_alerts AS c
WHERE NOT EXISTS (
    SELECT 1 FROM audit_log AS a WHERE a.action = 'alert_close' AND a.target = c.alert_id
);
DELETE FROM closed_alerts;
