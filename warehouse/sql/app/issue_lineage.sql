-- What clustering runs did to one issue: created, split off, merged into or from it, retired.
SELECT run_at, mode, event, issue_id, label, source_issue_id, source_label, documents
FROM marts.issue_lineage
WHERE issue_id = $issue_id OR source_issue_id = $issue_id
ORDER BY run_at DESC, event;
