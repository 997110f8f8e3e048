-- Replace the stored emerging-issue tests by scan_batch (one row per day with data).
DELETE FROM insights.emerging_scan;
INSERT INTO insights.emerging_scan BY NAME SELECT day, input_key, found FROM scan_batch;
