-- For `eval.scale_issues.inherit_issues`: the grown warehouse takes over the issue catalogue of
-- the warehouse it was grown from (attached as `source`), and every grown copy of a piece of
-- feedback joins the issue its original (copy 0) was clustered into. A copy's source key is the
-- original's with `~<copy>` appended (`eval.scale._key`). Both files share one schema.
DELETE FROM nlp.issue_assignment;
DELETE FROM nlp.issue_lineage;
DELETE FROM nlp.clustering_runs;
DELETE FROM nlp.issues;
DELETE FROM nlp.issue_subgroups;
INSERT INTO nlp.issues SELECT * FROM source.nlp.issues;
INSERT INTO nlp.issue_subgroups SELECT * FROM source.nlp.issue_subgroups;
INSERT INTO nlp.clustering_runs SELECT * FROM source.nlp.clustering_runs;
INSERT INTO nlp.issue_lineage SELECT * FROM source.nlp.issue_lineage;
INSERT INTO nlp.issue_assignment (feedback_id, issue_id, machine_issue_id)
SELECT f.feedback_id, a.issue_id, a.machine_issue_id
FROM raw.feedback AS f
JOIN source.raw.feedback AS o
  ON o.channel = f.channel AND o.source_key = split_part(f.source_key, '~', 1)
JOIN source.nlp.issue_assignment AS a ON a.feedback_id = o.feedback_id;
