-- Open the alerts in $alert_ids again.
DELETE FROM closed_alerts WHERE list_contains(CAST($alert_ids AS VARCHAR[]), alert_id);
