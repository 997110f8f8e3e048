-- marts.question_feedback: every original voice the text classifier judged a question or a request,
-- with its recurring question (NULL: in none) and, for a call, whether the call was resolved at
-- first contact. Built after marts.feedback, whose originals it keeps.
CREATE OR REPLACE TABLE marts.question_feedback AS
SELECT
    f.feedback_id,
    qa.question_id,
    a.inquiry,
    f.created_at,
    f.created_date,
    f.channel,
    COALESCE(f.product, q.product) AS product,
    f.text_masked,
    c.call_id,
    c.resolved_first_contact
FROM marts.feedback AS f
JOIN nlp.feedback_analysis AS a ON a.feedback_id = f.feedback_id
JOIN raw.feedback AS r ON r.feedback_id = f.feedback_id AND r.content_hash = a.content_hash
LEFT JOIN nlp.question_assignment AS qa ON qa.feedback_id = f.feedback_id
LEFT JOIN nlp.questions AS q ON q.question_id = qa.question_id
-- A call's voice is its customer's turns: the call log says whether it was solved then.
LEFT JOIN staging.calls AS c ON f.channel = 'call' AND c.call_id = r.source_key
WHERE a.inquiry IS NOT NULL
ORDER BY f.created_at, f.feedback_id;

COMMENT ON TABLE marts.question_feedback IS 'Original voices judged a question or a request (nlp.feedback_analysis.inquiry), with their recurring question; one row per feedback_id.';
COMMENT ON COLUMN marts.question_feedback.question_id IS 'nlp.questions.question_id (faq_…); NULL = a question or request in no recurring question.';
COMMENT ON COLUMN marts.question_feedback.inquiry IS 'question or request, as the classifier judged it.';
COMMENT ON COLUMN marts.question_feedback.product IS 'The voice''s own product, else its recurring question''s.';
COMMENT ON COLUMN marts.question_feedback.text_masked IS 'Customer words, PII replaced by placeholders such as ［電話番号］.';
COMMENT ON COLUMN marts.question_feedback.call_id IS 'The call the voice was said in; NULL for the written channels.';
COMMENT ON COLUMN marts.question_feedback.resolved_first_contact IS 'For a call: whether the call log marks it resolved at first contact (1次解決); NULL otherwise or when not recorded.';
