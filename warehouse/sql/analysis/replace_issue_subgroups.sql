DELETE FROM nlp.issue_subgroups;
INSERT INTO nlp.issue_subgroups BY NAME
SELECT issue_id, subgroup, label, keywords, share, centroid, example_ids
FROM subgroups_batch
ORDER BY issue_id, subgroup;
