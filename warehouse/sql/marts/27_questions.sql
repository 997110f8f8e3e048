-- marts.questions: one row per recurring question (よくある質問) with its volume, trend, channels,
-- first-contact resolution of its calls and its representative voices, over all the data. The
-- page recomputes volume, trend, channels and resolution for the period it shows
-- (warehouse/sql/app/faq_questions.sql) from marts.question_daily.
CREATE OR REPLACE TABLE marts.questions AS
WITH members AS (
    SELECT * FROM marts.question_feedback WHERE question_id IS NOT NULL
),
last_day AS (
    SELECT max(created_date) AS day FROM marts.feedback
),
stats AS (
    SELECT
        question_id,
        count(*) AS voices,
        -- The trend compares the last 28 days of data with the 28 days before them.
        count(*) FILTER (WHERE created_date > (SELECT day FROM last_day) - 28) AS recent_voices,
        count(*) FILTER (
            WHERE created_date <= (SELECT day FROM last_day) - 28
              AND created_date > (SELECT day FROM last_day) - 56
        ) AS earlier_voices,
        count(*) FILTER (WHERE inquiry = 'request') AS requests,
        count(*) FILTER (WHERE channel = 'call') AS call_voices,
        count(*) FILTER (WHERE channel = 'email') AS email_voices,
        count(*) FILTER (WHERE channel = 'form') AS form_voices,
        count(*) FILTER (WHERE channel = 'sns') AS sns_voices,
        count(resolved_first_contact) AS calls_recorded,
        count(*) FILTER (WHERE resolved_first_contact) AS calls_resolved_first,
        min(created_date) AS first_seen,
        max(created_date) AS last_seen
    FROM members
    GROUP BY question_id
)
SELECT
    q.question_id,
    q.label,
    COALESCE(q.keywords, []::VARCHAR[]) AS keywords,
    q.product,
    CASE WHEN s.requests * 2 > s.voices THEN 'request' ELSE 'question' END AS inquiry,
    COALESCE(s.voices, 0) AS voices,
    COALESCE(s.recent_voices, 0) AS recent_voices,
    COALESCE(s.earlier_voices, 0) AS earlier_voices,
    COALESCE(s.call_voices, 0) AS call_voices,
    COALESCE(s.email_voices, 0) AS email_voices,
    COALESCE(s.form_voices, 0) AS form_voices,
    COALESCE(s.sns_voices, 0) AS sns_voices,
    COALESCE(s.calls_recorded, 0) AS calls_recorded,
    COALESCE(s.calls_resolved_first, 0) AS calls_resolved_first,
    s.calls_resolved_first / NULLIF(s.calls_recorded, 0) AS first_contact_resolution,
    s.first_seen,
    s.last_seen,
    COALESCE(q.representative_ids, []::VARCHAR[]) AS representative_ids
FROM nlp.questions AS q
LEFT JOIN stats AS s USING (question_id)
ORDER BY voices DESC, q.question_id;

COMMENT ON TABLE marts.questions IS 'Recurring questions (よくある質問): questions and requests clustered the way issues are, with volume, trend, channels and first-contact resolution over all the data.';
COMMENT ON COLUMN marts.questions.label IS 'A phrase from the c-TF-IDF keywords of its members.';
COMMENT ON COLUMN marts.questions.inquiry IS 'request when most members are requests (wishes), else question.';
COMMENT ON COLUMN marts.questions.voices IS 'Original voices in the recurring question.';
COMMENT ON COLUMN marts.questions.recent_voices IS 'Voices in the last 28 days of data (up to the last day of marts.feedback).';
COMMENT ON COLUMN marts.questions.earlier_voices IS 'Voices in the 28 days before those: recent_voices against it is the trend.';
COMMENT ON COLUMN marts.questions.calls_recorded IS 'Calls about it whose log says whether they were resolved at first contact.';
COMMENT ON COLUMN marts.questions.calls_resolved_first IS 'Of those, calls resolved at first contact (1次解決).';
COMMENT ON COLUMN marts.questions.first_contact_resolution IS 'calls_resolved_first ÷ calls_recorded; NULL without calls.';
COMMENT ON COLUMN marts.questions.representative_ids IS 'feedback_ids closest to its centre (marts.question_examples shows their masked words).';
