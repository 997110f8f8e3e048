-- The app's record of alerts the support office has dealt with (closed). Lives in its own file
-- beside the snapshot; see warehouse/alert_status.py.
CREATE TABLE IF NOT EXISTS closed_alerts (
    alert_id  VARCHAR PRIMARY KEY,
    closed_at TIMESTAMPTZ NOT NULL,
    closed_by VARCHAR NOT NULL,
    note      VARCHAR
);
