-- Issue id → label, for alert titles.
SELECT issue_id, label FROM marts.issues;
