-- Feedback whose current text has no normalized search text yet (new, or changed since).
SELECT f.feedback_id, f.content_hash, f.text_masked
FROM raw.feedback AS f
LEFT JOIN nlp.feedback_normalized AS s
    ON s.feedback_id = f.feedback_id AND s.content_hash = f.content_hash
WHERE s.feedback_id IS NULL;
