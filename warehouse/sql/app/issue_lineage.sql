-- What clustering runs and analysts did to one issue: created, split off, merged into or from
-- it, retired; renamed, moved, dismissed, undone, with who did it.
SELECT run_at, mode, event, issue_id, label, source_issue_id, source_label, documents, actor,
    decision_id
FROM marts.issue_lineage
WHERE issue_id = $issue_id OR source_issue_id = $issue_id
ORDER BY run_at DESC, event;
