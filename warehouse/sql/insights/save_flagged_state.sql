-- Replace the keys of the days whose flagged feedback has its alerts stored (flagged_batch).
DELETE FROM insights.flagged_scan;
INSERT INTO insights.flagged_scan BY NAME SELECT day, input_key FROM flagged_batch;
