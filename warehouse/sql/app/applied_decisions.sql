-- Analysts' decisions (and undos) the published catalogue already reflects, with the run that
-- applied them; a decision in the app's log but not here is still waiting for the next run.
SELECT decision_id, min(run_at) AS applied_at, bool_or(event = 'not_applied') AS not_applied
FROM marts.issue_lineage
WHERE decision_id IS NOT NULL
GROUP BY decision_id;
