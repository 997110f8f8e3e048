-- marts.issue_subgroups: the sub-groups koe proposes for splitting each issue, with the centre a
-- split decision keeps and the sub-group's examples, for the app's split dialog.
CREATE OR REPLACE TABLE marts.issue_subgroups AS
SELECT g.issue_id, g.subgroup, g.label, g.keywords, g.share, g.centroid, g.example_ids
FROM nlp.issue_subgroups AS g
JOIN nlp.issues AS i USING (issue_id)
WHERE COALESCE(i.status, 'active') <> 'merged'
ORDER BY g.issue_id, g.subgroup;

COMMENT ON TABLE marts.issue_subgroups IS 'Two or three sub-groups koe proposes for splitting each issue (k-means on a sample of its members); an analyst picks one to split off.';
COMMENT ON COLUMN marts.issue_subgroups.share IS 'Share of the sampled members closest to this sub-group''s centre.';
COMMENT ON COLUMN marts.issue_subgroups.centroid IS 'The sub-group''s unit centre; a split decision keeps every centre, and documents closest to the chosen one leave.';
COMMENT ON COLUMN marts.issue_subgroups.example_ids IS 'feedback_ids closest to the centre, for the analyst to read.';
