-- One alert sent to one target.
INSERT OR IGNORE INTO insights.alert_deliveries (alert_id, channel, target, delivered_at)
VALUES ($alert_id, $channel, $target, now());
