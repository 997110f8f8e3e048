-- One failed attempt to send an alert to one target, with the reason (append-only history).
INSERT INTO insights.alert_delivery_failures (alert_id, channel, target, failed_at, reason, transient)
VALUES ($alert_id, $channel, $target, now(), $reason, $transient);
