-- Every question id ever used (never reused), the inquiries seen by the last full run, and the
-- input digest of the last run.
SELECT
    (SELECT list(DISTINCT question_id) FROM (
        SELECT question_id FROM nlp.question_lineage UNION SELECT question_id FROM nlp.questions
    )) AS taken_ids,
    (SELECT inquiries FROM nlp.question_runs WHERE mode = 'full'
     ORDER BY run_id DESC LIMIT 1) AS last_full_inquiries,
    (SELECT input_digest FROM nlp.question_runs ORDER BY run_id DESC LIMIT 1) AS last_digest;
