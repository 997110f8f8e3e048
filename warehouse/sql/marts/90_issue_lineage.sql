-- marts.issue_lineage: what each clustering run changed in the issue catalogue, newest first,
-- with the labels of the issues that still exist.
CREATE OR REPLACE TABLE marts.issue_lineage AS
SELECT
    r.run_at,
    r.mode,
    l.event,
    l.issue_id,
    i.label,
    l.source_issue_id,
    s.label AS source_label,
    l.documents,
    COALESCE(l.actor, 'koe') AS actor,
    l.decision_id
FROM nlp.issue_lineage AS l
JOIN nlp.clustering_runs AS r ON r.run_id = l.run_id
LEFT JOIN nlp.issues AS i ON i.issue_id = l.issue_id
LEFT JOIN nlp.issues AS s ON s.issue_id = l.source_issue_id
ORDER BY r.run_at DESC, l.event, l.issue_id;

COMMENT ON TABLE marts.issue_lineage IS 'Issue lineage for the app, machine and human side by side: created, split, merged and retired by clustering; renamed, merged, split, moved, dismissed and undone by analysts, per clustering run.';
COMMENT ON COLUMN marts.issue_lineage.actor IS 'koe for the algorithm''s changes, else who made the decision.';
COMMENT ON COLUMN marts.issue_lineage.decision_id IS 'The analyst''s decision the event applied (dec_<seq> in the app''s audit log); NULL for the algorithm.';
COMMENT ON COLUMN marts.issue_lineage.mode IS 'full (re-clustered and matched to earlier issues) or incremental (new feedback joined known issues).';
COMMENT ON COLUMN marts.issue_lineage.label IS 'The issue''s current label; NULL once the issue is retired.';
COMMENT ON COLUMN marts.issue_lineage.documents IS 'Documents involved: those of a new or split-off issue, or those that moved in a merge.';
