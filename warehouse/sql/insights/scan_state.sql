-- The emerging-issue tests of each day as the last run made them, with the key of their input.
SELECT day, input_key, found FROM insights.emerging_scan ORDER BY day;
