-- One run of the recurring questions, and its lineage events; its id is the next number.
INSERT INTO nlp.question_runs BY NAME
SELECT
    (SELECT COALESCE(max(run_id), 0) + 1 FROM nlp.question_runs) AS run_id,
    run_at, mode, documents, inquiries, questions, unclassified, retained_share, input_digest
FROM question_run_batch;
INSERT INTO nlp.question_lineage BY NAME
SELECT
    (SELECT max(run_id) FROM nlp.question_runs) AS run_id,
    event, question_id, source_question_id, documents
FROM question_lineage_batch
ORDER BY batch_position;
