-- Normalized texts of feedback that is gone (its file was replaced without it).
DELETE FROM nlp.feedback_normalized
WHERE feedback_id NOT IN (SELECT feedback_id FROM raw.feedback);
