-- The masked text and issue terms (NULL: not analysed yet) of the feedback in `wanted_feedback`.
SELECT f.feedback_id, f.text_masked, a.terms
FROM staging.feedback AS f
SEMI JOIN wanted_feedback AS w ON w.feedback_id = f.feedback_id
LEFT JOIN nlp.feedback_analysis AS a
    ON a.feedback_id = f.feedback_id AND a.content_hash = f.content_hash;
