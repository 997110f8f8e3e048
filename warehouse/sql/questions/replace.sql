-- The recurring questions are replaced as a whole: each run sees every original.
DELETE FROM nlp.questions;
DELETE FROM nlp.question_assignment;
INSERT INTO nlp.questions BY NAME
SELECT DISTINCT ON (question_id)
    question_id, label, keywords, size, representative_ids, product, centroid, join_threshold
FROM questions_batch
ORDER BY question_id, batch_position DESC;
INSERT INTO nlp.question_assignment BY NAME
SELECT DISTINCT ON (feedback_id) feedback_id, question_id
FROM question_assignment_batch
ORDER BY feedback_id, batch_position DESC;
