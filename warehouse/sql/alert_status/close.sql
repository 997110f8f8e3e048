-- Close the alerts in $alert_ids (closing again keeps the first closing).
INSERT INTO closed_alerts (alert_id, closed_at, closed_by, note)
SELECT unnest(CAST($alert_ids AS VARCHAR[])), now(), $closed_by, $note
ON CONFLICT (alert_id) DO NOTHING;
