-- marts.question_lineage: what each run changed among the recurring questions, newest first, with
-- the labels of the questions that still exist.
CREATE OR REPLACE TABLE marts.question_lineage AS
SELECT
    r.run_at,
    r.mode,
    l.event,
    l.question_id,
    q.label,
    l.source_question_id,
    s.label AS source_label,
    l.documents
FROM nlp.question_lineage AS l
JOIN nlp.question_runs AS r ON r.run_id = l.run_id
LEFT JOIN nlp.questions AS q ON q.question_id = l.question_id
LEFT JOIN nlp.questions AS s ON s.question_id = l.source_question_id
ORDER BY r.run_at DESC, l.event, l.question_id;

COMMENT ON TABLE marts.question_lineage IS 'Lineage of the recurring questions per run: created, split (from source_question_id), merged or retired.';
COMMENT ON COLUMN marts.question_lineage.mode IS 'full (re-clustered and matched to earlier questions) or incremental (new inquiries joined known ones).';
COMMENT ON COLUMN marts.question_lineage.label IS 'The question''s current label; NULL once it is retired.';
COMMENT ON COLUMN marts.question_lineage.documents IS 'Voices involved: those of a new or split-off question, or those that moved in a merge.';
