-- The days whose flagged feedback's alerts the last run stored, with the key of their input.
SELECT day, input_key FROM insights.flagged_scan ORDER BY day;
