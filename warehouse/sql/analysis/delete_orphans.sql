-- Analysis of records that are no longer in the raw layer (their inbox file was deleted, or a
-- reload dropped them): derived from personal text, so it goes with the record.
DELETE FROM nlp.feedback_analysis AS a
WHERE NOT EXISTS (SELECT 1 FROM raw.feedback AS f WHERE f.feedback_id = a.feedback_id);
DELETE FROM nlp.issue_assignment AS a
WHERE NOT EXISTS (SELECT 1 FROM raw.feedback AS f WHERE f.feedback_id = a.feedback_id);
DELETE FROM nlp.embeddings AS e
WHERE NOT EXISTS (SELECT 1 FROM raw.feedback AS f WHERE f.content_hash = e.content_hash);
DELETE FROM nlp.call_qa AS q
WHERE NOT EXISTS (SELECT 1 FROM raw.calls AS c WHERE c.call_id = q.call_id);
DELETE FROM nlp.call_qa_findings AS q
WHERE NOT EXISTS (SELECT 1 FROM raw.calls AS c WHERE c.call_id = q.call_id);
DELETE FROM nlp.question_assignment AS a
WHERE NOT EXISTS (SELECT 1 FROM raw.feedback AS f WHERE f.feedback_id = a.feedback_id);
